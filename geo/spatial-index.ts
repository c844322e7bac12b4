// Finds which area (LSOA, ward…) contains a point: a uniform grid of cells over the areas, then turf's point-in-polygon rule on flat rings for the few candidates.
import { booleanPointInPolygon } from "@turf/turf";
import type { FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from "geojson";
import { ChestError, ExitCode } from "../src/lib/errors.ts";
import { AreaGrid } from "./area-grid.ts";
import { UNSURE, featureContains, flattenRings } from "./flat-rings.ts";

export { PackedRTree, hilbertIndex } from "./packed-rtree.ts";

/** [minX, minY, maxX, maxY] of a Polygon or MultiPolygon. */
export function geometryBox(geometry: Polygon | MultiPolygon): [number, number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const polygons: Position[][][] = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  for (const rings of polygons) {
    for (const p of rings[0] ?? []) {
      // holes lie inside the exterior ring, so the exterior alone sets the box
      if (p[0] < minX) minX = p[0];
      if (p[1] < minY) minY = p[1];
      if (p[0] > maxX) maxX = p[0];
      if (p[1] > maxY) maxY = p[1];
    }
  }
  return [minX, minY, maxX, maxY];
}

export interface LonLat {
  lon: number;
  lat: number;
}

export interface SpatialIndex {
  /** Number of features indexed. */
  readonly size: number;
  /** Code of the area containing the point, or null when none does. See buildSpatialIndex for points on a shared edge. */
  locate(lon: number, lat: number): string | null;
  /** locate() for each point, in the same order. */
  locateMany(points: ReadonlyArray<LonLat>): (string | null)[];
  /** Codes of every area containing the point (more than one only on shared edges or overlaps), sorted. */
  locateAll(lon: number, lat: number): string[];
}

export interface SpatialIndexOptions {
  /** Property holding each feature's code, e.g. "LSOA21CD". */
  codeProperty: string;
  /** Grid cells per area (default 64): more cells answer more points without a point-in-polygon test. */
  cellsPerArea?: number;
}

interface IndexedArea {
  code: string;
  geometry: Polygon | MultiPolygon;
}

function indexedAreas(collection: FeatureCollection<Geometry | null>, codeProperty: string): IndexedArea[] {
  return collection.features.map((feature, i) => {
    const code = feature.properties?.[codeProperty];
    if (typeof code !== "string" || code === "") {
      throw new ChestError(`feature ${i + 1} has no "${codeProperty}" code to index`, ExitCode.badInput);
    }
    const geometry = feature.geometry;
    if (geometry?.type !== "Polygon" && geometry?.type !== "MultiPolygon") {
      throw new ChestError(
        `feature ${i + 1} (${code}) is a ${geometry?.type ?? "null geometry"}, not a Polygon or MultiPolygon`,
        ExitCode.badInput,
      );
    }
    return { code, geometry };
  });
}

/**
 * A point-in-polygon index over the features' Polygon/MultiPolygon geometries (holes respected). A point exactly on
 * an edge counts as inside; where it lies on the edge shared by two areas, the smaller code wins, so the answer does
 * not depend on feature order. Non-finite coordinates locate nowhere (null). Every answer is the one turf's
 * booleanPointInPolygon gives (its arithmetic, run on flat arrays; turf itself where doubles cannot settle it).
 */
export function buildSpatialIndex(
  collection: FeatureCollection<Geometry | null>,
  options: SpatialIndexOptions,
): SpatialIndex {
  const areas = indexedAreas(collection, options.codeProperty);
  const codes = areas.map((a) => a.code);
  const geometries = areas.map((a) => a.geometry);
  const flat = flattenRings(geometries);
  const contains = (f: number, x: number, y: number): boolean => {
    const inside = featureContains(flat, f, x, y);
    return inside === UNSURE ? booleanPointInPolygon([x, y], geometries[f]) : inside === 1;
  };
  const byCode = Uint32Array.from(codes.keys()).sort((a, b) => (codes[a] < codes[b] ? -1 : codes[a] > codes[b] ? 1 : a - b));
  const grid = new AreaGrid(flat, byCode, contains, options.cellsPerArea);
  const locate = (lon: number, lat: number): string | null => {
    const f = grid.locate(lon, lat);
    return f < 0 ? null : codes[f];
  };
  return {
    size: areas.length,
    locate,
    locateAll: (lon, lat) => grid.locateAll(lon, lat).map((f) => codes[f]),
    locateMany: (points) => points.map((p) => locate(p.lon, p.lat)),
  };
}

/**
 * The same answer as buildSpatialIndex(...).locate, by testing every feature: for checking the index and for
 * benchmarks, never for real work.
 */
export function locateBruteForce(
  collection: FeatureCollection<Geometry | null>,
  codeProperty: string,
  lon: number,
  lat: number,
): string | null {
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return null;
  let best: string | null = null;
  for (const feature of collection.features) {
    const code = feature.properties?.[codeProperty] as string;
    const geometry = feature.geometry as Polygon | MultiPolygon;
    if ((best === null || code < best) && booleanPointInPolygon([lon, lat], geometry)) best = code;
  }
  return best;
}
