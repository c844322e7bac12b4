// Rounds coordinates to a fixed number of decimals and drops the repeated points that leaves, so boundaries ship small.
import type { Position } from "geojson";
import { ringSignedArea2 } from "./rewind.ts";

/** Round a coordinate to `decimals` places (5 ≈ 1 m, 4 ≈ 10 m at London's latitude). */
export function roundCoordinate(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const rounded = Math.round(value * factor) / factor;
  return rounded === 0 ? 0 : rounded; // no "-0"
}

/** A position rounded to `decimals` places; any third (height) value is dropped. */
export function roundPosition(position: Position, decimals: number): Position {
  return [roundCoordinate(position[0], decimals), roundCoordinate(position[1], decimals)];
}

/** The positions without consecutive duplicates (compared on longitude and latitude). */
export function dropRepeatedPoints(positions: readonly Position[]): Position[] {
  const out: Position[] = [];
  for (const p of positions) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out;
}

/** The ring closed: its last position equal to its first (appended when missing). */
export function closeRing(ring: Position[]): Position[] {
  if (ring.length === 0) return ring;
  const first = ring[0];
  const last = ring[ring.length - 1];
  return first[0] === last[0] && first[1] === last[1] ? ring : [...ring, [first[0], first[1]]];
}

/** True when a ring can be drawn as an area: closed, at least 4 positions, at least 3 of them distinct, non-zero area. */
export function isUsableRing(ring: readonly Position[]): boolean {
  if (ring.length < 4) return false;
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first[0] !== last[0] || first[1] !== last[1]) return false;
  return ringSignedArea2(ring) !== 0;
}

/** A ring rounded to `decimals` places, with repeated points dropped and kept closed. The result may be unusable (see isUsableRing). */
export function quantiseRing(ring: readonly Position[], decimals: number): Position[] {
  return closeRing(dropRepeatedPoints(ring.map((p) => roundPosition(p, decimals))));
}
