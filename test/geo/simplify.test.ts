// Simplification must thin vertices, keep neighbours seamless along shared edges, and never lose a ring.
import type { Position } from "geojson";
import { describe, expect, it } from "vitest";
import { isUsableRing } from "../../geo/quantise.ts";
import { findJunctions, simplifyLine, simplifyRing, simplifySharedRings } from "../../geo/simplify.ts";
import { seededRandom, square } from "./helpers.ts";

/** A wiggly line from (0, 0) to (0, 1): x wanders by ±amplitude. */
function wiggle(steps: number, amplitude: number): Position[] {
  return Array.from({ length: steps + 1 }, (_, i) => [i === 0 || i === steps ? 0 : (i % 2 ? amplitude : -amplitude), i / steps]);
}

/** Two unit squares side by side sharing the wiggly edge x≈0, both anticlockwise. */
function neighbours(amplitude: number): [Position[], Position[]] {
  const edge = wiggle(20, amplitude); // (0,0) → (0,1)
  const right: Position[] = [[0, 0], [1, 0], [1, 1], [0, 1], ...edge.slice().reverse().slice(1)]; // down the edge
  const left: Position[] = [...edge, [-1, 1], [-1, 0], [0, 0]]; // up the edge
  return [left, right];
}

const keys = (ring: Position[]) => new Set(ring.map((p) => `${p[0]},${p[1]}`));

describe("simplifyRing and simplifyLine", () => {
  it("removes vertices closer than the tolerance and keeps the corners", () => {
    const [left] = neighbours(0.001);
    const out = simplifyRing(left, 0.01);
    expect(out.length).toBeLessThan(left.length);
    expect(out).toEqual(expect.arrayContaining([[-1, 1], [-1, 0]]));
    expect(isUsableRing(out)).toBe(true);
  });

  it("never collapses a ring smaller than the tolerance", () => {
    const tiny = square(0, 51, 0.00001);
    expect(simplifyRing(tiny, 0.001)).toEqual(tiny);
  });

  it("returns degenerate input unchanged instead of throwing", () => {
    const line: Position[] = [[0, 0], [1, 1], [0, 0], [1, 1], [0, 0]];
    expect(() => simplifyRing(line, 0.1)).not.toThrow();
  });

  it("keeps both ends of a line", () => {
    const line = wiggle(20, 0.001);
    const out = simplifyLine(line, 0.01);
    expect(out).toEqual([[0, 0], [0, 1]]);
    expect(line).toEqual(wiggle(20, 0.001)); // input untouched
  });
});

describe("simplifySharedRings", () => {
  it("finds the junctions where the shared edge meets the outer boundary", () => {
    const junctions = findJunctions(neighbours(0.001));
    expect([...junctions].sort()).toEqual(["0,0", "0,1"]);
  });

  it("simplifies a shared edge the same way on both sides, so no sliver opens", () => {
    const [left, right] = neighbours(0.001);
    const [l, r] = simplifySharedRings([left, right], 0.01);
    expect(l.length).toBeLessThan(left.length);
    expect([...keys(l)].filter((k) => keys(r).has(k)).sort()).toEqual(["0,0", "0,1"]); // one straight shared edge
  });

  it("keeps the same vertices of a rough shared edge on both sides, where ring-by-ring simplification does not", () => {
    const random = seededRandom(7);
    const edge: Position[] = Array.from({ length: 61 }, (_, i) => [i === 0 || i === 60 ? 0 : (random() - 0.5) * 0.1, i / 60]);
    const right: Position[] = [[0, 0], [1, 0], [1, 1], ...edge.slice().reverse()];
    const left: Position[] = [...edge, [-1, 1], [-1, 0], [0, 0]];
    const onEdge = (ring: Position[]) => [...keys(ring)].filter((k) => Math.abs(Number(k.split(",")[0])) < 0.9).sort();
    const [l, r] = simplifySharedRings([left, right], 0.02);
    expect(onEdge(l).length).toBeGreaterThan(2);
    expect(onEdge(l).length).toBeLessThan(61);
    expect(onEdge(l)).toEqual(onEdge(r));
    expect(onEdge(simplifyRing(left, 0.02))).not.toEqual(onEdge(simplifyRing(right, 0.02)));
  });

  it("handles a hole that is exactly another area (an enclave), whatever its start and direction", () => {
    const outer = square(0, 0, 10);
    const up = wiggle(40, 0.001).map(([x, y]) => [x + 5, 4 + 2 * y]);
    const down = wiggle(40, 0.001).map(([x, y]) => [x + 5.5, 6 - 2 * y]);
    const loop = [...up, ...down.slice(1, -1), up[0]]; // a closed wiggly loop with no junction
    const hole = [...loop.slice(7, -1), ...loop.slice(0, 8)].reverse(); // the same loop, another start, other way
    const [, h, e] = simplifySharedRings([outer, hole, loop], 0.01);
    expect(e.length).toBeLessThan(loop.length);
    expect(keys(h)).toEqual(keys(e));
  });

  it("keeps the edges of a ring that would collapse, for it and for its neighbours", () => {
    // A sliver between two squares: simplifying its long edges would flatten it to nothing.
    const sliver: Position[] = [[0, 0], [0.5, 0.0001], [1, 0], [0.5, -0.0001], [0, 0]];
    const above: Position[] = [[0, 0], [0.5, 0.0001], [1, 0], [1, 1], [0, 1], [0, 0]].reverse();
    const out = simplifySharedRings([sliver, above], 0.01, isUsableRing);
    expect(isUsableRing(out[0])).toBe(true);
    expect(out[0]).toEqual(expect.arrayContaining([[0.5, 0.0001], [0.5, -0.0001]]));
    expect(out[1]).toEqual(expect.arrayContaining([[0.5, 0.0001]])); // the neighbour kept the shared vertex too
  });

  it("leaves rings alone at tolerance 0 (apart from repeated points)", () => {
    const ring: Position[] = [[0, 0], [1, 0], [1, 0], [1, 1], [0, 0]];
    expect(simplifySharedRings([ring], 0)).toEqual([[[0, 0], [1, 0], [1, 1], [0, 0]]]);
  });
});
