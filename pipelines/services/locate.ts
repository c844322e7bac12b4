// Where each service location is (its LSOA, through geo/'s spatial index) and which LSOAs it reaches on foot (population-weighted centroids within the walking distance, through geo/reach).
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { FeatureCollection, MultiPolygon, Polygon } from "geojson";
import { withinDistance, type ReachPair } from "../../geo/reach.ts";
import { readBoundaries, validateFeatureCollection, POLYGON_TYPES } from "../../geo/read.ts";
import { buildSpatialIndex, type SpatialIndex } from "../../geo/spatial-index.ts";
import type { Db } from "../db/connection.ts";
import type { Logger } from "../log.ts";

/** The raw LSOA boundary file `chest fetch` writes (pipelines/sources.ts, boundaries-lsoa21). */
export const RAW_LSOA_BOUNDARIES = "boundaries_lsoa21.geojson";

export interface LsoaLocator {
  index: SpatialIndex;
  /** Which boundaries were used, in words (no local paths: it is published). */
  source: string;
}

/**
 * The spatial index over the place's LSOA boundaries: the fetched file when `rawDir` has it (full detail), else the
 * simplified boundaries the build stored in the database (topology kept, so every point in the place still falls
 * in exactly one LSOA; a point within a few metres of a boundary may fall on the other side).
 */
export async function lsoaLocator(db: Db, rawDir: string | undefined, log: Logger): Promise<LsoaLocator> {
  const rawFile = rawDir ? join(rawDir, RAW_LSOA_BOUNDARIES) : undefined;
  let fc: FeatureCollection<Polygon | MultiPolygon>;
  let source: string;
  let codeProperty: string;
  if (rawFile && existsSync(rawFile)) {
    fc = readBoundaries(rawFile);
    source = `the fetched LSOA boundaries (${RAW_LSOA_BOUNDARIES})`;
    codeProperty = "LSOA21CD";
  } else {
    const rows = await db.all<{ geojson: string }>(`SELECT geojson FROM boundary WHERE layer = 'lsoa'`);
    if (!rows.length) throw new Error("the database has no LSOA boundaries (boundary table, layer lsoa): run `chest build`");
    fc = validateFeatureCollection(JSON.parse(rows[0].geojson), "boundary table (lsoa)", { geometryTypes: POLYGON_TYPES }) as FeatureCollection<Polygon | MultiPolygon>;
    source = "simplified LSOA boundaries in the database";
    codeProperty = "code";
  }
  const index = buildSpatialIndex(fc, { codeProperty });
  log.progress(`services: locating with ${index.size.toLocaleString("en-GB")} LSOA boundaries: ${source}`);
  return { index, source };
}

export interface Centroid {
  code: string;
  lon: number;
  lat: number;
}

export interface PlacedPoint {
  id: string;
  lon: number;
  lat: number;
}

/** LSOA code of each point (null outside the place's LSOAs). */
export function locatePoints(points: readonly PlacedPoint[], index: SpatialIndex): Map<string, string | null> {
  return new Map(points.map((p) => [p.id, index.locate(p.lon, p.lat)]));
}

/** Every (point, LSOA) pair whose population-weighted centroid is within `metres` of the point (R-tree on centroids). */
export function reachPairs(points: readonly PlacedPoint[], centroids: readonly Centroid[], metres: number): ReachPair<string>[] {
  return withinDistance(points, centroids, metres);
}
