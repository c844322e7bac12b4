// Checks the allocation: exact sums, floors and caps, per-head and need shares, monotonicity, pace of change, determinism, and the largest-remainder method against its published worked example.
import { describe, expect, it } from "vitest";
import { allocate, AllocationError, largestRemainder, type AllocationInput, type AllocationOptions } from "../../src/lib/allocation.ts";
import { mulberry32 } from "../../src/lib/random.ts";

/** n seeded areas with awkward populations (some empty) and need weights (some zero). */
function areas(n: number, seed: number): AllocationInput {
  const rnd = mulberry32(seed);
  const ids = Array.from({ length: n }, (_, i) => `E0100${String(i).padStart(4, "0")}`);
  const population = Float64Array.from(ids, () => (rnd() < 0.02 ? 0 : Math.floor(800 + rnd() * 2400)));
  const need = Float64Array.from(ids, () => (rnd() < 0.05 ? 0 : rnd() * 100));
  return { ids, population, need };
}

const sum = (xs: ArrayLike<number>): number => Array.from(xs).reduce((s, x) => s + x, 0);

describe("parts add up to the pot exactly", () => {
  const pots = [1, 7, 999, 100_003, 505_000, 1_234_567, 9_999_999];
  for (const n of [1, 3, 1087, 4994]) {
    for (const unit of [1, 100, 1000]) {
      it(`${n} areas, unit £${unit}`, () => {
        const input = areas(n, n * 31 + unit);
        for (const pot of pots) {
          for (const alpha of [0, 0.3, 1]) {
            const r = allocate(input, { pot, alpha, unit });
            expect(sum(r.amount)).toBe(pot);
            // Every amount is a whole number of units, except the one area that takes a pot's odd remainder.
            const odd = Array.from(r.amount).filter((a) => a % unit !== 0);
            expect(odd.length).toBeLessThanOrEqual(pot % unit === 0 ? 0 : 1);
            expect(Math.min(...r.amount)).toBeGreaterThanOrEqual(0);
            // The reasons add up to each area's amount.
            for (let i = 0; i < n; i += Math.ceil(n / 50)) {
              const parts = r.perHead[i] + r.needPart[i] + r.gapAdjustment[i] + r.boundAdjustment[i] + r.rounding[i];
              expect(parts).toBeCloseTo(r.amount[i], 6);
            }
          }
        }
      });
    }
  }

  it("with a theme split, the themes add up to each area and to the pot", () => {
    const input = areas(500, 5);
    const rnd = mulberry32(9);
    const themes = ["loneliness", "cost_of_living", "mental_wellbeing"].map((key, k) => ({
      key,
      share: [0.5, 0.3, 0.2][k],
      need: Float64Array.from(input.ids, () => rnd() * 10),
    }));
    const r = allocate({ ...input, themes }, { pot: 123_457, alpha: 0.25, unit: 100 });
    expect(sum(r.amount)).toBe(123_457);
    expect(r.themes.map((t) => t.key)).toEqual(["loneliness", "cost_of_living", "mental_wellbeing"]);
    for (let i = 0; i < 500; i++) expect(r.themes.reduce((s, t) => s + t.amount[i], 0)).toBe(r.amount[i]);
    expect(r.themes.reduce((s, t) => s + t.total, 0)).toBe(123_457);
    // Without floors or caps each theme gets its share of the pot, give or take rounding.
    expect(r.themes[0].total / 123_457).toBeCloseTo(0.5, 2);
    expect(r.themes[2].total / 123_457).toBeCloseTo(0.2, 2);
  });
});

describe("largest remainder (Hamilton) method", () => {
  it("reproduces the published worked example (Wikipedia, 'Largest remainder method', Hare quota: 100,000 votes, 10 seats)", () => {
    // Yellows 47,000, Whites 16,000, Reds 15,800, Greens 12,000, Blues 6,100, Pinks 3,100 → 5, 2, 1, 1, 1, 0 seats.
    const votes = [47_000, 16_000, 15_800, 12_000, 6_100, 3_100];
    const r = allocate({ ids: ["Y", "W", "R", "G", "B", "P"], population: votes }, { pot: 10_000, alpha: 1, unit: 1000 });
    expect(Array.from(r.amount)).toEqual([5000, 2000, 1000, 1000, 1000, 0]);
    expect(Array.from(largestRemainder([4.7, 1.6, 1.58, 1.2, 0.61, 0.31], 1, 10))).toEqual([5, 2, 1, 1, 1, 0]);
  });

  it("breaks ties in favour of the earlier area, every time", () => {
    expect(Array.from(largestRemainder([1.5, 1.5, 1.5, 1.5], 1, 6))).toEqual([2, 2, 1, 1]);
  });
});

describe("α and need", () => {
  it("α = 1 gives pure per-head shares, whatever the need", () => {
    const population = [1000, 2000, 3000, 4000];
    const r = allocate({ ids: ["a", "b", "c", "d"], population, need: [100, 0, 5, 1] }, { pot: 100_000, alpha: 1 });
    expect(Array.from(r.amount)).toEqual([10_000, 20_000, 30_000, 40_000]);
    expect(Array.from(r.needPart)).toEqual([0, 0, 0, 0]);
  });

  it("α = 0 shares by residents × need; α = 0.5 is halfway (worked by hand)", () => {
    // Σn = 3000, n·w = 1000·3 + 2000·1 = 5000: need shares 0.6 and 0.4; per-head shares 1/3 and 2/3.
    const input = { ids: ["a", "b"], population: [1000, 2000], need: [3, 1] };
    expect(Array.from(allocate(input, { pot: 90_000, alpha: 0 }).amount)).toEqual([54_000, 36_000]);
    // 0.5·(30,000) + 0.5·(54,000) = 42,000; 0.5·60,000 + 0.5·36,000 = 48,000.
    expect(Array.from(allocate(input, { pot: 90_000, alpha: 0.5 }).amount)).toEqual([42_000, 48_000]);
  });

  it("raising one area's need never lowers its amount (seeded, with rounding, floors, caps, pace and themes)", () => {
    const configs: AllocationOptions[] = [
      { pot: 250_001, alpha: 0.2, unit: 100 },
      { pot: 500_000, alpha: 0, unit: 1000, floor: 1000, cap: 20_000 },
      { pot: 99_999, alpha: 0.5, unit: 1 },
    ];
    for (let seed = 1; seed <= 12; seed++) {
      const input = areas(60, seed);
      const rnd = mulberry32(seed * 7);
      const current = Float64Array.from(input.ids, () => Math.floor(rnd() * 5000));
      for (const base of configs) {
        const options: AllocationOptions = seed % 2 ? { ...base, gap: { current, pace: rnd() } } : base;
        const i = Math.floor(rnd() * 60);
        let before = allocate(input, options).amount[i];
        const need = Float64Array.from(input.need!);
        for (let step = 0; step < 15; step++) {
          need[i] += rnd() * 20;
          const after = allocate({ ...input, need }, options).amount[i];
          expect(after).toBeGreaterThanOrEqual(before);
          before = after;
        }
      }
    }
  });
});

describe("floors and caps", () => {
  const input = areas(200, 77);
  it("hold for every area, and the parts still add up to the pot", () => {
    const r = allocate(input, { pot: 400_000, alpha: 0, unit: 100, floor: 950, cap: 4_020 });
    for (let i = 0; i < 200; i++) {
      expect(r.amount[i]).toBeGreaterThanOrEqual(1000); // the floor rounded up to the unit
      expect(r.amount[i]).toBeLessThanOrEqual(4000); // the cap rounded down to the unit
    }
    expect(sum(r.amount)).toBe(400_000);
    expect(Array.from(r.bound).filter((b) => b === 1).length).toBeGreaterThan(0);
    expect(Array.from(r.bound).filter((b) => b === -1).length).toBeGreaterThan(0);
  });

  it("per-area bounds override the common ones", () => {
    const [first, second] = input.ids;
    const r = allocate(input, { pot: 400_000, alpha: 0.5, floor: 500, bounds: { [first]: { floor: 20_000 }, [second]: { floor: 0, cap: 0 } } });
    expect(r.amount[0]).toBeGreaterThanOrEqual(20_000);
    expect(r.amount[1]).toBe(0);
    expect(sum(r.amount)).toBe(400_000);
  });

  it("refuses an infeasible set, saying why", () => {
    const attempt = (options: Partial<AllocationOptions>) => () => allocate(input, { pot: 100_000, alpha: 0.5, ...options });
    expect(attempt({ floor: 600 })).toThrowError(/The floors add up to £120,000, more than the £100,000 to share/);
    expect(attempt({ cap: 400 })).toThrowError("The caps add up to £78,400 (4 areas with no share stay at their floor), less than the £100,000 to share: raise some caps or lower the pot.");
    expect(attempt({ bounds: { [input.ids[3]]: { floor: 5000, cap: 2000 } } })).toThrowError(`${input.ids[3]}: its floor £5,000 is above its cap £2,000.`);
    expect(attempt({ unit: 1000, bounds: { [input.ids[3]]: { floor: 1100, cap: 1900 } } })).toThrowError(/no multiple of £1,000 lies between its floor £1,100 and cap £1,900/);
    expect(attempt({ alpha: 2 })).toThrowError(AllocationError);
    expect(attempt({ pot: 100.5 })).toThrowError(/whole number of pounds/);
  });
});

describe("gap-led pace of change", () => {
  // Need shares 0.5, 0.3, 0.2 (α = 1 with these populations); current provision 10,000, 40,000, 50,000.
  const input = { ids: ["a", "b", "c"], population: [5000, 3000, 2000] };
  const current = [10_000, 40_000, 50_000];

  it("pace 1 reaches the target: provision plus allocation is shared as need says, where no area is above target", () => {
    // Total after the round 100,000 + 200,000 = 300,000; targets 150,000, 90,000, 60,000; gaps 140,000, 50,000, 10,000.
    const r = allocate(input, { pot: 200_000, alpha: 1, gap: { current, pace: 1 } });
    expect(Array.from(r.amount)).toEqual([140_000, 50_000, 10_000]);
    const total = r.amount.map((a, i) => a + current[i]);
    expect(Array.from(total).map((t) => t / 300_000)).toEqual([0.5, 0.3, 0.2]);
  });

  it("pace 1 gives nothing to an area at or above its target, and closes the largest gaps first as far as the pot goes", () => {
    // Pot 50,000: G = max(0, sλ − C). With a alone, 0.5λ − 10,000 = 50,000 → λ = 120,000; b starts only above
    // λ = 40,000/0.3 ≈ 133,333 and c above 250,000, so a takes the whole pot.
    const r = allocate(input, { pot: 50_000, alpha: 1, gap: { current, pace: 1 } });
    expect(Array.from(r.amount)).toEqual([50_000, 0, 0]);
    // Pot 150,000: a and b both below target. 0.8λ − 50,000 = 150,000 → λ = 250,000: a 115,000, b 35,000, c 0.
    expect(Array.from(allocate(input, { pot: 150_000, alpha: 1, gap: { current, pace: 1 } }).amount)).toEqual([115_000, 35_000, 0]);
  });

  it("pace 0 keeps the current pattern of provision", () => {
    const r = allocate(input, { pot: 200_000, alpha: 1, gap: { current, pace: 0 } });
    expect(Array.from(r.amount)).toEqual([20_000, 80_000, 100_000]);
  });

  it("pace 0.5 is halfway between", () => {
    const r = allocate(input, { pot: 200_000, alpha: 1, gap: { current, pace: 0.5 } });
    expect(Array.from(r.amount)).toEqual([80_000, 65_000, 55_000]);
  });

  it("with no provision funded yet, the need shares stand and a note says so", () => {
    const r = allocate(input, { pot: 200_000, alpha: 1, gap: { current: [0, 0, 0], pace: 0.3 } });
    expect(Array.from(r.amount)).toEqual([100_000, 60_000, 40_000]);
    expect(r.notes.join(" ")).toMatch(/no gap to close/);
  });
});

describe("determinism", () => {
  it("the same inputs always give the same output", () => {
    const input = areas(1087, 2025);
    const options: AllocationOptions = { pot: 505_000, alpha: 0.3, unit: 100, floor: 100, cap: 5000, gap: { current: Float64Array.from(input.ids, (_, i) => (i * 37) % 900), pace: 0.4 } };
    const a = allocate(input, options);
    const b = allocate({ ids: [...input.ids], population: Float64Array.from(input.population), need: Float64Array.from(input.need!) }, { ...options });
    expect(Array.from(b.amount)).toEqual(Array.from(a.amount));
    expect(Array.from(b.exact)).toEqual(Array.from(a.exact));
    expect(b.notes).toEqual(a.notes);
  });
});
