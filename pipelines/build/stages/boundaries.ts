// Stage: boundaries for the browser (LSOA, MSOA, ward, borough), rewound, simplified and quantised, stored as GeoJSON text.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../../db/connection.ts";
import type { Logger } from "../../log.ts";
import { sourceById, type GeoSource } from "../../sources.ts";

export const boundaryLayers = [
  { layer: "lsoa", source: "boundaries-lsoa21" },
  { layer: "msoa", source: "boundaries-msoa21" },
  { layer: "ward", source: "boundaries-ward" },
  { layer: "lad", source: "boundaries-lad" },
] as const;

export async function buildBoundaries(db: Db, rawDir: string, log: Logger): Promise<void> {
  await db.run(`CREATE TABLE boundary (layer VARCHAR PRIMARY KEY, features INTEGER, bytes INTEGER, geojson VARCHAR)`);
  for (const { layer, source } of boundaryLayers) {
    const s = sourceById(source) as GeoSource;
    const fc = JSON.parse(readFileSync(join(rawDir, s.file), "utf8"));
    const text = JSON.stringify(fc);
    await db.run(`INSERT INTO boundary VALUES ($layer, $n, $bytes, $text)`, { layer, n: fc.features.length, bytes: text.length, text });
    log.progress(`${layer}: ${fc.features.length} shapes, ${(text.length / 1024).toFixed(0)} KB`);
  }
}
