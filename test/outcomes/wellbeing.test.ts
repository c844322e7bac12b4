// Tests of the wellbeing methods against published tables (SWEMWBS conversion, t quantiles, ONS thresholds) and a worked example done by hand.
import { describe, expect, it } from "vitest";
import {
  MEANINGFUL_CHANGE,
  ons4Band,
  summariseChanges,
  swemwbsMetric,
  swemwbsRaw,
  SWEMWBS_METRIC,
  tQuantile,
} from "../../src/lib/wellbeing.ts";

describe("SWEMWBS raw → metric (Warwick Medical School conversion table)", () => {
  it("matches the published table at its end points", () => {
    expect(swemwbsMetric(7)).toBe(7.0);
    expect(swemwbsMetric(8)).toBe(9.51);
    expect(swemwbsMetric(34)).toBe(32.55);
    expect(swemwbsMetric(35)).toBe(35.0);
  });
  it("matches the published table at interior points", () => {
    const published: [number, number][] = [
      [10, 12.4], [14, 15.32], [17, 16.88], [20, 18.59], [21, 19.25], [23, 20.73], [25, 22.35], [28, 25.03], [30, 27.03], [33, 30.7],
    ];
    for (const [raw, metric] of published) expect(swemwbsMetric(raw), `raw ${raw}`).toBe(metric);
  });
  it("has 29 strictly increasing entries and refuses totals outside 7–35", () => {
    expect(SWEMWBS_METRIC).toHaveLength(29);
    for (let i = 1; i < SWEMWBS_METRIC.length; i++) expect(SWEMWBS_METRIC[i]).toBeGreaterThan(SWEMWBS_METRIC[i - 1]);
    for (const bad of [6, 36, 20.5, Number.NaN]) expect(() => swemwbsMetric(bad)).toThrow(RangeError);
  });
  it("sums seven items scored 1–5 and refuses anything else", () => {
    expect(swemwbsRaw([1, 2, 3, 4, 5, 3, 3])).toBe(21);
    expect(() => swemwbsRaw([1, 2, 3, 4, 5, 3])).toThrow(RangeError);
    expect(() => swemwbsRaw([0, 2, 3, 4, 5, 3, 3])).toThrow(RangeError);
    expect(() => swemwbsRaw([6, 2, 3, 4, 5, 3, 3])).toThrow(RangeError);
  });
});

describe("Student's t quantile", () => {
  it("matches the published two-sided 95% critical values", () => {
    // Standard t table (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2), t(0.975, df).
    const table: [number, number][] = [[1, 12.706], [2, 4.303], [4, 2.776], [5, 2.571], [10, 2.228], [29, 2.045], [30, 2.042], [100, 1.984]];
    for (const [df, t] of table) expect(tQuantile(0.975, df), `df ${df}`).toBeCloseTo(t, 3);
    expect(tQuantile(0.025, 10)).toBeCloseTo(-2.228, 3);
    expect(tQuantile(0.975, 1e6)).toBeCloseTo(1.96, 3);
  });
});

describe("paired change: a worked example computed by hand", () => {
  // Five people, raw before → after: 14→21, 20→20, 21→24, 17→23, 25→24.
  // Metric (table): 15.32→19.25 (+3.93), 18.59→18.59 (0), 19.25→21.54 (+2.29), 16.88→20.73 (+3.85), 22.35→21.54 (−0.81).
  // Sum 9.26, mean 1.852; squared deviations 4.318084 + 3.429904 + 0.191844 + 3.992004 + 7.086244 = 19.01808;
  // variance 19.01808/4 = 4.75452, sd 2.180486; se = sd/√5 = 0.975143; t(0.975, 4) = 2.776445; half-width 2.707426;
  // 95% CI −0.855 to 4.559. Improved by ≥ 3 points: the first and fourth person, 2 of 5.
  const pairs = [[14, 21], [20, 20], [21, 24], [17, 23], [25, 24]].map(([b, a]) => swemwbsMetric(a) - swemwbsMetric(b));
  const s = summariseChanges(pairs);
  it("gives the hand-computed mean, sd and interval", () => {
    expect(s.n).toBe(5);
    expect(s.mean).toBeCloseTo(1.852, 6);
    expect(s.sd).toBeCloseTo(2.180486, 5);
    expect(s.lower).toBeCloseTo(-0.855, 3);
    expect(s.upper).toBeCloseTo(4.559, 3);
  });
  it("counts meaningful improvement at the published threshold and flags fewer than 30 pairs", () => {
    expect(MEANINGFUL_CHANGE).toBe(3);
    expect(s.improved).toBe(2);
    expect(s.small).toBe(true);
    expect(summariseChanges(Array.from({ length: 30 }, (_, i) => i % 4)).small).toBe(false);
  });
  it("has no interval for one pair and nothing for none", () => {
    expect(summariseChanges([2])).toMatchObject({ n: 1, mean: 2, lower: null, upper: null });
    expect(summariseChanges([])).toMatchObject({ n: 0, mean: null, improved: 0 });
  });
});

describe("ONS4 personal wellbeing thresholds (ONS)", () => {
  it("bands life satisfaction, worthwhile and happiness 0–4 low, 5–6 medium, 7–8 high, 9–10 very high", () => {
    const expected = ["low", "low", "low", "low", "low", "medium", "medium", "high", "high", "very high", "very high"];
    for (const m of ["life_satisfaction", "worthwhile", "happiness"] as const) expect(expected.map((_, i) => ons4Band(m, i))).toEqual(expected);
  });
  it("bands anxiety 0–1 very low, 2–3 low, 4–5 medium, 6–10 high", () => {
    expect(Array.from({ length: 11 }, (_, i) => ons4Band("anxiety", i))).toEqual([
      "very low", "very low", "low", "low", "medium", "medium", "high", "high", "high", "high", "high",
    ]);
    expect(() => ons4Band("anxiety", 11)).toThrow(RangeError);
  });
});
