// Checks the group weights (median and mean), the spread between partners and the areas whose shares swing most.
import { describe, expect, it } from "vitest";
import { groupWeights, median, quantile, shareSwing, weightSpread, type Partner } from "../../src/lib/partner-weights.ts";

const keys = ["income", "health", "idaopi", "theme:loneliness"];
const gp: Partner = { label: "GP lead", weights: { income: 40, health: 30, idaopi: 10, "theme:loneliness": 55 } };

describe("group weights", () => {
  it("the group median of identical partners is that partner (and so is the mean)", () => {
    for (const count of [1, 2, 3, 6]) {
      const partners = Array.from({ length: count }, (_, i) => ({ ...gp, label: `Partner ${i + 1}` }));
      expect(groupWeights(partners, keys)).toEqual(gp.weights);
      expect(groupWeights(partners, keys, "mean")).toEqual(gp.weights);
    }
  });

  it("takes the median component by component (middle two averaged for an even count), or the mean on request", () => {
    const partners: Partner[] = [
      { label: "A", weights: { income: 10, health: 0 } },
      { label: "B", weights: { income: 50, health: 20 } },
      { label: "C", weights: { income: 90, health: 100 } },
      { label: "D", weights: { income: 20 } },
    ];
    // income 10, 20, 50, 90 → (20 + 50)/2 = 35; health 0, 0 (missing = 0), 20, 100 → 10.
    expect(groupWeights(partners, ["income", "health"])).toEqual({ income: 35, health: 10 });
    expect(groupWeights(partners, ["income", "health"], "mean")).toEqual({ income: 42.5, health: 30 });
    // The median resists one partner's extreme weight; the mean does not.
    const extreme = [...partners.slice(0, 3), { label: "E", weights: { income: 100, health: 100 } }];
    expect(groupWeights(extreme, ["health"]).health).toBe(60);
  });

  it("median and quantile follow the textbook definitions", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    // R: quantile(c(1, 2, 3, 4, 10), c(.25, .75)) → 2, 4 (type 7).
    expect(quantile([10, 1, 4, 2, 3], 0.25)).toBe(2);
    expect(quantile([10, 1, 4, 2, 3], 0.75)).toBe(4);
    expect(quantile([1, 2], 0.5)).toBe(1.5);
  });
});

describe("where partners disagree", () => {
  it("ranks components by the spread of the share of weight partners give them, naming who is lowest and highest", () => {
    const partners: Partner[] = [
      { label: "GP", weights: { income: 50, health: 50 } },
      { label: "Council", weights: { income: 90, health: 10 } },
      { label: "Residents", weights: { income: 5, health: 15 } }, // shares 0.25 / 0.75 of their own total
    ];
    const spread = weightSpread(partners, ["income", "health"]);
    expect(spread.map((s) => s.key)).toEqual(["income", "health"]); // equal ranges: slider order
    expect(spread[0].min).toBeCloseTo(0.25, 12);
    expect(spread[0].max).toBeCloseTo(0.9, 12);
    expect(spread[0].range).toBeCloseTo(0.65, 12);
    expect(spread[0].lowest).toEqual(["Residents"]);
    expect(spread[0].highest).toEqual(["Council"]);
    expect(spread[1].highest).toEqual(["Residents"]);
  });
});

describe("areas whose shares swing", () => {
  it("sorts areas by the range of their share across partners' weightings, with the partners at each end", () => {
    const shares = [
      [0.5, 0.3, 0.2],
      [0.2, 0.3, 0.5],
      [0.4, 0.3, 0.3],
    ];
    const swing = shareSwing(shares, ["a", "b", "c"], ["P1", "P2", "P3"]);
    expect(swing.map((s) => s.id)).toEqual(["a", "c", "b"]);
    expect(swing[0]).toMatchObject({ min: 0.2, max: 0.5, minPartner: "P2", maxPartner: "P1" });
    expect(swing[2].range).toBe(0);
    expect(shareSwing(shares, ["a", "b", "c"], ["P1", "P2", "P3"], 1)).toHaveLength(1);
  });
});
