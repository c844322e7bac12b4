// Checks the equity statistics against exact analytic cases and PHEindicatormethods' published phe_sii worked example.
import { describe, expect, it } from "vitest";
import {
  concentrationCurve,
  concentrationIndex,
  core20Share,
  decileGroups,
  headline,
  mulberry32,
  relativeRanks,
  slopeIndex,
  spendPerHeadByDecile,
  type EquityGroup,
} from "../../src/lib/equity.ts";

const tenEqual = (values: number[]): EquityGroup[] => values.map((value) => ({ population: 1000, value }));

describe("concentrationIndex", () => {
  it("is 0 when spend per head is equal, whatever the group sizes", () => {
    // L_t = p_t for every t, so each term p_{t-1}p_t − p_t p_{t-1} is 0.
    expect(concentrationIndex(tenEqual(new Array(10).fill(5)))).toBeCloseTo(0, 12);
    expect(
      concentrationIndex([
        { population: 120, value: 7 },
        { population: 3000, value: 7 },
        { population: 45, value: 7 },
      ]),
    ).toBeCloseTo(0, 12);
  });

  it("is −0.9 when all spend is in the most deprived of ten equal groups", () => {
    // p_t = t/10 and L_t = 1 for t ≥ 1, so each of the nine terms t = 2..10 is
    // p_{t−1}·1 − p_t·1 = −0.1; total −0.9.
    expect(concentrationIndex(tenEqual([10, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeCloseTo(-0.9, 12);
  });

  it("is +0.9 when all spend is in the least deprived of ten equal groups (mirror image)", () => {
    // L_t = 0 for t < 10 and L_10 = 1: only the last term survives, p_9·1 − p_10·0 = 0.9.
    expect(concentrationIndex(tenEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 10]))).toBeCloseTo(0.9, 12);
  });

  it("matches a hand-checked value for unequal group sizes (−0.22)", () => {
    // Populations 100, 300, 600 with spend per head 3, 2, 1 → spend 300, 600, 600 (total 1,500).
    // p = 0.1, 0.4, 1.0; L = 0.2, 0.6, 1.0.
    // C = (p1·L2 − p2·L1) + (p2·L3 − p3·L2) = (0.06 − 0.08) + (0.4 − 0.6) = −0.22.
    // Cross-check with C = 2·cov(y, R)/μ (Kakwani/Wagstaff; e.g. concindexg help,
    // http://fmwww.bc.edu/repec/bocode/c/concindexg.hlp): μ = 1.5, midpoint ranks R = 0.05, 0.25, 0.7,
    // Σ f·y·R = 0.1·3·0.05 + 0.3·2·0.25 + 0.6·1·0.7 = 0.585, so C = 2·0.585/1.5 − 1 = −0.22.
    const groups = [
      { population: 100, value: 3 },
      { population: 300, value: 2 },
      { population: 600, value: 1 },
    ];
    expect(concentrationIndex(groups)).toBeCloseTo(-0.22, 12);
  });

  it("returns null, not NaN, for empty input, no residents or no spend", () => {
    expect(concentrationIndex([])).toBeNull();
    expect(concentrationIndex([{ population: 0, value: 5 }])).toBeNull();
    expect(concentrationIndex(tenEqual(new Array(10).fill(0)))).toBeNull();
  });

  it("rejects negative or non-finite inputs with a TypeError naming the field and group", () => {
    expect(() => concentrationIndex([{ population: -1, value: 1 }])).toThrow(TypeError);
    expect(() => concentrationIndex([{ population: -1, value: 1 }])).toThrow(/population.*negative.*group 0/);
    expect(() => concentrationIndex([{ population: 1, value: 1 }, { population: 1, value: -2 }])).toThrow(
      /value.*negative.*group 1/,
    );
    expect(() => concentrationIndex([{ population: Number.NaN, value: 1 }])).toThrow(/finite/);
  });
});

describe("concentrationCurve", () => {
  it("starts at (0, 0), ends at (1, 1) and has one point per group", () => {
    // Same groups as the −0.22 case: cumulative shares p = 0.1, 0.4, 1 and L = 0.2, 0.6, 1.
    const curve = concentrationCurve([
      { population: 100, value: 3 },
      { population: 300, value: 2 },
      { population: 600, value: 1 },
    ]);
    expect(curve).not.toBeNull();
    expect(curve![0]).toEqual({ p: 0, L: 0 });
    expect(curve![curve!.length - 1]).toEqual({ p: 1, L: 1 });
    expect(curve).toHaveLength(4);
    expect(curve![1].p).toBeCloseTo(0.1, 12);
    expect(curve![1].L).toBeCloseTo(0.2, 12);
    expect(curve![2].p).toBeCloseTo(0.4, 12);
    expect(curve![2].L).toBeCloseTo(0.6, 12);
  });

  it("returns null when there is nothing to plot", () => {
    expect(concentrationCurve([])).toBeNull();
    expect(concentrationCurve(tenEqual(new Array(10).fill(0)))).toBeNull();
  });
});

describe("relativeRanks", () => {
  it("places each group at the midpoint of its slice of the cumulative population (phe_sii docs)", () => {
    // phe_sii documentation, section Calculation: "If quantile 1 then contains 12 percent of the
    // total population, its relative rank is 0.12/2 [= 0.06]. If quantile 2 includes 10 percent of
    // the population, its relative rank is 0.12+(0.10/2)=0.17."
    // https://rdrr.io/cran/PHEindicatormethods/man/phe_sii.html
    const r = relativeRanks([12, 10, 78]);
    expect(r[0]).toBeCloseTo(0.06, 12);
    expect(r[1]).toBeCloseTo(0.17, 12);
    expect(r[2]).toBeCloseTo(0.22 + 0.78 / 2, 12);
  });
});

// Published worked example: PHEindicatormethods vignette "Worked examples for phe_sii function",
// Example 1 (life expectancy, value_type = 0, se supplied, confidence c(0.95, 0.998), 1,000 reps),
// https://cran.r-project.org/web/packages/PHEindicatormethods/vignettes/WorkedExamples_phe_sii.html
// (stored copy read: inst/doc/WorkedExamples_phe_sii.html of the CRAN package source).
// Inputs are the package's LE_data, whose rows are in tests/testthat/LE_testdata.csv of
// https://github.com/ukhsa-collaboration/PHEindicatormethods (columns Sex, GeoCode, Decile, Pop,
// LifeExp, SE); below: Sex = 1 (male), deciles 1 (most deprived) to 10, as [Pop, LifeExp, SE].
// Published output columns: sii, sii_lower95_0cl, sii_upper95_0cl, sii_lower99_8cl, sii_upper99_8cl.
const LE_MALE: Record<string, { rows: [number, number, number][]; published: [number, number, number, number, number] }> = {
  E06000001: {
    rows: [
      [13837, 70.56313911, 1.133868862], [14519, 72.61347473, 1.020288759], [14940, 75.06710359, 1.108685178],
      [14599, 75.20662276, 1.485618539], [12311, 76.23469045, 1.311653285], [13196, 75.21801932, 1.169033147],
      [13335, 77.09240397, 1.306645801], [13388, 79.84156222, 1.090905616], [13685, 80.81329918, 0.979426096],
      [11779, 82.73763832, 1.319452272],
    ],
    published: [11.68886, 9.215442, 14.0746, 7.896985, 15.27278],
  },
  E06000002: {
    rows: [
      [21675, 70.54853186, 0.947488056], [20065, 71.57155734, 1.043688022], [19750, 72.48698671, 0.969320245],
      [24713, 73.51985519, 1.023567868], [20112, 73.14605425, 1.006757968], [19618, 76.15898712, 0.906037647],
      [22408, 78.65444871, 0.724013864], [19752, 80.56476961, 1.118131371], [18939, 80.85486627, 0.848327099],
      [19312, 79.9711253, 0.94159082],
    ],
    published: [12.54785, 10.579679, 14.57307, 9.433565, 15.43696],
  },
  E06000003: {
    rows: [
      [20524, 72.76836448, 1.022722819], [18615, 75.49551789, 1.214913372], [23212, 76.04600799, 0.967057029],
      [20883, 75.47369917, 0.972293965], [17002, 78.06618358, 0.989564113], [20117, 77.02857403, 0.88291958],
      [19031, 79.82679432, 0.916181115], [19365, 80.35857167, 1.09344987], [18554, 80.15630823, 1.141181722],
      [19820, 83.7271982, 0.86306322],
    ],
    published: [10.05084, 7.820256, 12.30021, 6.098286, 13.65081],
  },
  E06000004: {
    rows: [
      [31147, 69.20108791, 0.796193843], [30866, 74.21283732, 0.821750976], [25433, 74.932479, 0.938102831],
      [32212, 76.34881505, 0.662956404], [27863, 78.68231391, 0.683456844], [27336, 79.80919091, 0.840229937],
      [24888, 81.06231776, 1.014952532], [28320, 81.52758251, 0.804054345], [30546, 84.52806861, 0.705796375],
      [28027, 82.36568616, 0.884730389],
    ],
    published: [14.85223, 13.029586, 16.66506, 11.542089, 17.22223],
  },
  E06000005: {
    rows: [
      [14404, 72.24345546, 1.201063491], [13797, 74.18504547, 1.053851208], [16090, 76.18067458, 1.100489479],
      [12741, 75.10176875, 1.166971958], [18360, 76.35195127, 0.858364562], [15140, 81.44594268, 1.361867516],
      [16610, 80.35266153, 0.865853521], [15231, 79.52257957, 1.145417419], [17322, 83.26955872, 1.226088756],
      [14097, 82.67629102, 1.299727629],
    ],
    published: [11.68095, 9.126462, 14.13962, 7.997806, 15.28689],
  },
  E06000006: {
    rows: [
      [18368, 72.54567756, 1.063662504], [18936, 75.76729083, 1.018469816], [15561, 72.94350371, 1.049863649],
      [20051, 75.8830764, 0.933704193], [19314, 76.75897977, 1.03068435], [19331, 74.26248445, 0.961414509],
      [17163, 80.01279053, 0.887843303], [16116, 82.77903697, 1.020296466], [17275, 82.23979685, 1.237268232],
      [23267, 83.45957186, 0.886518745],
    ],
    published: [12.27526, 10.014238, 14.29402, 8.563631, 15.5324],
  },
  E06000007: {
    rows: [
      [33010, 73.11376394, 0.702880179], [29861, 73.03773624, 0.780915476], [31818, 76.44686697, 0.784156262],
      [30633, 78.2741337, 0.818330155], [29006, 79.55985603, 0.658232933], [31665, 80.69868148, 0.655050418],
      [28535, 79.90792029, 0.649921165], [30847, 82.33915366, 0.743453555], [35047, 82.13627106, 0.637512118],
      [28769, 83.22718509, 0.666312752],
    ],
    published: [11.59893, 10.131272, 12.96125, 9.068544, 13.56129],
  },
  E06000008: {
    rows: [
      [23860, 70.89831053, 0.88506523], [21124, 74.47943843, 0.991949766], [22765, 74.34962137, 1.048014689],
      [20419, 73.45608756, 1.090186467], [24827, 74.5330475, 0.924259741], [23170, 74.87305205, 0.95958218],
      [20998, 77.33274168, 0.939711873], [20724, 78.60147957, 0.797963574], [21670, 80.56135028, 0.950200325],
      [20189, 82.36438001, 1.067916694],
    ],
    published: [10.7251, 8.539485, 12.66773, 7.260345, 13.95977],
  },
  E06000009: {
    rows: [
      [22570, 66.00755209, 1.004499003], [19464, 71.16293285, 1.1297589], [22522, 71.38253414, 0.928334218],
      [19394, 72.99326352, 1.00845316], [19045, 74.0860973, 0.993578763], [19982, 76.58928427, 0.938313514],
      [20877, 78.47982432, 0.832923468], [22625, 78.53892509, 0.854965084], [20544, 79.13504052, 0.791609243],
      [19610, 78.07273914, 0.917956444],
    ],
    published: [13.59387, 11.385259, 15.63067, 10.07254, 16.61999],
  },
  E06000010: {
    rows: [
      [38654, 72.29466055, 0.710787538], [40881, 71.25472196, 0.699161911], [41931, 73.0276723, 0.717665499],
      [38008, 74.94624363, 0.706381106], [38737, 77.02532676, 0.713419162], [43513, 75.67346402, 0.588630149],
      [38089, 79.87490676, 0.596690841], [35517, 81.12014745, 0.672745277], [38203, 80.5417459, 0.626176493],
      [36776, 79.64900614, 0.714044131],
    ],
    published: [11.20094, 9.667654, 12.58422, 8.983728, 13.3213],
  },
};

/** Independent SD of the simulated SII: the slope is Σ c_i·y_i with c_i = a_i(x_i − x̄)/Σa(x − x̄)², so Var = Σ c_i²·se_i². */
function analyticSiiSd(rows: [number, number, number][]): number {
  const total = rows.reduce((s, r) => s + r[0], 0);
  const a = rows.map((r) => r[0] / total);
  const x = relativeRanks(rows.map((r) => r[0]));
  const xbar = a.reduce((s, ai, i) => s + ai * x[i], 0);
  const sxx = a.reduce((s, ai, i) => s + ai * (x[i] - xbar) ** 2, 0);
  return Math.sqrt(rows.reduce((s, r, i) => s + ((a[i] * (x[i] - xbar)) / sxx) ** 2 * r[2] ** 2, 0));
}

describe("slopeIndex: PHEindicatormethods published worked example (male life expectancy)", () => {
  for (const [area, { rows, published }] of Object.entries(LE_MALE)) {
    it(`${area}: SII ${published[0]} as published, limits within Monte Carlo error`, () => {
      const groups = rows.map(([population, value]) => ({ population, value }));
      const se = rows.map((r) => r[2]);
      const r95 = slopeIndex(groups, { se, reps: 100_000, seed: 7 });
      const r998 = slopeIndex(groups, { se, reps: 100_000, seed: 7, confidence: 0.998 });
      // The SII is a deterministic regression: it must match the published value to the 5 dp printed.
      expect(r95.sii).toBeCloseTo(published[0], 5);
      // RII is not printed in this example; it is (intercept + slope) / intercept of the same fit.
      expect(r95.rii).toBeCloseTo((r95.intercept! + r95.sii!) / r95.intercept!, 12);
      // Published limits come from only 1,000 draws of R's RNG, so they carry Monte Carlo error.
      // For value_type 0 the simulated SII is exactly Normal(SII, sd²) with sd² = Σc²se², so the
      // error can be sized: a 2.5% quantile of 1,000 draws has MC sd ≈ √(0.025·0.975/1000)/φ(1.96)
      // ≈ 0.085·sd; allow 0.35·sd (about 4 MC sds), and also UKHSA's own test tolerance of 0.05
      // relative (tests/testthat/testSII.R). The 99.8% limits from 1,000 draws sit at positions
      // round(1000·0.001) = 1 and 999, i.e. near the sample extremes, whose spread is ≈ 0.35·sd;
      // allow 1·sd there.
      const sd = analyticSiiSd(rows);
      const off = (got: number | null, want: number) => Math.abs(got! - want);
      expect(off(r95.lower, published[1])).toBeLessThan(0.35 * sd);
      expect(off(r95.upper, published[2])).toBeLessThan(0.35 * sd);
      expect(off(r95.lower, published[1]) / published[1]).toBeLessThan(0.05);
      expect(off(r95.upper, published[2]) / published[2]).toBeLessThan(0.05);
      expect(off(r998.lower, published[3])).toBeLessThan(1 * sd);
      expect(off(r998.upper, published[4])).toBeLessThan(1 * sd);
      // Tighter, against the exact distribution: 100,000 draws must land near SII ± z·sd, with
      // z = 1.959964 (95%) and 3.090232 (99.8%). MC sd of those quantiles at 100,000 draws is
      // ≈ 0.0085·sd and ≈ 0.03·sd; allow 0.05·sd and 0.15·sd.
      expect(off(r95.lower, published[0] - 1.959964 * sd)).toBeLessThan(0.05 * sd);
      expect(off(r95.upper, published[0] + 1.959964 * sd)).toBeLessThan(0.05 * sd);
      expect(off(r998.lower, published[0] - 3.090232 * sd)).toBeLessThan(0.15 * sd);
      expect(off(r998.upper, published[0] + 3.090232 * sd)).toBeLessThan(0.15 * sd);
    });
  }
});

describe("slopeIndex: exact analytic cases and options", () => {
  // Populations 1,000, 3,000, 6,000 → ranks 0.05, 0.25, 0.70 (cumulative-population midpoints).
  // Values exactly 10 + 20·rank = 11, 15, 24, so weighted least squares recovers slope 20 and
  // intercept 10 exactly: SII = 20 (least minus most deprived), RII = (10 + 20) / 10 = 3.
  const linear = [
    { population: 1000, value: 11 },
    { population: 3000, value: 15 },
    { population: 6000, value: 24 },
  ];

  it("recovers slope and intercept exactly when values are linear in rank", () => {
    const r = slopeIndex(linear);
    expect(r.sii).toBeCloseTo(20, 10);
    expect(r.intercept).toBeCloseTo(10, 10);
    expect(r.rii).toBeCloseTo(3, 10);
    expect(r.ranks.map((x) => Number(x!.toFixed(12)))).toEqual([0.05, 0.25, 0.7]);
  });

  it("gives a negative SII and RII below 1 when spend per head is higher in deprived groups", () => {
    // Same ranks 0.05, 0.25, 0.70 with values exactly 30 − 20·rank = 29, 25, 16: slope −20,
    // intercept 30, so SII = −20 and RII = (30 − 20) / 30 = 1/3. Spend per head falls with rank,
    // so the concentration index is negative too (same direction as SII).
    const g = [
      { population: 1000, value: 29 },
      { population: 3000, value: 25 },
      { population: 6000, value: 16 },
    ];
    const r = slopeIndex(g);
    expect(r.sii).toBeCloseTo(-20, 10);
    expect(r.rii).toBeCloseTo(1 / 3, 10);
    expect(concentrationIndex(g)!).toBeLessThan(0);
  });

  it("applies phe_sii's multiplier: SII scaled, RII inverted when negative", () => {
    const r = slopeIndex(linear, { multiplier: -1 });
    expect(r.sii).toBeCloseTo(-20, 10);
    expect(r.rii).toBeCloseTo(1 / 3, 10);
  });

  it("is 0 with RII 1 when spend per head is equal", () => {
    const r = slopeIndex(tenEqual(new Array(10).fill(4)));
    expect(r.sii).toBeCloseTo(0, 12);
    expect(r.rii).toBeCloseTo(1, 12);
  });

  it("ignores empty groups (zero weight) instead of failing", () => {
    const withEmpty = [linear[0], { population: 0, value: 0 }, linear[1], linear[2]];
    const r = slopeIndex(withEmpty);
    expect(r.sii).toBeCloseTo(20, 10);
    expect(r.ranks[1]).toBeNull();
  });

  it("returns null statistics, not NaN, when they cannot be computed", () => {
    const empty = slopeIndex([]);
    expect(empty).toMatchObject({ sii: null, rii: null, lower: null, upper: null });
    expect(slopeIndex([{ population: 0, value: 1 }]).sii).toBeNull();
    expect(slopeIndex([{ population: 50, value: 1 }]).sii).toBeNull(); // one group: no slope
    const noSpend = slopeIndex(tenEqual(new Array(10).fill(0)));
    expect(noSpend.sii).toBe(0);
    expect(noSpend.rii).toBeNull(); // (0 + 0) / 0
  });

  it("returns null limits when no standard errors or confidence limits are given", () => {
    const r = slopeIndex(linear);
    expect(r.lower).toBeNull();
    expect(r.upper).toBeNull();
    expect(r.riiLower).toBeNull();
    expect(r.riiUpper).toBeNull();
  });

  it("gives identical limits for the same seed, and an interval containing the estimate", () => {
    const se = [1, 0.8, 0.5];
    const a = slopeIndex(linear, { se, reps: 20_000, seed: 42 });
    const b = slopeIndex(linear, { se, reps: 20_000, seed: 42 });
    const c = slopeIndex(linear, { se, reps: 20_000, seed: 43 });
    expect(a).toEqual(b);
    expect(c.lower).not.toBe(a.lower);
    expect(a.lower!).toBeLessThan(a.sii!);
    expect(a.upper!).toBeGreaterThan(a.sii!);
    expect(a.riiLower!).toBeLessThan(a.rii!);
    expect(a.riiUpper!).toBeGreaterThan(a.rii!);
    expect(a.confidence).toBe(0.95);
    expect(a.reps).toBe(20_000);
  });

  it("derives standard errors from 95% limits as phe_sii does, giving the same result as se", () => {
    // phe_sii: se = (upper − lower) / qnorm(0.975) / 2; its docs say supplying se instead of the
    // limits "gives the same result".
    const se = [1, 0.8, 0.5];
    const z = 1.959963984540054;
    const lowerCl = linear.map((g, i) => g.value - z * se[i]);
    const upperCl = linear.map((g, i) => g.value + z * se[i]);
    const fromSe = slopeIndex(linear, { se, reps: 5000, seed: 3 });
    const fromCl = slopeIndex(linear, { lowerCl, upperCl, reps: 5000, seed: 3 });
    expect(fromCl.lower!).toBeCloseTo(fromSe.lower!, 10);
    expect(fromCl.upper!).toBeCloseTo(fromSe.upper!, 10);
  });

  it("rejects bad options and inputs with clear errors", () => {
    expect(() => slopeIndex(linear, { reps: 999 })).toThrow(RangeError);
    expect(() => slopeIndex(linear, { confidence: 0.5 })).toThrow(RangeError);
    expect(() => slopeIndex(linear, { se: [1, 2] })).toThrow(/one entry per group/);
    expect(() => slopeIndex(linear, { se: [1, -2, 1] })).toThrow(/se must not be negative \(group 1\)/);
    expect(() => slopeIndex([{ population: 10, value: -1 }])).toThrow(TypeError);
  });

  it("accepts confidence as a percentage", () => {
    const se = [1, 0.8, 0.5];
    const a = slopeIndex(linear, { se, reps: 2000, seed: 9, confidence: 99 });
    const b = slopeIndex(linear, { se, reps: 2000, seed: 9, confidence: 0.99 });
    expect(a.lower).toBe(b.lower);
    expect(a.confidence).toBe(0.99);
  });
});

describe("mulberry32", () => {
  it("is reproducible and stays in [0, 1)", () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});

describe("spendPerHeadByDecile", () => {
  it("always returns deciles 1..10, summing rows and filling missing deciles with zeros", () => {
    const out = spendPerHeadByDecile([
      { decile: 1, population: 1000, spend: 3000 },
      { decile: 1, population: 1000, spend: 1000 }, // second LSOA in decile 1: summed
      { decile: 10, population: 2000, spend: 2000 },
    ]);
    expect(out.map((r) => r.decile)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Decile 1: 2,000 residents, £4,000 → £2 per head; 4,000 / 6,000 of spend; 2,000 / 4,000 of residents.
    expect(out[0]).toEqual({
      decile: 1,
      population: 2000,
      spend: 4000,
      spendPerHead: 2,
      shareOfSpend: 4000 / 6000,
      shareOfPopulation: 0.5,
    });
    // Decile 2 is absent: zero residents, so spend per head is null (not NaN), shares are 0.
    expect(out[1]).toEqual({
      decile: 2,
      population: 0,
      spend: 0,
      spendPerHead: null,
      shareOfSpend: 0,
      shareOfPopulation: 0,
    });
    expect(out[9].spendPerHead).toBe(1);
  });

  it("gives null shares when there is no spend or no population at all", () => {
    const none = spendPerHeadByDecile([]);
    expect(none).toHaveLength(10);
    expect(none.every((r) => r.spendPerHead === null && r.shareOfSpend === null && r.shareOfPopulation === null)).toBe(
      true,
    );
    const noSpend = spendPerHeadByDecile([{ decile: 3, population: 10, spend: 0 }]);
    expect(noSpend[2]).toMatchObject({ spendPerHead: 0, shareOfSpend: null, shareOfPopulation: 1 });
  });

  it("rejects bad deciles and negative numbers with a TypeError", () => {
    expect(() => spendPerHeadByDecile([{ decile: 0, population: 1, spend: 1 }])).toThrow(/decile.*1 \(most deprived\)/);
    expect(() => spendPerHeadByDecile([{ decile: 2.5, population: 1, spend: 1 }])).toThrow(TypeError);
    expect(() => spendPerHeadByDecile([{ decile: 2, population: 1, spend: -5 }])).toThrow(/spend must not be negative \(row 0\)/);
  });
});

describe("decileGroups", () => {
  it("feeds the decile table into the index functions, most deprived first", () => {
    // All spend in decile 1 with ten equal deciles: the −0.9 analytic case again.
    const rows = Array.from({ length: 10 }, (_, i) => ({ decile: i + 1, population: 500, spend: i === 0 ? 900 : 0 }));
    expect(concentrationIndex(decileGroups(rows))).toBeCloseTo(-0.9, 12);
  });

  it("refuses spend in a decile with no residents rather than losing it", () => {
    expect(() => decileGroups([{ decile: 4, population: 0, spend: 10 }])).toThrow(/decile 4 has spend/);
  });
});

describe("core20Share and headline", () => {
  // Deciles 1–2 hold 38 of 100 residents and £46 of £100 spend: the example sentence.
  const rows = [
    { decile: 1, population: 20, spend: 30 },
    { decile: 2, population: 18, spend: 16 },
    { decile: 5, population: 30, spend: 24 },
    { decile: 9, population: 32, spend: 30 },
  ];

  it("compares Core20 (deciles 1–2) spend share with population share", () => {
    const s = core20Share(rows);
    expect(s.spendShare).toBeCloseTo(0.46, 12);
    expect(s.populationShare).toBeCloseTo(0.38, 12);
    expect(s.ratio).toBeCloseTo(0.46 / 0.38, 12);
  });

  it("writes the headline in plain UK English with whole-number percentages", () => {
    expect(headline(core20Share(rows), 2)).toBe(
      "In round 2, 46% of spend reached Core20 neighbourhoods, home to 38% of residents.",
    );
    expect(headline(core20Share(rows))).toBe(
      "Across all rounds, 46% of spend reached Core20 neighbourhoods, home to 38% of residents.",
    );
    // 0.455 → 46% (whole numbers, half up); 0.384 → 38%.
    expect(headline({ spendShare: 0.455, populationShare: 0.384, ratio: null }, "spring 2025")).toBe(
      "In spring 2025, 46% of spend reached Core20 neighbourhoods, home to 38% of residents.",
    );
  });

  it("returns nulls and says so plainly when there is no spend or no residents", () => {
    expect(core20Share([])).toEqual({ spendShare: null, populationShare: null, ratio: null });
    const noSpend = core20Share([{ decile: 1, population: 40, spend: 0 }, { decile: 6, population: 60, spend: 0 }]);
    expect(noSpend).toEqual({ spendShare: null, populationShare: 0.4, ratio: null });
    expect(headline(noSpend, 1)).toBe(
      "In round 1, no spend was recorded; Core20 neighbourhoods are home to 40% of residents.",
    );
    // No Core20 residents at all: the share is 0 and the ratio is undefined, so null.
    expect(core20Share([{ decile: 7, population: 10, spend: 5 }])).toEqual({
      spendShare: 0,
      populationShare: 0,
      ratio: null,
    });
  });
});
