// Winds polygon rings the way d3-geo and Observable Plot need (exterior clockwise, holes counter-clockwise); RFC 7946 rings would fill the globe.
import type { Feature, FeatureCollection, Geometry, Position } from "geojson";

/**
 * Twice the planar signed area of a ring in longitude/latitude (shoelace formula).
 * Positive means counter-clockwise with x = longitude east and y = latitude north; zero for a degenerate ring.
 * Coordinates are taken relative to the first position so large offsets do not cost precision.
 */
export function ringSignedArea2(ring: readonly Position[]): number {
  const n = ring.length;
  if (n < 3) return 0;
  const x0 = ring[0][0];
  const y0 = ring[0][1];
  let sum = 0;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    sum += (ring[j][0] - x0) * (ring[i][1] - y0) - (ring[i][0] - x0) * (ring[j][1] - y0);
  }
  return sum;
}

/** True when the ring runs clockwise on a map with north up (the winding d3-geo wants for an exterior ring). */
export function isClockwise(ring: readonly Position[]): boolean {
  return ringSignedArea2(ring) < 0;
}

/** The ring in the requested winding: the same array when it already is, else a reversed copy. Degenerate rings are returned as they are. */
export function windRing(ring: Position[], clockwise: boolean): Position[] {
  const area = ringSignedArea2(ring);
  if (area === 0 || area < 0 === clockwise) return ring;
  return ring.slice().reverse();
}

/** Polygon rings for d3: the first (exterior) ring clockwise, every following ring (hole) counter-clockwise. */
export function rewindPolygonRings(rings: Position[][]): Position[][] {
  return rings.map((ring, i) => windRing(ring, i === 0));
}

/**
 * A copy of the geometry with Polygon and MultiPolygon rings wound for d3-geo; other geometry types are returned
 * unchanged and GeometryCollections are rewound member by member. Positions are shared, never mutated.
 */
export function rewindGeometry<G extends Geometry>(geometry: G): G {
  switch (geometry.type) {
    case "Polygon":
      return { ...geometry, coordinates: rewindPolygonRings(geometry.coordinates) };
    case "MultiPolygon":
      return { ...geometry, coordinates: geometry.coordinates.map(rewindPolygonRings) };
    case "GeometryCollection":
      return { ...geometry, geometries: geometry.geometries.map(rewindGeometry) };
    default:
      return geometry;
  }
}

/** A copy of the collection with every feature's geometry rewound for d3-geo (features with a null geometry pass through). */
export function rewindFeatureCollection<G extends Geometry | null, P>(
  collection: FeatureCollection<G, P>,
): FeatureCollection<G, P> {
  return {
    ...collection,
    features: collection.features.map(
      (f): Feature<G, P> => (f.geometry ? { ...f, geometry: rewindGeometry(f.geometry as Geometry) as G } : f),
    ),
  };
}
