// The composite-index engine on worked examples small enough to check by hand, and the seeded uncertainty analysis.
import { describe, expect, it } from "vitest";
import { computeNeedIndex, expTransform, rankDescending, standardise, type ComponentInput } from "../../src/lib/need-index.ts";
import { analyseUncertainty } from "../../src/lib/need-uncertainty.ts";

const c = (key: string, values: number[], extra: Partial<ComponentInput> = {}): ComponentInput => ({
  key,
  label: key.toUpperCase(),
  weight: 1,
  direction: "higher",
  method: "minmax",
  values,
  ...extra,
});

const round = (a: ArrayLike<number>, d = 4) => Array.from(a, (v) => (Number.isNaN(v) ? NaN : Math.round(v * 10 ** d) / 10 ** d));

describe("the IoD exponential transformation", () => {
  it("is 0 at R → 0 and 100 at R = 1 (the most deprived), as the technical report defines it", () => {
    expect(expTransform(0)).toBeCloseTo(0, 12);
    expect(expTransform(1)).toBeCloseTo(100, 10);
  });
  it("stretches the most deprived end: R = 0.9 (the edge of the most deprived 10%) gives 50.43, R = 0.5 gives 15.65", () => {
    // e^(−100/23) = 0.012935; −23·ln(1 − 0.9·0.987065) = −23·ln(0.111641) = 50.43; at 0.5: −23·ln(0.506467) = 15.65.
    expect(expTransform(0.9)).toBeCloseTo(50.43, 2);
    expect(expTransform(0.5)).toBeCloseTo(15.65, 2);
  });
  it("maps a national rank of 1 of N to 100 and rank N to almost 0", () => {
    const s = standardise([1, 10], "lower", "exponential", 10);
    expect(s[0]).toBeCloseTo(100, 10);
    expect(s[1]).toBeCloseTo(expTransform(0.1), 10);
    expect(s[1]).toBeCloseTo(2.39, 2); // −23·ln(1 − 0.1·0.987065) = −23·ln(0.901293)
  });
});

describe("standardisations", () => {
  it("z-score: [2, 4, 6] → [−1.2247, 0, 1.2247] (population sd √(8/3))", () => {
    expect(round(standardise([2, 4, 6], "higher", "zscore"))).toEqual([-1.2247, 0, 1.2247]);
  });
  it("min–max: [10, 20, 40] → [0, 33.33, 100]", () => {
    expect(round(standardise([10, 20, 40], "higher", "minmax"), 2)).toEqual([0, 33.33, 100]);
  });
  it("reversed direction: lower means more need, so [1, 2, 3] → [100, 50, 0]", () => {
    expect(round(standardise([1, 2, 3], "lower", "minmax"))).toEqual([100, 50, 0]);
    expect(round(standardise([1, 2, 3], "lower", "place_rank"))).toEqual([100, 50, 0]);
  });
  it("national percentile rank: rank 1 of 4 → 100, rank 4 → 25; 'higher' reads the rank the other way", () => {
    expect(round(standardise([1, 2, 4], "lower", "national_rank", 4))).toEqual([100, 75, 25]);
    expect(round(standardise([1, 4], "higher", "national_rank", 4))).toEqual([25, 100]);
  });
  it("place percentile rank shares ties: [3, 5, 5, 1] → [33.33, 100, 100, 0]", () => {
    expect(round(standardise([3, 5, 5, 1], "higher", "place_rank"), 2)).toEqual([33.33, 100, 100, 0]);
  });
  it("keeps missing values missing", () => {
    expect(round(standardise([1, NaN, 3], "higher", "minmax"))).toEqual([0, NaN, 100]);
  });
  it("national methods refuse to run without the national count", () => {
    expect(() => standardise([1], "lower", "national_rank")).toThrow(/nationalN/);
  });
});

describe("ranking", () => {
  it("ranks ties the same and skips the places they take (1, 2, 2, 4); NaN is unranked (0)", () => {
    expect(Array.from(rankDescending([9, 5, 5, 1, NaN]))).toEqual([1, 2, 2, 4, 0]);
  });
  it("treats float noise as a tie", () => {
    expect(Array.from(rankDescending([0.1 + 0.2, 0.3]))).toEqual([1, 1]);
  });
});

describe("computeNeedIndex", () => {
  it("a worked example: two components, equal weights, min–max", () => {
    // A → [0, 100, 50]; B → [100, 0, 25] (B = [8, 0, 2]); scores [50, 50, 37.5]; ranks 1, 1, 3.
    const r = computeNeedIndex([c("a", [0, 10, 5]), c("b", [8, 0, 2])], 3);
    expect(round(r.score)).toEqual([50, 50, 37.5]);
    expect(Array.from(r.rank)).toEqual([1, 1, 3]);
    expect(round(r.percentile)).toEqual([100, 100, 0]);
    expect(Array.from(r.missing)).toEqual([0, 0, 0]);
  });
  it("weights: 3:1 on A gives 0.75·A + 0.25·B", () => {
    const r = computeNeedIndex([c("a", [0, 10, 5], { weight: 3 }), c("b", [8, 0, 2])], 3);
    expect(round(r.score)).toEqual([25, 75, 43.75]);
    expect(Array.from(r.rank)).toEqual([3, 1, 2]);
    expect(round(r.weights)).toEqual([0.75, 0.25]);
  });
  it("a missing component: the area is scored on the rest, re-weighted, and flagged", () => {
    // A → [0, 100, 50]; B = [10, NaN, 0] → [100, NaN, 0]; area 2 has A alone: 100.
    const r = computeNeedIndex([c("a", [0, 10, 5]), c("b", [10, NaN, 0])], 3);
    expect(round(r.score)).toEqual([50, 100, 25]);
    expect(Array.from(r.rank)).toEqual([2, 1, 3]);
    expect(Array.from(r.missing)).toEqual([0, 1, 0]);
  });
  it("a component with no variation contributes nothing and is reported", () => {
    const without = computeNeedIndex([c("a", [0, 10, 5])], 3);
    const withFlat = computeNeedIndex([c("a", [0, 10, 5]), c("flat", [7, 7, 7], { method: "zscore" })], 3);
    expect(withFlat.noVariation).toEqual(["flat"]);
    expect(withFlat.components[1]).toEqual({ key: "flat", label: "FLAT", used: false, reason: "no variation among the areas" });
    expect(Array.from(withFlat.score)).toEqual(Array.from(without.score));
    expect(round(withFlat.weights)).toEqual([1, 0]);
  });
  it("a single area: relative methods have nothing to compare, national ranks still score it", () => {
    const relative = computeNeedIndex([c("a", [4], { method: "zscore" })], 1);
    expect(relative.noVariation).toEqual(["a"]);
    expect(Array.from(relative.rank)).toEqual([0]);
    expect(relative.ranked).toBe(0);
    const national = computeNeedIndex([c("a", [1], { method: "national_rank", direction: "lower", nationalN: 10 })], 1);
    expect(round(national.score)).toEqual([100]);
    expect(Array.from(national.rank)).toEqual([1]);
    expect(Array.from(national.percentile)).toEqual([100]);
  });
  it("reversed direction changes the order", () => {
    const up = computeNeedIndex([c("a", [1, 2, 3])], 3);
    const down = computeNeedIndex([c("a", [1, 2, 3], { direction: "lower" })], 3);
    expect(Array.from(up.rank)).toEqual([3, 2, 1]);
    expect(Array.from(down.rank)).toEqual([1, 2, 3]);
  });
  it("a component with weight 0 is switched off, not counted as missing", () => {
    const r = computeNeedIndex([c("a", [0, 10]), c("b", [NaN, 1], { weight: 0 })], 2);
    expect(Array.from(r.missing)).toEqual([0, 0]);
    expect(r.components[1].reason).toBe("weight 0");
  });
  it("an area with every component missing is unranked", () => {
    const r = computeNeedIndex([c("a", [0, NaN, 4])], 3);
    expect(Array.from(r.rank)).toEqual([2, 0, 1]);
    expect(r.ranked).toBe(2);
    expect(Number.isNaN(r.percentile[1])).toBe(true);
  });
  it("refuses a component with the wrong number of values or a negative weight", () => {
    expect(() => computeNeedIndex([c("a", [1, 2])], 3)).toThrow(/2 values for 3 areas/);
    expect(() => computeNeedIndex([c("a", [1, 2], { weight: -1 })], 2)).toThrow(/weights must be 0 or more/);
  });
});

describe("analyseUncertainty", () => {
  const components = [c("a", [10, 8, 5, 4, 1, 0]), c("b", [9, 2, 6, 3, 5, 0]), c("d", [10, 1, 2, 8, 3, 0], { weight: 0.5 })];
  const base = computeNeedIndex(components, 6);

  it("is repeatable: the same seed gives the same answer", () => {
    const a = analyseUncertainty(base, { runs: 200, seed: 7 });
    const b = analyseUncertainty(base, { runs: 200, seed: 7 });
    expect(Array.from(a.medianRank)).toEqual(Array.from(b.medianRank));
    expect(Array.from(a.rankHigh)).toEqual(Array.from(b.rankHigh));
  });
  it("with no perturbation every interval is the rank itself", () => {
    const u = analyseUncertainty(base, { runs: 50, spread: 0 });
    expect(Array.from(u.rankLow)).toEqual(Array.from(base.rank));
    expect(Array.from(u.rankHigh)).toEqual(Array.from(base.rank));
    expect(Array.from(u.medianRank)).toEqual(Array.from(base.rank));
  });
  it("an area first on every component stays first in every run; the last stays last", () => {
    const u = analyseUncertainty(base, { runs: 300, topN: 1, topShare: 0.2 });
    expect([u.rankLow[0], u.rankHigh[0], u.inTopN[0], u.inTopShare[0]]).toEqual([1, 1, 1, 1]);
    expect([u.rankLow[5], u.rankHigh[5], u.inTopN[5]]).toEqual([6, 6, 0]);
  });
  it("intervals contain the median and widen where the components disagree", () => {
    const u = analyseUncertainty(base, { runs: 500 });
    for (let i = 0; i < 6; i++) {
      expect(u.rankLow[i]).toBeLessThanOrEqual(u.medianRank[i]);
      expect(u.medianRank[i]).toBeLessThanOrEqual(u.rankHigh[i]);
    }
    // Area 3 is 4th on A, 4th on B but 2nd on D: its rank hinges on D's weight.
    expect(u.rankHigh[3] - u.rankLow[3]).toBeGreaterThan(0);
    expect(u.hinge[3]).toBe(2);
  });
  it("names the component the ranking is most sensitive to", () => {
    // A and B agree (2 of the weight); the odd one out (1.8) disagrees: raised by half (2.7) it reverses the order, raising A does not.
    const agree = computeNeedIndex([c("a", [1, 2, 3, 4, 5]), c("b", [1, 2, 3, 4, 5]), c("odd", [5, 4, 3, 2, 1], { weight: 1.8 })], 5);
    const u = analyseUncertainty(agree, { runs: 100 });
    expect(agree.components[u.mostSensitive].key).toBe("odd");
    expect(u.sensitivity[0]).toBe(0);
  });
  it("refuses nonsense options", () => {
    expect(() => analyseUncertainty(base, { runs: 0 })).toThrow(/runs/);
    expect(() => analyseUncertainty(base, { spread: 1 })).toThrow(/spread/);
  });
});
