// Checks that a workshop state survives the URL exactly, that the fragment is compact and versioned, and that damaged or foreign links are refused in words.
import { describe, expect, it } from "vitest";
import { alignKeys, decodeState, encodeState, ScenarioError, type Scenario, type WorkshopState } from "../../src/lib/workshop-scenario.ts";

const keys = ["imd_rank", "income_rank", "employment_rank", "health_rank", "mental_health", "share_65_plus", "referrals_per_1000", "unmet_per_1000", "theme:all", "theme:loneliness", "theme:cost_of_living"];
const scenario = (name: string, partners: number): Scenario => ({
  name,
  pot: 505_000,
  alpha: 0.3,
  unit: 100,
  layer: "msoa",
  method: "gaps",
  group: "median",
  split: true,
  partners: Array.from({ length: partners }, (_, p) => ({ label: `Partner “${p + 1}” — £/é`, weights: keys.map((_, k) => (p * 7 + k * 13) % 101) })),
  pace: 0.25,
  floor: 1000,
  cap: null,
  bounds: { E02000001: { floor: 2000 }, E02000002: { cap: 50_000 }, E02000003: { floor: 100, cap: 900 } },
  rationale: "Agreed: loneliness first in Havering; revisit in spring.\nSecond line, with emoji 🙂.",
});

describe("workshop state in the URL", () => {
  it("round-trips two scenarios exactly, with every partner's weights, bounds and the rationale", () => {
    const state: WorkshopState = { keys, scenarios: [scenario("Scenario A", 8), { ...scenario("Scenario B", 3), group: "mean", pace: null, layer: "neighbourhood", unit: 1000, split: false, method: "minmax" }] };
    const fragment = encodeState(state);
    expect(fragment).toMatch(/^w2\.[A-Za-z0-9_-]+$/); // safe in a URL without escaping
    expect(decodeState(fragment)).toEqual(state);
    expect(decodeState(`#${fragment}`)).toEqual(state);
    expect(encodeState(decodeState(fragment))).toBe(fragment); // stable
  });

  it("is compact: eight partners with eleven sliders stay well under 2,000 characters", () => {
    const fragment = encodeState({ keys, scenarios: [scenario("A", 8)] });
    expect(fragment.length).toBeLessThan(2000);
  });

  it("refuses other versions, foreign and damaged links, and out-of-range values, saying why", () => {
    const good = encodeState({ keys, scenarios: [scenario("A", 2)] });
    expect(() => decodeState("w3.abc")).toThrowError("This link was made by version 3 of the Workshop page; this page reads version 2.");
    // Version 1 links weighed the seven IoD domains and six stand-in themes: refused in words, not mapped onto the need index's components.
    expect(() => decodeState("w1.WyJpbmNvbWUiXQ")).toThrowError(/earlier Workshop page \(version 1\), whose weights were the seven IoD domains and six stand-in themes.*cannot be carried over/);
    expect(() => decodeState("#section-3")).toThrowError("This link holds no workshop scenario.");
    expect(() => decodeState(good.slice(0, 40))).toThrowError(/could not be decoded/);
    const bad = (patch: (s: Scenario) => void) => {
      const s = scenario("A", 2);
      patch(s);
      return () => decodeState(encodeState({ keys, scenarios: [s] }));
    };
    expect(bad((s) => (s.alpha = 1.5))).toThrowError(/α must be between 0 and 1/);
    expect(bad((s) => (s.unit = 50))).toThrowError(/£1, £100 or £1,000/);
    expect(bad((s) => (s.partners[0].weights[0] = 101))).toThrowError(/weights must be 0–100/);
    expect(bad((s) => (s.partners[0].weights = [1]))).toThrowError(ScenarioError);
    expect(bad((s) => ((s as { layer: string }).layer = "county"))).toThrowError(/the layer is unknown/);
    expect(bad((s) => ((s as { method: string }).method = "national_rank"))).toThrowError(/the standardisation is unknown/);
  });

  it("carries an old link onto new sliders: dropped keys left out, new ones at their defaults", () => {
    const state = decodeState(encodeState({ keys: ["income_rank", "gone"], scenarios: [{ ...scenario("A", 1), partners: [{ label: "X", weights: [40, 60] }] }] }));
    const { state: aligned, notes } = alignKeys(state, ["income_rank", "health_rank"], () => 50);
    expect(aligned.scenarios[0].partners[0].weights).toEqual([40, 50]);
    expect(notes).toHaveLength(2);
  });
});
