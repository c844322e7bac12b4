// Simplifies boundary rings with turf (Douglas–Peucker after a radial-distance pass), edge by shared edge so neighbours stay seamless, never losing a ring.
import { simplify } from "@turf/turf";
import type { LineString, Polygon, Position } from "geojson";
import { closeRing, dropRepeatedPoints } from "./quantise.ts";

/**
 * The ring simplified with turf's `simplify` (highQuality false) at `tolerance` degrees.
 * turf already lowers the tolerance for a ring that would collapse below 4 positions; when it still fails
 * (it throws on degenerate rings) the ring comes back unchanged. The input is never mutated.
 */
export function simplifyRing(ring: Position[], tolerance: number): Position[] {
  if (!(tolerance > 0) || ring.length <= 4) return ring;
  try {
    // A throwaway wrapper, so `mutate: true` saves turf's deep clone without touching the caller's arrays
    // (turf builds new ring arrays and never writes into positions).
    const wrapper: Polygon = { type: "Polygon", coordinates: [ring] };
    const simplified = simplify(wrapper, { tolerance, highQuality: false, mutate: true });
    return simplified.coordinates[0] ?? ring;
  } catch {
    return ring;
  }
}

/** An open line simplified with turf (highQuality false); its two ends are always kept. Never mutates the input. */
export function simplifyLine(line: Position[], tolerance: number): Position[] {
  if (!(tolerance > 0) || line.length <= 2) return line;
  try {
    const wrapper: LineString = { type: "LineString", coordinates: line };
    const simplified = simplify(wrapper, { tolerance, highQuality: false, mutate: true }).coordinates;
    const first = simplified[0];
    const last = simplified[simplified.length - 1];
    const endsKept =
      first[0] === line[0][0] && first[1] === line[0][1] &&
      last[0] === line[line.length - 1][0] && last[1] === line[line.length - 1][1];
    return endsKept ? simplified : line;
  } catch {
    return line;
  }
}

/** Degrees of latitude for a distance in metres (mean Earth radius 6,371,008.8 m, as turf uses). */
export function metresToDegreesLatitude(metres: number): number {
  return (metres / 6_371_008.8) * (180 / Math.PI);
}

const pointKey = (p: Position): string => `${p[0]},${p[1]}`;

/**
 * Vertices (as "lon,lat" keys) where the boundary network branches: a vertex met with different neighbours in
 * different rings (or twice in one ring). Between two junctions every ring that shares a vertex shares the whole run,
 * so runs ("arcs") can be simplified once and stay identical on both sides. Rings must be closed, without repeats.
 */
export function findJunctions(rings: readonly Position[][]): Set<string> {
  const seen = new Map<string, string>();
  const junctions = new Set<string>();
  for (const ring of rings) {
    const m = ring.length - 1; // distinct vertices of a closed ring
    for (let i = 0; i < m; i++) {
      const k = pointKey(ring[i]);
      const prev = pointKey(ring[(i - 1 + m) % m]);
      const next = pointKey(ring[(i + 1) % m]);
      const neighbours = prev < next ? `${prev}|${next}` : `${next}|${prev}`;
      const before = seen.get(k);
      if (before === undefined) seen.set(k, neighbours);
      else if (before !== neighbours) junctions.add(k);
    }
  }
  return junctions;
}

/** The arc in a direction both rings that share it agree on, and a key naming it. */
function canonicalArc(arc: Position[]): { arc: Position[]; reversed: boolean; id: string } {
  const n = arc.length;
  const a = pointKey(arc[0]);
  const b = pointKey(arc[n - 1]);
  // For a loop (both ends the same junction) the second and second-last vertices decide.
  const forward = a !== b ? a < b : pointKey(arc[1]) <= pointKey(arc[n - 2]);
  const oriented = forward ? arc : arc.slice().reverse();
  const id = `${pointKey(oriented[0])}>${pointKey(oriented[1])}>${pointKey(oriented[n - 1])}`;
  return { arc: oriented, reversed: !forward, id };
}

/** A ring with no junction, started at its smallest vertex and run in a fixed direction, so two rings tracing the same loop agree. */
function canonicalLoop(ring: Position[]): Position[] {
  const m = ring.length - 1;
  let start = 0;
  for (let i = 1; i < m; i++) if (pointKey(ring[i]) < pointKey(ring[start])) start = i;
  let rotated = [...ring.slice(start, m), ...ring.slice(0, start)];
  if (pointKey(rotated[1]) > pointKey(rotated[rotated.length - 1])) rotated = [rotated[0], ...rotated.slice(1).reverse()];
  return closeRing(rotated);
}

interface Assembled {
  ring: Position[];
  arcs: string[];
}

function assembleRing(ring: Position[], junctions: Set<string>, tolerance: number, frozen: Set<string>): Assembled {
  const m = ring.length - 1;
  const cuts: number[] = [];
  for (let i = 0; i < m; i++) if (junctions.has(pointKey(ring[i]))) cuts.push(i);
  if (cuts.length === 0) {
    const loop = canonicalLoop(ring);
    const id = `loop:${pointKey(loop[0])}>${pointKey(loop[1])}`;
    return { ring: frozen.has(id) ? ring : simplifyRing(loop, tolerance), arcs: [id] };
  }
  const out: Position[] = [];
  const arcs: string[] = [];
  for (let c = 0; c < cuts.length; c++) {
    const from = cuts[c];
    const to = c + 1 < cuts.length ? cuts[c + 1] : cuts[0] + m;
    const arc: Position[] = [];
    for (let i = from; i <= to; i++) arc.push(ring[i % m]);
    const canonical = canonicalArc(arc);
    arcs.push(canonical.id);
    let simplified = frozen.has(canonical.id) ? canonical.arc : simplifyLine(canonical.arc, tolerance);
    if (canonical.reversed) simplified = simplified.slice().reverse();
    for (let i = out.length === 0 ? 0 : 1; i < simplified.length; i++) out.push(simplified[i]);
  }
  return { ring: out, arcs };
}

/**
 * Rings simplified edge by edge: the network of boundaries is cut at its junctions, each shared edge is simplified
 * once (turf, highQuality false) and both neighbours get the same result, so no slivers or gaps open between them.
 * When `accept` rejects a simplified ring (it collapsed), the edges of that ring are kept unsimplified, for it and its
 * neighbours, and everything is assembled again (a few passes at most). A ring still rejected is returned as given:
 * the caller decides what to do. Output i corresponds to input ring i.
 */
export function simplifySharedRings(
  rings: readonly Position[][],
  tolerance: number,
  accept: (ring: Position[]) => boolean = () => true,
): Position[][] {
  const clean = rings.map((ring) => closeRing(dropRepeatedPoints(ring)));
  if (!(tolerance > 0)) return clean;
  const usable = clean.map((ring) => ring.length >= 4);
  const junctions = findJunctions(clean.filter((_, i) => usable[i]));
  const frozen = new Set<string>();
  let result: Position[][] = clean;
  for (let pass = 0; pass < 4; pass++) {
    const assembled = clean.map((ring, i) =>
      usable[i] ? assembleRing(ring, junctions, tolerance, frozen) : { ring, arcs: [] },
    );
    result = assembled.map((a) => a.ring);
    let added = 0;
    assembled.forEach((a, i) => {
      if (!usable[i] || accept(a.ring)) return;
      for (const id of a.arcs) {
        if (!frozen.has(id)) {
          frozen.add(id);
          added++;
        }
      }
    });
    if (added === 0) break;
  }
  return result.map((ring, i) => (accept(ring) ? ring : clean[i]));
}
