// Polygons held as flat Float64Array rings, and turf's point-in-polygon rule (point-in-polygon-hao) run on them without allocating.
import type { MultiPolygon, Polygon, Position } from "geojson";

/** Every feature's polygons and rings, flattened: feature → polygons → rings → x, y pairs (rings closed as given). */
export interface FlatRings {
  /** x0, y0, x1, y1, … for every ring of every polygon, in order. */
  readonly coords: Float64Array;
  /** Ring r's vertices are coords pairs ringStart[r] … ringStart[r + 1] - 1. */
  readonly ringStart: Uint32Array;
  /** Polygon p's rings are ringStart indices polygonStart[p] … polygonStart[p + 1] - 1. */
  readonly polygonStart: Uint32Array;
  /** Box of each polygon: minX, minY, maxX, maxY. */
  readonly polygonBox: Float64Array;
  /** Feature f's polygons are featureStart[f] … featureStart[f + 1] - 1. */
  readonly featureStart: Uint32Array;
}

/** Flatten Polygon/MultiPolygon geometries (one per feature) into typed arrays. */
export function flattenRings(geometries: ReadonlyArray<Polygon | MultiPolygon>): FlatRings {
  const polygonsOf = (g: Polygon | MultiPolygon): Position[][][] => (g.type === "Polygon" ? [g.coordinates] : g.coordinates);
  let vertices = 0, rings = 0, polygons = 0;
  for (const g of geometries) {
    for (const polygon of polygonsOf(g)) {
      polygons++;
      for (const ring of polygon) {
        rings++;
        vertices += ring.length;
      }
    }
  }
  const coords = new Float64Array(2 * vertices);
  const ringStart = new Uint32Array(rings + 1);
  const polygonStart = new Uint32Array(polygons + 1);
  const polygonBox = new Float64Array(4 * polygons);
  const featureStart = new Uint32Array(geometries.length + 1);
  let v = 0, r = 0, p = 0;
  geometries.forEach((g, f) => {
    featureStart[f] = p;
    for (const polygon of polygonsOf(g)) {
      polygonStart[p] = r;
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (const ring of polygon) {
        ringStart[r++] = v;
        for (const [x, y] of ring) {
          coords[2 * v] = x;
          coords[2 * v + 1] = y;
          v++;
          if (x < minX) minX = x;
          if (y < minY) minY = y;
          if (x > maxX) maxX = x;
          if (y > maxY) maxY = y;
        }
      }
      polygonBox.set([minX, minY, maxX, maxY], 4 * p);
      p++;
    }
  });
  featureStart[geometries.length] = p;
  polygonStart[polygons] = r;
  ringStart[rings] = v;
  return { coords, ringStart, polygonStart, polygonBox, featureStart };
}

/** Shewchuk's error bound for the fast orientation test (robust-predicates' ccwerrboundA). */
const EPSILON = 1.1102230246251565e-16;
const ORIENT_BOUND = (3 + 16 * EPSILON) * EPSILON;

/** Returned by polygonContains when floating point cannot settle the answer: ask turf's exact arithmetic instead. */
export const UNSURE = -1;

/**
 * Whether polygon p (exterior and holes) contains (x, y): 1 inside or on an edge, 0 outside, UNSURE when an
 * orientation is too close to call in doubles. The same crossing rule, operands and tie handling as
 * point-in-polygon-hao (which turf's booleanPointInPolygon uses), so every answer it gives is turf's answer.
 */
export function polygonContains(flat: FlatRings, p: number, x: number, y: number): number {
  const box = flat.polygonBox;
  if (x < box[4 * p] || y < box[4 * p + 1] || x > box[4 * p + 2] || y > box[4 * p + 3]) return 0;
  const c = flat.coords;
  let crossings = 0;
  for (let r = flat.polygonStart[p], rEnd = flat.polygonStart[p + 1]; r < rEnd; r++) {
    const last = flat.ringStart[r + 1] - 1;
    let i = flat.ringStart[r];
    let u1 = c[2 * i] - x;
    let v1 = c[2 * i + 1] - y;
    for (; i < last; i++) {
      const u2 = c[2 * i + 2] - x;
      const v2 = c[2 * i + 3] - y;
      if (v1 === 0 && v2 === 0) {
        if ((u2 <= 0 && u1 >= 0) || (u1 <= 0 && u2 >= 0)) return 1; // on a horizontal edge
      } else if ((v2 >= 0 && v1 <= 0) || (v2 <= 0 && v1 >= 0)) {
        // robust-predicates' orient2d(u1, u2, v1, v2, 0, 0), fast path only
        const left = u2 * v1;
        const right = u1 * v2;
        const f = left - right;
        if (!(left === 0 || right === 0 || left > 0 !== right > 0) && Math.abs(f) < ORIENT_BOUND * Math.abs(left + right)) {
          return UNSURE;
        }
        if (f === 0) return 1; // on an edge
        if ((f > 0 && v2 > 0 && v1 <= 0) || (f < 0 && v2 <= 0 && v1 > 0)) crossings++;
      }
      u1 = u2;
      v1 = v2;
    }
  }
  return crossings % 2;
}

/** Whether feature f contains (x, y) (inside any of its polygons or on an edge): 1, 0 or UNSURE. */
export function featureContains(flat: FlatRings, f: number, x: number, y: number): number {
  let unsure = false;
  for (let p = flat.featureStart[f], end = flat.featureStart[f + 1]; p < end; p++) {
    const inside = polygonContains(flat, p, x, y);
    if (inside === 1) return 1;
    if (inside === UNSURE) unsure = true;
  }
  return unsure ? UNSURE : 0;
}
