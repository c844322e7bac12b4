// Draws layers that nest in LSOAs (MSOA, district, partnership, custom neighbourhood, PCN footprint) by merging LSOA shapes along shared edges: one topology, so neighbours line up exactly.
import { booleanPointInPolygon } from "@turf/turf";
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from "geojson";
import { isClockwise, ringSignedArea2, windRing } from "./rewind.ts";

type Area = Polygon | MultiPolygon;

/** One merged area: its code, its name, how many LSOAs went into it, and its outline. */
export interface MergedProperties {
  code: string;
  name: string;
  lsoas: number;
}

export interface MergeResult {
  collection: FeatureCollection<Area, MergedProperties>;
  /** Area codes given in `assign` whose LSOAs are absent from the LSOA layer (they get no shape). */
  missingLsoas: string[];
}

const key = (p: Position): string => `${p[0]},${p[1]}`;

function polygonsOf(geometry: Area): Position[][][] {
  return geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
}

/** Directed edges of the group's rings, exterior rings counter-clockwise and holes clockwise; an edge met both ways is interior and cancels. */
function boundaryEdges(members: Area[]): Map<string, { from: Position; to: Position; count: number }> {
  const edges = new Map<string, { from: Position; to: Position; count: number }>();
  for (const geometry of members) {
    for (const polygon of polygonsOf(geometry)) {
      polygon.forEach((raw, r) => {
        const ring = windRing(raw.slice(), r !== 0); // exterior anticlockwise, holes clockwise
        for (let i = 0; i + 1 < ring.length; i++) {
          const a = ring[i];
          const b = ring[i + 1];
          const ka = key(a);
          const kb = key(b);
          if (ka === kb) continue;
          const reverse = edges.get(`${kb}>${ka}`);
          if (reverse && reverse.count > 0) {
            if (--reverse.count === 0) edges.delete(`${kb}>${ka}`);
            continue;
          }
          const forward = edges.get(`${ka}>${kb}`);
          if (forward) forward.count++;
          else edges.set(`${ka}>${kb}`, { from: a, to: b, count: 1 });
        }
      });
    }
  }
  return edges;
}

/** Chain the remaining edges into closed rings (a vertex where the outline touches itself may start two rings). */
function chainRings(edges: Map<string, { from: Position; to: Position; count: number }>): Position[][] {
  const outgoing = new Map<string, Position[]>();
  for (const { from, to, count } of edges.values()) {
    const list = outgoing.get(key(from)) ?? [];
    for (let i = 0; i < count; i++) list.push(to);
    outgoing.set(key(from), list);
  }
  const rings: Position[][] = [];
  for (const [startKey, list] of outgoing) {
    while (list.length) {
      const start = edges.get(`${startKey}>${key(list[list.length - 1])}`)!.from;
      const ring: Position[] = [start];
      let at = startKey;
      for (;;) {
        const next = outgoing.get(at)?.pop();
        if (!next) break; // an open chain: only when the input rings were not closed
        ring.push(next);
        at = key(next);
        if (at === startKey) break;
      }
      if (ring.length >= 4 && key(ring[0]) === key(ring[ring.length - 1])) rings.push(ring);
    }
  }
  return rings;
}

/** Rings sorted into polygons: each hole goes to the smallest exterior that holds it. Exteriors come out clockwise, holes anticlockwise (d3-geo, Plot). */
function assemble(rings: Position[][]): Area | null {
  const exteriors = rings.filter((r) => ringSignedArea2(r) > 0).sort((a, b) => Math.abs(ringSignedArea2(a)) - Math.abs(ringSignedArea2(b)));
  const holes = rings.filter((r) => ringSignedArea2(r) < 0);
  const polygons: Position[][][] = exteriors.map((r) => [r]);
  for (const hole of holes) {
    const probe = hole[0];
    // A hole's vertex may lie on its exterior's edge; probe the midpoint of its first edge nudged inside instead when needed.
    const owner = polygons.find((p) => booleanPointInPolygon(midpoint(hole), { type: "Polygon", coordinates: [p[0]] }) || booleanPointInPolygon(probe, { type: "Polygon", coordinates: [p[0]] }, { ignoreBoundary: true }));
    if (owner) owner.push(hole);
  }
  const wound = polygons.map((p) => p.map((ring, i) => windRing(ring.slice(), i === 0)));
  if (wound.length === 0) return null;
  return wound.length === 1 ? { type: "Polygon", coordinates: wound[0] } : { type: "MultiPolygon", coordinates: wound };
}

function midpoint(ring: Position[]): Position {
  return [(ring[0][0] + ring[1][0]) / 2, (ring[0][1] + ring[1][1]) / 2];
}

/**
 * The outline of a set of polygons that share edges exactly (as ONS BGC LSOAs and the prepared LSOA layer do):
 * every edge met in both directions is interior and dropped, the rest is chained into rings. No vertex is moved or
 * added, so two outlines merged from the same LSOA shapes share their common edges exactly.
 */
export function mergeShapes(members: Area[]): Area | null {
  return assemble(chainRings(boundaryEdges(members)));
}

/**
 * A layer merged from LSOA shapes: `assign` maps LSOA code → area code (LSOAs not in it are left out), `names` area
 * code → name (default: the code). `lsoas` is a collection whose features carry their LSOA code in `codeProperty`.
 * Features come out sorted by area code. This is what a custom-neighbourhood or PCN-footprint layer calls.
 */
export function mergeLsoas(
  lsoas: FeatureCollection<Area | null>,
  assign: ReadonlyMap<string, string>,
  names: ReadonlyMap<string, string> = new Map(),
  codeProperty = "code",
): MergeResult {
  const groups = new Map<string, Area[]>();
  const present = new Set<string>();
  for (const feature of lsoas.features) {
    const lsoa = String(feature.properties?.[codeProperty]);
    const area = assign.get(lsoa);
    if (area === undefined || !feature.geometry) continue;
    present.add(lsoa);
    const list = groups.get(area) ?? [];
    list.push(feature.geometry);
    groups.set(area, list);
  }
  const missingLsoas = [...assign.keys()].filter((lsoa) => !present.has(lsoa)).sort();
  const features: Feature<Area, MergedProperties>[] = [];
  for (const code of [...groups.keys()].sort()) {
    const members = groups.get(code)!;
    const geometry = mergeShapes(members);
    if (geometry) features.push({ type: "Feature", properties: { code, name: names.get(code) ?? code, lsoas: members.length }, geometry });
  }
  return { collection: { type: "FeatureCollection", features }, missingLsoas };
}

/** Whether a ring runs clockwise in lon/lat (re-exported for tests that check the winding d3 needs). */
export { isClockwise };
