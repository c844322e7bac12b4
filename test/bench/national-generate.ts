// Seeded inputs for all of England in the real formats, for the national benchmark: referral records (CSV), grants (360Giving CSV) and service locations (Open Referral UK JSON), on every English LSOA's real code and population-weighted centroid.
import { createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { toCsv } from "../../pipelines/kit/delimited.ts";
import { NEED_CATEGORIES } from "../../src/lib/needs.ts";
import { mulberry32 } from "../../src/lib/random.ts";

export interface EnglishLsoa {
  code: string;
  lon: number;
  lat: number;
  ward: string;
  lad: string;
}

export interface NationalCounts {
  referrals: number;
  grants: number;
  services: number;
}

/** Full scale: 2,000,000 referrals, 100,000 grants, 50,000 service locations. */
export const NATIONAL: NationalCounts = { referrals: 2_000_000, grants: 100_000, services: 50_000 };

export interface NationalFiles {
  lsoas: number;
  referrals: string;
  grants: string;
  services: string;
}

/** Every English LSOA 2021 (codes E01…) with its population-weighted centroid, ward and local authority, from the mirror. */
export function englishLsoas(mirror: string): EnglishLsoa[] {
  const rows = (file: string) => readFileSync(join(mirror, "geography/lookups", file), "utf8").replace(/^\uFEFF/, "").trim().split(/\r?\n/).slice(1).map((l) => l.split(","));
  const wards = new Map(rows("lsoa21_ward24_lad24_best_fit.csv").map((c) => [c[0], { ward: c[2], lad: c[c.length - 2] }]));
  return rows("lsoa21_population_weighted_centroids.csv")
    .filter(([code]) => code.startsWith("E01"))
    .map(([code, lon, lat]) => ({ code, lon: Number(lon), lat: Number(lat), ward: wards.get(code)?.ward ?? "", lad: wards.get(code)?.lad ?? "" }))
    .sort((a, b) => (a.code < b.code ? -1 : 1));
}

async function writeLines(path: string, header: string, count: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  out.write(header + "\n");
  let chunk = "";
  for (let i = 0; i < count; i++) {
    chunk += line(i) + "\n";
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
      chunk = "";
    }
  }
  out.write(chunk);
  await new Promise<void>((r) => out.end(() => r()));
}

/**
 * Referral records in the layout `chest ingest referrals` reads: 85% by LSOA 2021 code, 10% by coordinates near a
 * centroid, 5% with no place; 1–3 needs each; 2% with a problem the stage must catch (unknown practice, future date,
 * an NHS number where the id goes, an unknown need).
 */
function referralLine(rnd: () => number, lsoas: EnglishLsoa[], practices: { code: string; pcn: string | null }[]) {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const labels = NEED_CATEGORIES.map((c) => c.label);
  const outcomes = ["connected", "connected", "connected", "no_suitable_activity", "declined", "waiting", "other"];
  const bands = ["16-24", "25-34", "35-49", "50-64", "65+", "65+"];
  return (i: number): string => {
    const day = new Date(Date.UTC(2023, 3, 1) + Math.floor(rnd() * 730) * 86_400_000).toISOString().slice(0, 10);
    const p = pick(practices);
    const l = pick(lsoas);
    const u = rnd();
    const [lsoa, lon, lat] = u < 0.85 ? [l.code, "", ""] : u < 0.95 ? ["", (l.lon + (rnd() - 0.5) * 0.0008).toFixed(6), (l.lat + (rnd() - 0.5) * 0.0005).toFixed(6)] : ["", "", ""];
    const needs = [pick(labels), ...(rnd() < 0.4 ? [pick(labels)] : []), ...(rnd() < 0.15 ? [pick(labels)] : [])].join("; ");
    const outcome = pick(outcomes);
    const row = [`N-${i + 1}`, day, p.code, p.pcn ?? "", lsoa, lon, lat, pick(bands), `"${needs}"`, "gp", outcome, outcome === "connected" ? `ACT-${i % 5000}` : "", outcome === "other" ? "" : String(Math.floor(rnd() * 60))];
    const bad = rnd();
    if (bad < 0.005) row[2] = "Z99999";
    else if (bad < 0.01) row[1] = "2031-01-01";
    else if (bad < 0.015) row[0] = "943 476 5919";
    else if (bad < 0.02) row[8] = "Gardening";
    return row.join(",");
  };
}

const GRANT_HEADER = [
  "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date", "Planned Dates:Start Date", "Planned Dates:Duration (months)",
  "Recipient Org:Identifier", "Recipient Org:Name", "Recipient Org:Postal Code", "Beneficiary Location:0:Geographic Code", "Beneficiary Location:0:Geographic Code Type",
  "Funding Org:0:Identifier", "Funding Org:0:Name", "Grant Programme:0:Code", "Grant Programme:0:Title", "Classifications:0:Title",
];

/** 360Giving CSV: beneficiary by LSOA (60%), ward (20%), local authority (10%) or none (10%); 1% with a bad amount. */
function grantRows(rnd: () => number, lsoas: EnglishLsoa[], count: number): string[][] {
  const themes = ["Loneliness", "Mental wellbeing", "Food", "Physical activity", "Cost of living"];
  const rows: string[][] = [];
  for (let i = 0; i < count; i++) {
    const a = lsoas[Math.floor(rnd() * lsoas.length)];
    const r = rnd();
    const [code, type] = r < 0.6 ? [a.code, "LSOA"] : r < 0.8 ? [a.ward, "WD"] : r < 0.9 ? [a.lad, "LA"] : ["", ""];
    const pence = 50_000 + Math.floor(rnd() * 1_500_000);
    rows.push([
      `360G-national-${i}`, `National benchmark grant ${i}`, "A generated grant for the national benchmark, quoted because it has a comma.", "GBP",
      rnd() < 0.01 ? "lots" : (pence / 100).toFixed(2), "2024-03-17", "2024-04", "12",
      `360G-national-org-${i % 40_000}`, `National organisation ${i % 40_000}`, "", code, type,
      "360G-national", "National Benchmark Chest", i % 2 ? "CHESTDEMO-R1" : "CHESTDEMO-R2", "Round", themes[i % themes.length],
    ]);
  }
  return rows;
}

/** Open Referral UK (a paged API response): one service at each of `count` venues within ~250 m of an LSOA centroid. */
function serviceDirectory(rnd: () => number, lsoas: EnglishLsoa[], count: number): string {
  const terms = ["Lunch club", "Walking football", "Money advice", "Food bank", "Community choir", "Job club", "Digital drop in", "Carers cafe"];
  const contents = Array.from({ length: count }, (_, i) => {
    const l = lsoas[Math.floor(rnd() * lsoas.length)];
    const id = `nat-svc-${i + 1}`;
    const term = terms[i % terms.length];
    return {
      id,
      name: `${term} ${i + 1}`,
      description: `Synthetic national benchmark service ${i + 1}.`,
      status: "active",
      organization: { id: `nat-org-${i % 20_000}`, name: `National group ${i % 20_000}`, description: "Synthetic." },
      service_at_locations: [{ id: `${id}-at`, location: { id: `nat-loc-${i + 1}`, location_type: "physical", name: `Venue ${i + 1}`, latitude: +(l.lat + (rnd() - 0.5) * 0.004).toFixed(6), longitude: +(l.lon + (rnd() - 0.5) * 0.006).toFixed(6) } }],
      schedules: [{ id: `${id}-schedule`, freq: "WEEKLY", interval: 1, byday: ["MO", "TU", "WE", "TH", "FR"][i % 5], dtstart: "2025-04-01", valid_from: "2025-04-01", opens_at: "10:00:00" }],
      attributes: [{ id: `${id}-term`, taxonomy_term: { id: `nat-term-${i % terms.length}`, name: term, description: term, taxonomy: "National benchmark activity types" } }],
      last_modified: "2025-04-01T00:00:00Z",
    };
  });
  return JSON.stringify({ synthetic: "Synthetic", total_items: count, total_pages: 1, page_number: 1, size: count, first_page: true, last_page: true, empty: count === 0, contents });
}

/** Write the three inputs into `dir` (seeded: the same seed gives the same bytes). */
export async function generateNational(dir: string, lsoas: EnglishLsoa[], practices: { code: string; pcn: string | null }[], counts: NationalCounts, seed = 20251201): Promise<NationalFiles> {
  const referrals = join(dir, "referrals-england.csv");
  await writeLines(referrals, "referral_id,referral_date,practice_code,pcn_code,lsoa_code,longitude,latitude,age_band,needs,source,outcome,activity_id,days_waited", counts.referrals, referralLine(mulberry32(seed), lsoas, practices));
  const grants = join(dir, "grants-england.csv");
  writeFileSync(grants, toCsv(GRANT_HEADER, grantRows(mulberry32(seed + 1), lsoas, counts.grants)));
  const services = join(dir, "services-england.json");
  writeFileSync(services, serviceDirectory(mulberry32(seed + 2), lsoas, counts.services));
  return { lsoas: lsoas.length, referrals, grants, services };
}
