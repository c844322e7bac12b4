// Seeded synthetic social prescribing referrals for the demo: two NHS financial years, rates from real age structure and deprivation, real practices and PCNs.
//
// SYNTHETIC: no real referral records exist in public (they are personal data). These are made up, from
// public facts about each LSOA, so the pipeline, the disclosure gate and the pages can be shown working.
// Model, per LSOA i and month m:
//   expected referrals λᵢₘ = N · wᵢ/Σw · seasonₘ/12, with wᵢ = populationᵢ · age factorᵢ · exp(0.45·z(health scoreᵢ) + 0.3·z(income scoreᵢ)),
//   N = 30,000 a year scaled by the place's population (north east London: ~2 million residents), +8% in the second year;
//   counts are Poisson(λᵢₘ). Age bands follow the LSOA's Census 2021 age shares weighted by how often each band
//   is referred; needs follow the age band and income deprivation; the practice is one of the nearest four to the
//   LSOA's population-weighted centroid (located NHS practices; elsewhere the place's own at seeded LSOA centroids, demo-practices.ts); the outcome is "no suitable activity"
//   more often where little provision reaches (services reaching the LSOA, overall and for the referral's first need,
//   from the service_reach and provision tables when services are loaded; else the IoD geographical barriers
//   sub-domain as a proxy) and for needs that are hard to meet (housing, legal advice).
import { csvCell } from "../../src/lib/csv.ts";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { FeatureCollection } from "geojson";
import { buildSpatialIndex } from "../../geo/spatial-index.ts";
import { mulberry32, normalGenerator } from "../../src/lib/random.ts";
import { NEED_CATEGORIES, needLabel } from "../../src/lib/needs.ts";
import type { Db } from "../db/connection.ts";
import { ident, literal } from "../db/sql.ts";
import { SYNTHETIC_LABEL, type DemoContext } from "../demo/generators.ts";
import { demoPractices, fetchedFile } from "./demo-practices.ts";

/** The demo covers two NHS financial years, fixed so that the demo is the same whenever it is run. */
export const DEMO_YEARS = [
  { label: "2023-24", start: 2023 },
  { label: "2024-25", start: 2024 },
] as const;
export const DEMO_REFERRALS_PER_YEAR = 30_000;
const NEL_POPULATION = 1_998_709;

const bands = ["0-15", "16-24", "25-34", "35-49", "50-64", "65+"] as const;
type Band = (typeof bands)[number];
/** Relative chance of referral per resident by age band. */
const bandPropensity: Record<Band, number> = { "0-15": 0.12, "16-24": 0.6, "25-34": 0.8, "35-49": 1.0, "50-64": 1.3, "65+": 1.9 };

const baseNeedWeight: Record<string, number> = {
  loneliness: 1.0,
  mental_wellbeing: 1.2,
  cost_of_living: 0.8,
  housing: 0.35,
  physical_activity: 0.6,
  long_term_conditions: 0.6,
  carers: 0.2,
  employment: 0.35,
  food: 0.3,
  digital_inclusion: 0.15,
  bereavement: 0.15,
  arts_creativity: 0.2,
  family_support: 0.2,
  legal_advice: 0.12,
  other: 0.1,
};
const ageNeedFactor: Partial<Record<Band, Record<string, number>>> = {
  "0-15": { family_support: 3, mental_wellbeing: 1.3, physical_activity: 1.5, carers: 1.5, employment: 0, long_term_conditions: 0.3, bereavement: 0.5, legal_advice: 0.2, housing: 0.5 },
  "16-24": { mental_wellbeing: 1.6, employment: 1.8, loneliness: 0.8, long_term_conditions: 0.4, bereavement: 0.5 },
  "25-34": { mental_wellbeing: 1.4, employment: 1.5, family_support: 1.4, long_term_conditions: 0.5 },
  "50-64": { long_term_conditions: 1.4, carers: 1.5 },
  "65+": { loneliness: 2.2, long_term_conditions: 1.8, bereavement: 2, digital_inclusion: 1.8, employment: 0.1, family_support: 0.3, physical_activity: 0.8 },
};
/** How hard each need is to meet with a community activity (base chance of "no suitable activity"). */
const unmetBase: Record<string, number> = {
  loneliness: 0.08,
  mental_wellbeing: 0.12,
  cost_of_living: 0.1,
  housing: 0.3,
  physical_activity: 0.06,
  long_term_conditions: 0.12,
  carers: 0.12,
  employment: 0.18,
  food: 0.1,
  digital_inclusion: 0.15,
  bereavement: 0.15,
  arts_creativity: 0.08,
  family_support: 0.15,
  legal_advice: 0.28,
  other: 0.15,
};
const sources: [string, number][] = [
  ["gp", 0.62],
  ["vcfse", 0.12],
  ["self", 0.09],
  ["social_care", 0.08],
  ["community_health", 0.05],
  ["hospital", 0.04],
];

interface LsoaRow {
  lsoa21cd: string;
  population: number;
  shares: number[];
  lon: number;
  lat: number;
  health: number;
  income: number;
  scarcity: number;
}

/** Percentile rank (0 to 1, ties averaged) of each value. */
function percentileRanks(values: number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out = new Array<number>(values.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const rank = values.length > 1 ? (i + j) / 2 / (values.length - 1) : 0.5;
    for (let k = i; k <= j; k++) out[order[k][1]] = rank;
    i = j + 1;
  }
  return out;
}

function zScores(values: number[]): number[] {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / n) || 1;
  return values.map((v) => (v - mean) / sd);
}


function km(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const x = (lon2 - lon1) * r * Math.cos(((lat1 + lat2) / 2) * r);
  const y = (lat2 - lat1) * r;
  return 6371 * Math.sqrt(x * x + y * y);
}

/** Provision reaching each LSOA: the service_reach table (issue 5) when present, else null. */
async function provisionByLsoa(db: Db): Promise<Map<string, number> | null> {
  const cols = await db.all<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'service_reach'`,
  );
  if (!cols.some((c) => c.column_name === "lsoa21cd")) return null;
  const numeric = cols.find((c) => ["services", "service_count", "n_services", "count"].includes(c.column_name));
  const rows = await db.all<{ lsoa21cd: string; n: number }>(
    numeric
      ? `SELECT lsoa21cd, sum(${ident(numeric.column_name)})::DOUBLE AS n FROM service_reach GROUP BY lsoa21cd`
      : `SELECT lsoa21cd, count(*)::DOUBLE AS n FROM service_reach GROUP BY lsoa21cd`,
  );
  return new Map(rows.map((r) => [r.lsoa21cd, r.n]));
}

/** Services reaching each LSOA for each need (the provision table, issue 5), when present: need → LSOA → count. */
async function provisionByNeed(db: Db): Promise<Map<string, Map<string, number>> | null> {
  const cols = new Set(
    (await db.all<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'provision'`)).map((c) => c.column_name),
  );
  if (!(cols.has("lsoa21cd") && cols.has("need") && cols.has("services_reaching"))) return null;
  const rows = await db.all<{ need: string; lsoa21cd: string; n: number }>(
    `SELECT need, lsoa21cd, coalesce(services_reaching, 0)::DOUBLE AS n FROM provision WHERE need <> 'all'`,
  );
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) (out.get(r.need) ?? out.set(r.need, new Map()).get(r.need)!).set(r.lsoa21cd, r.n);
  return out;
}

/** 2021 LSOA → a 2011 code that maps to it and differs from it (for a few rows in 2011 codes, as older case systems export). */
async function olderCodes(db: Db, rawDir: string): Promise<Map<string, string>> {
  const path = await fetchedFile(db, rawDir, "lookup-lsoa11-lsoa21");
  if (!path) return new Map();
  const rows = await db.all<{ code21: string; code11: string }>(`
    SELECT LSOA21CD AS code21, min(LSOA11CD) AS code11
    FROM read_csv(${literal(path)}, header = true, all_varchar = true)
    WHERE LSOA11CD <> LSOA21CD AND LSOA11CD NOT IN (SELECT LSOA21CD FROM read_csv(${literal(path)}, header = true, all_varchar = true))
    GROUP BY LSOA21CD`);
  return new Map(rows.map((r) => [r.code21, r.code11]));
}

export async function generateDemoReferrals(ctx: DemoContext): Promise<string[]> {
  const { db, log } = ctx;
  const rawDir = resolve(ctx.rawDir ?? process.env.CHEST_RAW ?? "data/raw");
  const practices = await demoPractices(db, rawDir, ctx.seed, log);

  const rows = await db.all<{
    lsoa21cd: string;
    population: number;
    s0: number; s1: number; s2: number; s3: number; s4: number; s5: number;
    lon: number;
    lat: number;
    health: number;
    income: number;
    geo: number;
  }>(`
    SELECT l.lsoa21cd, l.population, l.share_0_15 AS s0, l.share_16_24 AS s1, l.share_25_34 AS s2, l.share_35_49 AS s3,
           l.share_50_64 AS s4, l.share_65_plus AS s5, l.centroid_lon AS lon, l.centroid_lat AS lat,
           coalesce(d.health_score, 0) AS health, coalesce(d.income_score, 0) AS income, coalesce(d.sub_geographical_score, 0) AS geo
    FROM lsoa l LEFT JOIN iod2025 d USING (lsoa21cd) ORDER BY l.lsoa21cd`);
  const provision = await provisionByLsoa(db);
  const scarcity = provision
    ? percentileRanks(rows.map((r) => -(provision.get(r.lsoa21cd) ?? 0)))
    : percentileRanks(rows.map((r) => r.geo));
  // Need by need too, when the provision table says how many services for each need reach each LSOA.
  const byNeed = provision ? await provisionByNeed(db) : null;
  const needScarcity = new Map<string, number[]>();
  if (byNeed) for (const [need, counts] of byNeed) needScarcity.set(need, percentileRanks(rows.map((r) => -(counts.get(r.lsoa21cd) ?? 0))));
  log.progress(
    `demo referrals: provision from ${provision ? `the service_reach table${byNeed ? " and, need by need, the provision table" : ""}` : "the IoD geographical barriers sub-domain (proxy: no services loaded)"}`,
  );
  const healthZ = zScores(rows.map((r) => r.health));
  const incomeZ = zScores(rows.map((r) => r.income));
  const lsoas: LsoaRow[] = rows.map((r, i) => ({
    lsoa21cd: r.lsoa21cd,
    population: r.population,
    shares: [r.s0, r.s1, r.s2, r.s3, r.s4, r.s5],
    lon: r.lon,
    lat: r.lat,
    health: healthZ[i],
    income: incomeZ[i],
    scarcity: scarcity[i],
  }));
  const weights = lsoas.map((l) => l.population * l.shares.reduce((a, s, b) => a + s * bandPropensity[bands[b]], 0) * Math.exp(0.45 * l.health + 0.3 * l.income));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const population = lsoas.reduce((a, l) => a + l.population, 0);

  // Nearest four practices to each LSOA, weighted by 1 / (distance + 0.3 km)².
  const nearest = lsoas.map((l) => {
    const by = practices
      .map((p) => ({ p, d: km(l.lat, l.lon, p.lat, p.lon) }))
      .sort((a, b) => a.d - b.d || (a.p.code < b.p.code ? -1 : 1))
      .slice(0, 4);
    return by.map(({ p, d }) => ({ p, w: 1 / (d + 0.3) ** 2 }));
  });
  const eleven = await olderCodes(db, rawDir);
  // Points are checked against the boundaries ingest uses (the fetched, unsimplified ones); without them the demo
  // gives LSOA codes only (a point inside a simplified outline can fall outside the real one).
  const boundaries = await fetchedFile(db, rawDir, "boundaries-lsoa21");
  const index = boundaries ? buildSpatialIndex(JSON.parse(readFileSync(boundaries, "utf8")) as FeatureCollection, { codeProperty: "LSOA21CD" }) : null;

  const uniform = mulberry32(ctx.seed ^ 0x5eed4);
  const normal = normalGenerator(mulberry32(ctx.seed ^ 0x40ff1));
  const pick = <T>(items: readonly T[], weight: (t: T) => number): T => {
    const total = items.reduce((a, t) => a + weight(t), 0);
    let u = uniform() * total;
    for (const t of items) {
      u -= weight(t);
      if (u < 0) return t;
    }
    return items[items.length - 1];
  };
  const poisson = (lambda: number): number => {
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal()));
    const l = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= uniform();
    } while (p > l);
    return k - 1;
  };
  const lognormal = (median: number, sigma: number) => Math.round(median * Math.exp(sigma * normal()));

  const needKeys = NEED_CATEGORIES.map((c) => c.key);
  const files: string[] = [];
  mkdirSync(ctx.outDir, { recursive: true });
  const header = "referral_id,referral_date,practice_code,pcn_code,lsoa_code,longitude,latitude,age_band,needs,source,outcome,activity_id,days_waited";
  let total = 0;
  for (const [y, year] of DEMO_YEARS.entries()) {
    const perYear = DEMO_REFERRALS_PER_YEAR * (population / NEL_POPULATION) * (y === 0 ? 1 : 1.08);
    const dataEnd = Date.UTC(DEMO_YEARS[DEMO_YEARS.length - 1].start + 1, 2, 31);
    const records: { date: string; line: string }[] = [];
    for (let m = 0; m < 12; m++) {
      const month = (3 + m) % 12; // 0-based calendar month, from April
      const calYear = year.start + (month < 3 ? 1 : 0);
      const season = (1 + 0.12 * Math.cos((2 * Math.PI * month) / 12)) * (month === 7 ? 0.88 : month === 11 ? 0.85 : 1);
      const days = new Date(Date.UTC(calYear, month + 1, 0)).getUTCDate();
      for (const [i, l] of lsoas.entries()) {
        const n = poisson((perYear * (weights[i] / totalWeight) * season) / 12);
        for (let k = 0; k < n; k++) {
          let day = 1 + Math.floor(uniform() * days);
          const weekday = new Date(Date.UTC(calYear, month, day)).getUTCDay();
          if ((weekday === 0 || weekday === 6) && uniform() < 0.9) day = Math.min(days, day + (weekday === 6 ? 2 : 1));
          const t = Date.UTC(calYear, month, day);
          const date = new Date(t).toISOString().slice(0, 10);
          const band = pick(bands, (b) => l.shares[bands.indexOf(b)] * bandPropensity[b]);
          const howMany = pick([1, 2, 3], (c) => (c === 1 ? 0.55 : c === 2 ? 0.3 : 0.15));
          const chosen: string[] = [];
          for (let c = 0; c < howMany; c++) {
            const need = pick(
              needKeys.filter((key) => !chosen.includes(key)),
              (key) => {
                let w = baseNeedWeight[key] * (ageNeedFactor[band]?.[key] ?? 1);
                if (key === "cost_of_living") w *= Math.exp(0.5 * l.income);
                if (key === "food") w *= Math.exp(0.6 * l.income);
                if (key === "housing") w *= Math.exp(0.4 * l.income);
                if (key === "legal_advice") w *= Math.exp(0.3 * l.income);
                return w;
              },
            );
            chosen.push(need);
          }
          const practice = pick(nearest[i], (x) => x.w).p;
          // Where the person lives: usually the LSOA code; some systems give 2011 codes or map points.
          let lsoaCode = l.lsoa21cd;
          let lon = "";
          let lat = "";
          const how = uniform();
          if (how < 0.03 && eleven.has(l.lsoa21cd)) lsoaCode = eleven.get(l.lsoa21cd)!;
          else if (how > 0.91 && index) {
            const x = l.lon + (uniform() - 0.5) * 0.0016;
            const yy = l.lat + (uniform() - 0.5) * 0.001;
            if (index.locate(x, yy) === l.lsoa21cd) {
              lsoaCode = "";
              lon = x.toFixed(5);
              lat = yy.toFixed(5);
            }
          }
          const needScarce = needScarcity.get(chosen[0])?.[i];
          const scarce = needScarce === undefined ? l.scarcity : (l.scarcity + needScarce) / 2;
          const unmetChance = Math.min(0.85, unmetBase[chosen[0]] * (chosen.length > 1 ? 1.15 : 1) * (0.45 + 1.3 * scarce) * (1 + 0.1 * l.income));
          const monthsFromEnd = (dataEnd - t) / (30.4 * 86_400_000);
          const waitingChance = monthsFromEnd < 1 ? 0.35 : monthsFromEnd < 2 ? 0.15 : monthsFromEnd < 4 ? 0.04 : 0.005;
          const u = uniform();
          const outcome =
            u < unmetChance ? "no_suitable_activity" : u < unmetChance + waitingChance ? "waiting" : u < unmetChance + waitingChance + 0.1 ? "declined" : u < unmetChance + waitingChance + 0.14 ? "other" : "connected";
          const daysSince = Math.floor((dataEnd - t) / 86_400_000);
          const waited =
            outcome === "connected"
              ? Math.min(120, Math.max(0, lognormal(14, 0.6)))
              : outcome === "no_suitable_activity"
                ? Math.min(150, Math.max(1, lognormal(21, 0.5)))
                : outcome === "declined"
                  ? Math.min(60, Math.max(0, lognormal(7, 0.7)))
                  : outcome === "waiting"
                    ? Math.min(daysSince, Math.max(0, lognormal(30, 0.6)))
                    : null;
          const activity = outcome === "connected" ? `ACT-${chosen[0].slice(0, 4).toUpperCase()}-${String(1 + Math.floor(uniform() * 400)).padStart(3, "0")}` : "";
          const source = pick(sources, (s) => s[1])[0];
          const fields = [
            "", // id, given once sorted by date
            date,
            practice.code,
            practice.pcn ?? "",
            lsoaCode,
            lon,
            lat,
            band,
            chosen.map(needLabel).join("; "),
            source,
            outcome,
            activity,
            waited === null ? "" : String(Math.min(waited, daysSince)),
          ];
          records.push({ date, line: fields.map((f) => csvCell(f)).join(",") });
        }
      }
    }
    records.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const lines = records.map((r, k) => `DEMO-${year.start}-${String(k + 1).padStart(6, "0")}${r.line}`);
    const path = join(ctx.outDir, `demo-referrals-${year.label}.csv`);
    writeFileSync(path, `${header}\n${lines.join("\n")}\n`);
    files.push(path);
    total += records.length;
  }
  log.info(`demo referrals: ${total.toLocaleString("en-GB")} synthetic referral records over ${DEMO_YEARS.length} years (${SYNTHETIC_LABEL})`);
  return files;
}
