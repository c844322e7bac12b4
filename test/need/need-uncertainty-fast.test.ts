// The uncertainty analysis's fast paths (selection instead of sorting, correlation sums over the used components only) give exactly what the plain definition gives.
import { describe, expect, it } from "vitest";
import { combine, computeNeedIndex, rankDescending, type ComponentInput } from "../../src/lib/need-index.ts";
import { analyseUncertainty } from "../../src/lib/need-uncertainty.ts";
import { mulberry32 } from "../../src/lib/random.ts";

/** The definition, written plainly: the same seeded weights, combine() on the full matrix, a full sort per area, nearest-rank percentiles. */
function reference(result: ReturnType<typeof computeNeedIndex>, runs: number, seed: number, spread = 0.5) {
  const { n } = result;
  const k = result.weights.length;
  const uniform = mulberry32(seed);
  const perArea: number[][] = Array.from({ length: n }, () => []);
  const weightsByRun: number[][] = [];
  for (let r = 0; r < runs; r++) {
    const w = Array.from(result.weights, (x) => (x > 0 ? x * (1 - spread + 2 * spread * uniform()) : 0));
    const total = w.reduce((a, b) => a + b, 0);
    weightsByRun.push(w.map((x) => x / total));
    const rank = rankDescending(combine(result.matrix, weightsByRun[r], n, k));
    rank.forEach((ri, i) => ri > 0 && perArea[i].push(ri));
  }
  // Hinge: the component whose weight the area's rank correlates with most (|r| ≥ 0.3), by the textbook formula.
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const hinge = perArea.map((ranks) => {
    if (ranks.length < runs) return -1;
    let best = 0.3;
    let at = -1;
    for (let j = 0; j < k; j++) {
      const ws = weightsByRun.map((w) => w[j]);
      const mw = mean(ws);
      const mr = mean(ranks);
      const cov = mean(ws.map((w, r) => (w - mw) * (ranks[r] - mr)));
      const sd = Math.sqrt(mean(ws.map((w) => (w - mw) ** 2)) * mean(ranks.map((x) => (x - mr) ** 2)));
      if (!(sd > 1e-12)) continue;
      if (Math.abs(cov / sd) >= best) (best = Math.abs(cov / sd)), (at = j);
    }
    return at;
  });
  const at = (s: number[], q: number) => s[Math.max(0, Math.ceil(q * runs) - 1)];
  return perArea.map((list, i) => {
    if (!list.length) return { median: NaN, low: 0, high: 0, hinge: -1 };
    const s = [...list].sort((a, b) => a - b);
    const median = runs % 2 ? s[(runs - 1) / 2] : (s[runs / 2 - 1] + s[runs / 2]) / 2;
    return { median, low: at(s, 0.05), high: at(s, 0.95), hinge: hinge[i] };
  });
}

describe("analyseUncertainty against its plain definition", () => {
  const n = 400;
  const uniform = mulberry32(99);
  // Missing values (re-weighted around), a switched-off component, ties (rounded values) and a component shared by many areas.
  const component = (key: string, weight: number, values: () => number): ComponentInput => ({
    key, label: key, weight, direction: "higher", method: "place_rank", values: Float64Array.from({ length: n }, values),
  });
  const components = [
    component("a", 1, () => Math.round(uniform() * 20)),
    component("b", 2, () => (uniform() < 0.1 ? NaN : uniform())),
    component("off", 0, () => uniform()),
    component("c", 0.5, () => (uniform() < 0.5 ? 1 : uniform())),
    component("d", 1.5, () => (uniform() < 0.02 ? NaN : Math.round(uniform() * 5))),
  ];
  const base = computeNeedIndex(components, n);

  for (const runs of [1, 2, 199, 200]) {
    it(`gives the same median, 90% interval and ranks for ${runs} run(s)`, () => {
      const fast = analyseUncertainty(base, { runs, seed: 5 });
      const plain = reference(base, runs, 5);
      expect(Array.from(fast.medianRank)).toEqual(plain.map((p) => p.median));
      expect(Array.from(fast.rankLow)).toEqual(plain.map((p) => p.low));
      expect(Array.from(fast.rankHigh)).toEqual(plain.map((p) => p.high));
    });
  }

  it("names the same hinge as a correlation computed over every component", () => {
    const u = analyseUncertainty(base, { runs: 300, seed: 3 });
    const plain = reference(base, 300, 3);
    // Near |r| = 0.3 the two sums may round differently; everywhere else they agree, and the switched-off component is never a hinge.
    const agree = plain.filter((p, i) => p.hinge === u.hinge[i]).length;
    expect(agree / n).toBeGreaterThan(0.98);
    expect(Array.from(u.hinge).includes(2)).toBe(false);
    expect(Array.from(u.hinge).filter((h) => h >= 0).length).toBeGreaterThan(n / 4);
  });
});
