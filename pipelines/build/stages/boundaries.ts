// Stage: boundaries for the browser. LSOAs and wards from the official files (rewound, simplified, quantised); MSOA, district and partnership merged from the prepared LSOA shapes, so every nested layer shares one topology.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FeatureCollection, MultiPolygon, Polygon } from "geojson";
import { mergeLsoas } from "../../../geo/merge.ts";
import { BOUNDARY_DEFAULTS, byteLength, prepareBoundaries } from "../../../geo/prepare.ts";
import type { Db } from "../../db/connection.ts";
import { ident } from "../../db/sql.ts";
import { IntegrityError } from "../../errors.ts";
import type { Logger } from "../../log.ts";
import { sourceById, type GeoSource } from "../../sources.ts";

/** Layers read from an official boundary file, with size budgets per LSOA for a place the size of north east London (budgets scale with the LSOA count). */
export const officialLayers = [
  { layer: "lsoa", source: "boundaries-lsoa21", budgetPerLsoa: 700 },
  { layer: "ward", source: "boundaries-ward", budgetPerLsoa: 300 },
] as const;

/** Layers that nest in LSOAs, merged from the prepared LSOA shapes along shared edges: the lsoa column giving each LSOA's area and the one naming it. */
export const mergedLayers = [
  { layer: "msoa", code: "msoa21cd", name: "msoa_name" },
  { layer: "lad", code: "lad_code", name: "lad_name" },
  { layer: "partnership", code: "partnership", name: "partnership" },
] as const;

/** Every layer the boundary table holds. */
export const boundaryLayers = [...officialLayers.map((l) => l.layer), ...mergedLayers.map((l) => l.layer)];

type Area = Polygon | MultiPolygon;

async function insert(db: Db, layer: string, features: number, json: string, log: Logger, how: string): Promise<void> {
  const bytes = byteLength(json);
  await db.run(`INSERT INTO boundary VALUES ($layer, $features, $bytes, $json)`, { layer, features, bytes, json });
  log.progress(`${layer}: ${features} shapes, ${(bytes / 1024).toFixed(0)} KB (${how})`);
}

/** A layer merged from the place's prepared LSOA shapes; fails when an LSOA of the place has no shape. */
export async function mergeLayer(db: Db, lsoas: FeatureCollection<Area>, layer: (typeof mergedLayers)[number], log: Logger): Promise<void> {
  const rows = await db.all<{ lsoa: string; code: string; name: string }>(
    `SELECT lsoa21cd AS lsoa, ${ident(layer.code)} AS code, ${ident(layer.name)} AS name FROM lsoa ORDER BY lsoa21cd`,
  );
  await mergeRows(db, lsoas, layer.layer, rows, log);
}

/** Merge the LSOA shapes by the area each row gives its LSOA and store the layer. */
async function mergeRows(db: Db, lsoas: FeatureCollection<Area>, layer: string, rows: { lsoa: string; code: string; name: string }[], log: Logger): Promise<void> {
  const assign = new Map(rows.map((r) => [r.lsoa, r.code]));
  const names = new Map(rows.map((r) => [r.code, r.name]));
  const started = performance.now();
  const { collection, missingLsoas } = mergeLsoas(lsoas, assign, names);
  if (missingLsoas.length)
    throw new IntegrityError(`${layer} boundaries: ${missingLsoas.length} LSOA(s) have no shape to merge (e.g. ${missingLsoas.slice(0, 3).join(", ")})`);
  const json = JSON.stringify({
    type: "FeatureCollection",
    features: collection.features.map((f) => ({ type: "Feature", properties: { code: f.properties.code, name: f.properties.name }, geometry: f.geometry })),
  });
  await insert(db, layer, collection.features.length, json, log, `merged from LSOAs in ${(performance.now() - started).toFixed(0)} ms`);
}

/**
 * A layer the need stage draws from a table giving LSOAs their area (`rowsSql` → lsoa, code, name), merged from the
 * stored LSOA shapes: deleted first, so it is rewritten whenever that table is, and left out when `rowsSql` gives
 * no rows (no located practice, no custom neighbourhoods ingested). Does nothing in a database without boundaries.
 */
async function buildGroupBoundaries(db: Db, layer: string, rowsSql: string, log: Logger): Promise<void> {
  const stored = await db.all<{ geojson: string }>(`SELECT geojson FROM boundary WHERE layer = 'lsoa'`).catch(() => []);
  if (!stored.length) return;
  await db.run(`DELETE FROM boundary WHERE layer = $layer`, { layer });
  const rows = await db.all<{ lsoa: string; code: string; name: string }>(rowsSql);
  if (!rows.length && layer !== "pcn") return;
  await mergeRows(db, JSON.parse(stored[0].geojson) as FeatureCollection<Area>, layer, rows, log);
}

/**
 * The PCN footprint layer: the LSOAs each PCN's practices serve (need_lsoa_pcn, the PCN of the nearest located
 * practice), merged from the stored LSOA shapes. Empty when no practice of the place has a location.
 */
export async function buildPcnBoundaries(db: Db, log: Logger): Promise<void> {
  if (!(await db.all(`SELECT 1 FROM information_schema.tables WHERE table_name = 'need_lsoa_pcn'`)).length) return;
  await buildGroupBoundaries(db, "pcn", `SELECT lsoa21cd AS lsoa, pcn_code AS code, pcn_name AS name FROM need_lsoa_pcn WHERE pcn_code IS NOT NULL ORDER BY lsoa21cd`, log);
}

/**
 * The custom-neighbourhood layer (`chest ingest neighbourhoods`): each neighbourhood's LSOAs (neighbourhood_lsoa)
 * merged from the stored LSOA shapes. Removed when no neighbourhoods are ingested.
 */
export async function buildNeighbourhoodBoundaries(db: Db, log: Logger): Promise<void> {
  const custom = (await db.all(`SELECT 1 FROM information_schema.tables WHERE table_name = 'neighbourhood_lsoa'`)).length > 0;
  await buildGroupBoundaries(
    db,
    "neighbourhood",
    custom
      ? `SELECT lsoa21cd AS lsoa, neighbourhood_code AS code, neighbourhood_name AS name FROM neighbourhood_lsoa ORDER BY lsoa21cd`
      : `SELECT NULL::VARCHAR AS lsoa, NULL::VARCHAR AS code, NULL::VARCHAR AS name WHERE false`,
    log,
  );
}

export async function buildBoundaries(db: Db, rawDir: string, log: Logger): Promise<void> {
  const [{ lsoas }] = await db.all<{ lsoas: number }>(`SELECT count(*)::INTEGER AS lsoas FROM lsoa`);
  await db.run(`CREATE TABLE boundary (layer VARCHAR PRIMARY KEY, features INTEGER, bytes INTEGER, geojson VARCHAR)`);
  await db.run(`COMMENT ON TABLE boundary IS 'Boundaries for the maps, one GeoJSON FeatureCollection (properties code, name) per layer: lsoa and ward from the official files; msoa, lad and partnership merged from the lsoa shapes along shared edges; pcn (each PCN''s footprint: the LSOAs nearest its practices, need_lsoa_pcn) and neighbourhood (custom neighbourhoods, neighbourhood_lsoa, when ingested) merged likewise by the need stage.'`);
  let prepared: FeatureCollection<Area> | null = null;
  for (const { layer, source, budgetPerLsoa } of officialLayers) {
    const s = sourceById(source) as GeoSource;
    const fc = JSON.parse(readFileSync(join(rawDir, s.file), "utf8"));
    const result = prepareBoundaries(fc, {
      keep: [s.codeProperty, s.nameProperty],
      rename: { [s.codeProperty]: "code", [s.nameProperty]: "name" },
      ...BOUNDARY_DEFAULTS,
      budgetBytes: Math.max(200_000, budgetPerLsoa * lsoas), // small places keep more detail per LSOA (Plymouth: 122 KB for 164 LSOAs)
      label: `${layer} boundaries`,
    });
    await insert(db, layer, result.collection.features.length, result.json, log, "official");
    if (layer === "lsoa") prepared = result.collection;
  }
  for (const layer of mergedLayers) await mergeLayer(db, prepared!, layer, log);
}
