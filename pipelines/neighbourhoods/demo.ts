// `chest demo` for custom neighbourhoods: synthetic integrated neighbourhood team (INT) footprints built from whole MSOAs, seeded, labelled synthetic.
//
// Each borough's MSOAs are cut into footprints of about 50,000 residents (the size NHS England's neighbourhood
// health guidance gives for an INT: 30,000–50,000) as slices of a pie around the borough's population-weighted
// centre: MSOAs are taken in order of their bearing from the centre, starting at a seeded bearing, and a new
// footprint begins when the running population passes the next equal share. Whole MSOAs keep the footprints
// joined up; the slices keep them compact enough to read on a map. Written as an LSOA → neighbourhood CSV and
// loaded through `chest ingest neighbourhoods` like any partnership's own file.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DemoContext } from "../demo/generators.ts";
import { mulberry32 } from "../../src/lib/random.ts";

/** Residents per synthetic footprint aimed at (the top of the 30,000–50,000 range). */
export const DEMO_FOOTPRINT_RESIDENTS = 50_000;

interface Msoa {
  lad_code: string;
  lad_name: string;
  msoa21cd: string;
  population: number;
  lat: number;
  lon: number;
}

/** Footprint number (0-based) per MSOA of one borough: pie slices of about equal population from a seeded bearing. */
export function sliceBorough(msoas: readonly Msoa[], startBearing: number, target = DEMO_FOOTPRINT_RESIDENTS): Map<string, number> {
  const total = msoas.reduce((s, m) => s + m.population, 0);
  const lat0 = msoas.reduce((s, m) => s + m.population * m.lat, 0) / total;
  const lon0 = msoas.reduce((s, m) => s + m.population * m.lon, 0) / total;
  const k = Math.max(1, Math.round(total / target));
  const bearing = (m: Msoa) => {
    const b = Math.atan2(m.lat - lat0, (m.lon - lon0) * Math.cos((lat0 * Math.PI) / 180)) - startBearing;
    return ((b % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
  };
  const ordered = [...msoas].sort((a, b) => bearing(a) - bearing(b) || a.msoa21cd.localeCompare(b.msoa21cd));
  const out = new Map<string, number>();
  let before = 0;
  for (const m of ordered) {
    // An MSOA joins the slice its middle resident falls in, so slices split at MSOA edges near the equal shares.
    out.set(m.msoa21cd, Math.min(k - 1, Math.floor((k * (before + m.population / 2)) / total)));
    before += m.population;
  }
  return out;
}

export async function generateDemoNeighbourhoods(ctx: DemoContext): Promise<string[]> {
  const msoas = await ctx.db.all<Msoa>(
    `SELECT lad_code, any_value(lad_name) AS lad_name, msoa21cd, sum(population)::INTEGER AS population,
            sum(population * centroid_lat) / sum(population) AS lat, sum(population * centroid_lon) / sum(population) AS lon
     FROM lsoa GROUP BY lad_code, msoa21cd ORDER BY lad_code, msoa21cd`,
  );
  const lsoas = await ctx.db.all<{ lsoa21cd: string; msoa21cd: string; lad_code: string }>(`SELECT lsoa21cd, msoa21cd, lad_code FROM lsoa ORDER BY lsoa21cd`);
  const uniform = mulberry32(ctx.seed ^ 0x4e4248); // "NBH": its own stream, so other generators' draws do not move it
  const footprint = new Map<string, { code: string; name: string }>();
  const boroughs = [...new Set(msoas.map((m) => m.lad_code))];
  for (const lad of boroughs) {
    const inLad = msoas.filter((m) => m.lad_code === lad);
    const slices = sliceBorough(inLad, uniform() * 2 * Math.PI);
    for (const [msoa, n] of slices) {
      const label = String(n + 1).padStart(2, "0");
      footprint.set(msoa, { code: `DEMO-INT-${lad}-${label}`, name: `${inLad[0].lad_name} INT ${label} (synthetic)` });
    }
  }
  mkdirSync(ctx.outDir, { recursive: true });
  const path = join(ctx.outDir, "demo-neighbourhoods.csv");
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const lines = lsoas.map((l) => {
    const f = footprint.get(l.msoa21cd)!;
    return [l.lsoa21cd, f.code, quote(f.name)].join(",");
  });
  writeFileSync(path, `lsoa21cd,neighbourhood_code,neighbourhood_name\n${lines.join("\n")}\n`);
  const count = new Set([...footprint.values()].map((f) => f.code)).size;
  ctx.log.progress(`demo: ${count} synthetic INT footprints from whole MSOAs over ${boroughs.length} borough(s): ${path}`);
  return [path];
}
