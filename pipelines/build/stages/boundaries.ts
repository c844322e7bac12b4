// Stage: boundaries for the browser (LSOA, MSOA, ward, borough), rewound, simplified and quantised, stored as GeoJSON text.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BOUNDARY_DEFAULTS, prepareBoundaries } from "../../../geo/prepare.ts";
import type { Db } from "../../db/connection.ts";
import type { Logger } from "../../log.ts";
import { sourceById, type GeoSource } from "../../sources.ts";

/** Size budgets per layer for a place the size of north east London (London is larger: budgets scale with the LSOA count). */
export const boundaryLayers = [
  { layer: "lsoa", source: "boundaries-lsoa21", budgetPerLsoa: 700 },
  { layer: "msoa", source: "boundaries-msoa21", budgetPerLsoa: 350 },
  { layer: "ward", source: "boundaries-ward", budgetPerLsoa: 300 },
  { layer: "lad", source: "boundaries-lad", budgetPerLsoa: 100 },
] as const;

export async function buildBoundaries(db: Db, rawDir: string, log: Logger): Promise<void> {
  const [{ lsoas }] = await db.all<{ lsoas: number }>(`SELECT count(*)::INTEGER AS lsoas FROM lsoa`);
  await db.run(`CREATE TABLE boundary (layer VARCHAR PRIMARY KEY, features INTEGER, bytes INTEGER, geojson VARCHAR)`);
  for (const { layer, source, budgetPerLsoa } of boundaryLayers) {
    const s = sourceById(source) as GeoSource;
    const fc = JSON.parse(readFileSync(join(rawDir, s.file), "utf8"));
    const prepared = prepareBoundaries(fc, {
      keep: [s.codeProperty, s.nameProperty],
      rename: { [s.codeProperty]: "code", [s.nameProperty]: "name" },
      ...BOUNDARY_DEFAULTS,
      budgetBytes: Math.max(50_000, budgetPerLsoa * lsoas),
      label: `${layer} boundaries`,
    });
    await db.run(`INSERT INTO boundary VALUES ($layer, $n, $bytes, $text)`, {
      layer,
      n: prepared.collection.features.length,
      bytes: prepared.bytes,
      text: prepared.json,
    });
    log.progress(`${layer}: ${prepared.collection.features.length} shapes, ${(prepared.bytes / 1024).toFixed(0)} KB`);
  }
}
