// Pairs points (service locations) with area centroids within a walking distance: an R-tree on the centroids, then haversine distance.
import { distance } from "@turf/turf";
import { PackedRTree } from "./packed-rtree.ts";

export interface ReachPoint<Id = string> {
  id: Id;
  lon: number;
  lat: number;
}

export interface ReachCentroid {
  code: string;
  lon: number;
  lat: number;
}

export interface ReachPair<Id = string> {
  id: Id;
  code: string;
  /** Great-circle (haversine) distance in metres, unrounded. */
  metres: number;
}

const EARTH_RADIUS_M = 6_371_008.8; // turf's mean Earth radius
const DEGREES = 180 / Math.PI;

/**
 * The longitude/latitude box holding every point within `metres` of (lon, lat) on the sphere, widened by a hair so
 * rounding never drops a pair; the longitude span opens to the whole globe near a pole.
 */
export function searchBox(lon: number, lat: number, metres: number): [number, number, number, number] {
  const angle = metres / EARTH_RADIUS_M;
  const dLat = angle * DEGREES;
  const margin = 1e-9;
  const cosLat = Math.cos(lat / DEGREES);
  const dLon =
    Math.abs(lat) + dLat >= 90 || Math.sin(angle) >= cosLat ? 180 : Math.asin(Math.sin(angle) / cosLat) * DEGREES;
  return [lon - dLon - margin, lat - dLat - margin, lon + dLon + margin, lat + dLat + margin];
}

/**
 * Every (point, centroid) pair no more than `metres` apart by haversine distance (turf `distance`). Pairs come in
 * point order, then nearest first, then by code. Points or centroids with non-finite coordinates match nothing.
 * Not meant for longitudes that wrap across ±180°.
 */
export function withinDistance<Id>(
  points: ReadonlyArray<ReachPoint<Id>>,
  centroids: ReadonlyArray<ReachCentroid>,
  metres: number,
): ReachPair<Id>[] {
  if (!Number.isFinite(metres) || metres < 0) throw new RangeError(`metres must be a number ≥ 0, not ${metres}`);
  const usable = centroids.filter((c) => Number.isFinite(c.lon) && Number.isFinite(c.lat));
  const boxes = new Float64Array(usable.length * 4);
  usable.forEach((c, i) => boxes.set([c.lon, c.lat, c.lon, c.lat], 4 * i));
  const tree = new PackedRTree(boxes);
  const pairs: ReachPair<Id>[] = [];
  const candidates: number[] = [];
  const found: ReachPair<Id>[] = [];
  for (const point of points) {
    if (!Number.isFinite(point.lon) || !Number.isFinite(point.lat)) continue;
    candidates.length = 0;
    tree.search(...searchBox(point.lon, point.lat, metres), candidates);
    found.length = 0;
    for (const i of candidates) {
      const c = usable[i];
      const d = distance([point.lon, point.lat], [c.lon, c.lat], { units: "meters" });
      if (d <= metres) found.push({ id: point.id, code: c.code, metres: d });
    }
    found.sort((a, b) => a.metres - b.metres || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    for (const pair of found) pairs.push(pair);
  }
  return pairs;
}
