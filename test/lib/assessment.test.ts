// Checks application scoring, panel scores, the suggested set and awarded-against-agreed on small examples worked by hand (arithmetic in the comments).
import { describe, expect, it } from "vitest";
import { assessApplications, AssessmentInputError, chargesFor, DEFAULT_CRITERIA, indexLines, type AllocationLine, type ApplicationInput, type AreaThemeEvidence, type MoneyRow } from "../../src/lib/assessment.ts";
import { awardedAgainstAgreed, linesFromSplit, suggestAwards, type ScoredApplication } from "../../src/lib/awards.ts";
import { bandForIncome, parseIncomeBand } from "../../src/lib/income-bands.ts";
import { combineScores, PanelInputError, summarisePanel } from "../../src/lib/panel.ts";
import { mulberry32 } from "../../src/lib/random.ts";

// Two areas, A (Northfield) and B (Southgate); B has one row for all themes and its own row for loneliness.
const evidence: AreaThemeEvidence[] = [
  { area: "A", theme: "loneliness", need: 80, gap: 60, provision: 0 },
  { area: "A", theme: "food", need: 40, gap: 20, provision: 30 },
  { area: "B", theme: "all", need: 50, gap: 50, provision: 10 },
  { area: "B", theme: "loneliness", need: 20, gap: 10, provision: 0 },
];
// The decision record splits £20,000 two ways: by area (A £6,000, B £4,000) and by theme (£5,000 each).
const allocation: AllocationLine[] = [
  { area: "A", amount: 6000 },
  { area: "B", amount: 4000 },
  { theme: "loneliness", amount: 5000 },
  { theme: "food", amount: 5000 },
];
// Already awarded this round: £3,000 in A for loneliness, £1,000 in B for food.
// Left: A 3,000 of 6,000 (50%), B 3,000 of 4,000 (75%), loneliness 2,000 of 5,000 (40%), food 4,000 of 5,000 (80%).
const spent: MoneyRow[] = [
  { area: "A", theme: "loneliness", amount: 3000 },
  { area: "B", theme: "food", amount: 1000 },
];
const areaNames = { A: "Northfield", B: "Southgate" };

const X: ApplicationInput = { id: "X", amount: 2000, themes: ["loneliness", "food"], areas: [{ code: "A", share: 3 }, { code: "B", share: 1 }], incomeBand: "micro" };
const Y: ApplicationInput = { id: "Y", amount: 1500, themes: ["food"], areas: [{ code: "B" }] };
const Z: ApplicationInput = { id: "Z", amount: 500, themes: ["loneliness"], areas: [{ code: "C" }], incomeBand: "small" };

describe("assessApplications", () => {
  const [x, y, z] = assessApplications([X, Y, Z], { evidence, allocation, spent, areaNames });
  const value = (a: typeof x, k: string) => a.components.find((c) => c.key === k)!.value;

  it("X: each component by hand", () => {
    // Cells (weight = area share × 1/2 themes): A-lon .375, A-food .375, B-lon .125, B-food .125 (B's "all" row).
    // need = .375·80 + .375·40 + .125·20 + .125·50 = 53.75; gap = .375·60 + .375·20 + .125·10 + .125·50 = 37.5
    expect(value(x, "need")).toBeCloseTo(53.75, 12);
    expect(value(x, "gap")).toBeCloseTo(37.5, 12);
    // Nothing reaches A-lon and B-lon: .375 + .125 = 50% of its work.
    expect(value(x, "newProvision")).toBeCloseTo(50, 12);
    // Charges of £2,000: A £1,500, B £500, loneliness £1,000, food £1,000; remaining fractions .5, .75, .4, .8:
    // (1500·.5 + 500·.75 + 1000·.4 + 1000·.8) / 4000 = 2325 / 4000 = 58.125%.
    expect(value(x, "unspent")).toBeCloseTo(58.125, 12);
    expect(value(x, "smallOrganisation")).toBe(100);
    // (30·53.75 + 30·37.5 + 15·58.125 + 15·50 + 10·100) / 100 = 53.59375
    expect(x.score).toBeCloseTo(53.59375, 12);
    expect(x.components.reduce((a, c) => a + c.points, 0)).toBeCloseTo(x.score, 12);
  });

  it("X: the reasons say what was found, in plain English with names", () => {
    expect(x.reasons[0]).toBe(
      "Need 53.8 of 100 (higher = more need) where it would work: Northfield for loneliness and isolation 80; Northfield for food 40; Southgate for loneliness and isolation 20; Southgate for food 50.",
    );
    expect(x.reasons.find((r) => r.startsWith("New provision"))).toBe(
      "New provision: 50% of its work would be where nothing reaches today (Northfield for loneliness and isolation; Southgate for loneliness and isolation).",
    );
    expect(x.reasons.find((r) => r.startsWith("Agreed allocation"))).toBe(
      "Agreed allocation still unspent where it would draw: Northfield £3,000 of £6,000 left (50%); Southgate £3,000 of £4,000 left (75%); " +
        "Loneliness and isolation £2,000 of £5,000 left (40%); Food £4,000 of £5,000 left (80%); 58.1 of 100 weighted by what it would draw on each.",
    );
    expect(x.reasons.find((r) => r.startsWith("Small organisation"))).toBe("Small organisation: Micro (annual income under £10,000) scores 100 of 100.");
  });

  it("Y: one area, one theme falling back to the area's 'all' row, no income band", () => {
    // need 50, gap 50, provision 10 > 0 so new provision 0; unspent (1500·.75 + 1500·.8)/3000 = 77.5; band unknown 0.
    expect([value(y, "need"), value(y, "gap"), value(y, "newProvision"), value(y, "unspent"), value(y, "smallOrganisation")]).toEqual([50, 50, 0, 77.5, 0]);
    // (30·50 + 30·50 + 15·77.5 + 0 + 0) / 100 = 41.625
    expect(y.score).toBeCloseTo(41.625, 12);
    expect(y.reasons.find((r) => r.startsWith("New provision"))).toBe("New provision: some provision already reaches every area and theme it would serve.");
  });

  it("Z: an area with no evidence and no allocation — need, gap and new provision are left out and say so", () => {
    expect([value(z, "need"), value(z, "gap"), value(z, "newProvision")]).toEqual([null, null, null]);
    expect(z.reasons[0]).toMatch(/^Need: not scored/);
    // Area C has nothing allocated (fraction 0); loneliness 40%: (500·0 + 500·.4)/1000 = 20. Small band 75.
    // Only unspent (15) and small organisation (10) count: (15·20 + 10·75) / 25 = 42.
    expect(value(z, "unspent")).toBeCloseTo(20, 12);
    expect(z.score).toBeCloseTo(42, 12);
    expect(z.reasons.find((r) => r.startsWith("Agreed allocation"))).toContain("C nothing allocated");
  });

  it("weights are configurable and a weight of 0 switches a criterion off", () => {
    const criteria = { ...DEFAULT_CRITERIA, weights: { need: 1, gap: 0, unspent: 0, newProvision: 0, smallOrganisation: 0 } };
    const [only] = assessApplications([X], { evidence, allocation, spent, criteria });
    expect(only.score).toBeCloseTo(53.75, 12);
    expect(only.components.find((c) => c.key === "gap")!.reason).toMatch(/weight 0: not counted/);
  });

  it("charges split the request to the penny across lines", () => {
    const odd: ApplicationInput = { id: "odd", amount: 1000.01, themes: ["loneliness", "food", "carers"], areas: [{ code: "A" }, { code: "B" }, { code: "C" }] };
    const charges = chargesFor(odd, 100001, indexLines([...allocation, { area: "A", theme: "food", amount: 10 }]));
    for (const kind of ["area", "theme", "area-theme"]) expect(charges.filter((c) => c.kind === kind).reduce((a, c) => a + c.pence, 0)).toBe(100001);
    expect(charges.filter((c) => c.kind === "area").map((c) => c.pence)).toEqual([33334, 33334, 33333]);
    expect(() => chargesFor({ ...odd, areas: [] }, 100, indexLines(allocation))).toThrow(AssessmentInputError);
  });

  it("refuses evidence off the 0–100 scale and duplicate allocation lines", () => {
    expect(() => assessApplications([X], { evidence: [{ area: "A", theme: "food", need: 120, gap: 0, provision: 0 }], allocation })).toThrow(/0–100/);
    expect(() => indexLines([{ area: "A", amount: 1 }, { area: "A", amount: 2 }])).toThrow(/repeats/);
  });
});

describe("panel scores", () => {
  const scores = [
    { member: "m1", application: "X", criterion: "delivery", score: 4 },
    { member: "m2", application: "X", criterion: "delivery", score: 5 },
    { member: "m3", application: "X", criterion: "delivery", score: 3 },
    { member: "m1", application: "X", criterion: "value", score: 2 },
    { member: "m2", application: "X", criterion: "value", score: 2 },
    { member: "m3", application: "X", criterion: "value", score: 5 },
  ];

  it("centre and spread per criterion, on the panel's 1–5 scale", () => {
    const [p] = summarisePanel(scores, { min: 1, max: 5 });
    expect(p.members).toEqual(["m1", "m2", "m3"]);
    const [delivery, value] = p.criteria;
    expect(delivery).toMatchObject({ criterion: "delivery", n: 3, mean: 4, median: 4, min: 3, max: 5, range: 2, sd: 1 });
    expect(value).toMatchObject({ criterion: "value", mean: 3, median: 2, range: 3 });
    expect(value.sd).toBeCloseTo(Math.sqrt(3), 12); // deviations −1, −1, 2: (1 + 1 + 4) / 2 = 3
    // Means 4 and 3 on 1–5 are 75 and 50 on 0–100; their mean 62.5. Widest range 3 of 4 = 75.
    expect(p.score).toBeCloseTo(62.5, 12);
    expect(p.widestRange).toBeCloseTo(75, 12);
    expect(p.reason).toBe("Panel (3 members): 62.5 of 100 from the mean on 2 criteria (delivery 4 of 5, value 3 of 5); widest disagreement on value: 2 to 5.");
    // Medians 4 and 2: 75 and 25, mean 50.
    expect(summarisePanel(scores, { min: 1, max: 5 }, "median")[0].score).toBeCloseTo(50, 12);
  });

  it("combines with the evidence score by the panel's weight; unscored applications keep the evidence alone", () => {
    const assessed = assessApplications([X, Y], { evidence, allocation, spent });
    const [cx, cy] = combineScores(assessed, summarisePanel(scores, { min: 1, max: 5 }), 0.5);
    expect(cx.score).toBeCloseTo((53.59375 + 62.5) / 2, 12);
    expect(cy).toMatchObject({ id: "Y", panel: null });
    expect(cy.score).toBeCloseTo(41.625, 12);
  });

  it("refuses scores off the scale and a member scoring the same thing twice", () => {
    expect(() => summarisePanel([{ member: "m1", application: "X", criterion: "c", score: 6 }], { min: 1, max: 5 })).toThrow(PanelInputError);
    expect(() => summarisePanel([scores[0], { ...scores[0], score: 1 }], { min: 1, max: 5 })).toThrow(/more than once/);
  });
});

describe("suggestAwards", () => {
  const scored = (app: ApplicationInput, score: number): ScoredApplication => ({ ...app, score });
  const W: ApplicationInput = { id: "W", amount: 1200, themes: ["loneliness"], areas: [{ code: "A" }] };
  const V: ApplicationInput = { id: "V", amount: 4000, themes: ["food"], areas: [{ code: "A" }] };

  it("greedy by score within the pot and every line, saying which limit each skipped one hit", () => {
    // Pot £10,000 less £4,000 already awarded = £6,000.
    const s = suggestAwards({ applications: [scored(X, 80), scored(W, 90), scored(Z, 70), scored(Y, 60), scored(V, 50)], pot: 10_000, allocation, spent, areaNames });
    // W (90): £1,200 to A (3,000 left) and loneliness (2,000 left) → chosen; loneliness now £800.
    // X (80): would draw £1,000 on loneliness → skipped. Z (70): area C has no line → skipped.
    // Y (60): £1,500 to B (3,000 left) and food (4,000 left) → chosen. V (50): £4,000 > £3,300 left in the pot.
    expect(s.chosen.map((c) => c.id)).toEqual(["W", "Y"]);
    expect(s.skipped.map((k) => [k.id, k.reason])).toEqual([
      ["X", "would exceed the agreed split: Loneliness and isolation has £800 left and it would draw £1,000"],
      ["Z", "would exceed the agreed split: the decision record allocates nothing to C"],
      ["V", "does not fit in the pot: it asks for £4,000 and £3,300 is left"],
    ]);
    expect([s.spentBefore, s.suggested, s.left]).toEqual([4000, 2700, 3300]);
    expect(s.lines.map((l) => l.left)).toEqual([1800, 1500, 800, 2500]);
    expect(s.rule).toMatch(/highest first/);
  });

  it("never exceeds the pot or any line on seeded random rounds", () => {
    const rand = mulberry32(20261201);
    const areas = ["A", "B", "C", "D"];
    const themes = ["loneliness", "food", "carers"];
    let chosen = 0;
    let capped = 0;
    for (let k = 0; k < 200; k++) {
      const lines: AllocationLine[] = [
        ...areas.slice(0, 3).map((a) => ({ area: a, amount: 500 * Math.floor(rand() * 20) })),
        ...themes.map((t) => ({ theme: t, amount: 500 * Math.floor(rand() * 20) })),
        ...(rand() < 0.5 ? [{ area: "A", theme: "food", amount: 500 * Math.floor(rand() * 10) }] : []),
      ];
      const apps: ScoredApplication[] = Array.from({ length: 5 + Math.floor(rand() * 25) }, (_, i) => ({
        id: `a${i}`,
        amount: Math.round(100 + rand() * 5000) + (rand() < 0.3 ? 0.37 : 0),
        themes: themes.filter(() => rand() < 0.5),
        areas: areas.filter(() => rand() < 0.5).map((code) => ({ code, share: 1 + Math.floor(rand() * 3) })),
        score: Math.round(rand() * 100),
      })).filter((a) => a.areas.length > 0);
      const pot = 1000 * Math.floor(5 + rand() * 20);
      const s = suggestAwards({ applications: apps, pot, allocation: lines });
      const pence = s.chosen.reduce((a, c) => a + Math.round(c.amount * 100), 0);
      expect(pence).toBeLessThanOrEqual(pot * 100);
      const used = lines.map(() => 0);
      for (const c of s.chosen) for (const ch of c.charges) if (ch.pence > 0) used[ch.line] += ch.pence; // a line of −1 would throw below
      lines.forEach((l, i) => expect(used[i]).toBeLessThanOrEqual(Math.round(l.amount * 100)));
      expect(s.chosen.every((c) => c.charges.every((ch) => ch.pence === 0 || ch.line >= 0))).toBe(true);
      chosen += s.chosen.length;
      capped += s.skipped.filter((x) => x.reason.startsWith("would exceed the agreed split")).length;
    }
    // The cases exercise both outcomes, not just empty sets.
    expect(chosen).toBeGreaterThan(200);
    expect(capped).toBeGreaterThan(200);
  });
});

describe("awardedAgainstAgreed", () => {
  it("pounds and percentage points per line, with the awards outside the split shown apart", () => {
    const awarded: MoneyRow[] = [
      { area: "A", theme: "loneliness", amount: 5000 },
      { area: "B", theme: "food", amount: 2000 },
      { area: "C", theme: "loneliness", amount: 1000 },
      { area: "A", theme: null, amount: 2000 },
    ];
    const rows = awardedAgainstAgreed(allocation, awarded);
    const pick = (r: (typeof rows)[number]) => [r.kind, r.area ?? r.theme ?? "outside", r.agreed, r.awarded, r.variance, Math.round(r.variancePoints! * 1e9) / 1e9];
    // Areas: agreed 60% / 40%; awarded A 7,000 (70%), B 2,000 (20%), C outside 1,000 (10%) of 10,000.
    // Themes: agreed 50% / 50%; awarded loneliness 6,000 (60%), food 2,000 (20%), no theme 2,000 (20%).
    expect(rows.map(pick)).toEqual([
      ["area", "A", 6000, 7000, 1000, 10],
      ["area", "B", 4000, 2000, -2000, -20],
      ["area", "outside", 0, 1000, 1000, 10],
      ["theme", "loneliness", 5000, 6000, 1000, 10],
      ["theme", "food", 5000, 2000, -3000, -30],
      ["theme", "outside", 0, 2000, 2000, 20],
    ]);
    expect(rows[0].shareOfAgreedSpent).toBeCloseTo(7000 / 6000, 12);
    expect(rows[2].shareOfAgreedSpent).toBeNull();
  });
});

describe("income bands", () => {
  it("reads bands as application forms write them, and refuses ranges that span two", () => {
    const cases: [string, string | null][] = [
      ["micro", "micro"],
      ["Super-major", "super_major"],
      ["Medium (£100,000 to under £1 million)", "medium"],
      ["Under £10,000", "micro"],
      ["£10,000 - £99,999", "small"],
      ["10k-100k", "small"],
      ["£45,000", "small"],
      ["over £100m", "super_major"],
      ["under £100k", null],
      ["£5k-£50k", null],
      ["£1,000,000+", null],
      ["lots", null],
      ["", null],
    ];
    for (const [text, band] of cases) expect({ text, band: parseIncomeBand(text) }).toEqual({ text, band });
    expect([bandForIncome(9999.99), bandForIncome(10_000), bandForIncome(-1)]).toEqual(["micro", "small", null]);
  });
});

describe("linesFromSplit", () => {
  const split = { ids: ["A", "B"], amount: [600, 400], themes: [{ key: "food", amount: [100, 300], total: 400 }, { key: "carers", amount: [500, 100], total: 600 }] };
  it("turns an allocation result into area lines and theme totals, cells, or areas alone", () => {
    expect(linesFromSplit(split)).toEqual([{ area: "A", amount: 600 }, { area: "B", amount: 400 }, { theme: "food", amount: 400 }, { theme: "carers", amount: 600 }]);
    expect(linesFromSplit(split, "cells").slice(2)).toEqual([
      { area: "A", theme: "food", amount: 100 },
      { area: "B", theme: "food", amount: 300 },
      { area: "A", theme: "carers", amount: 500 },
      { area: "B", theme: "carers", amount: 100 },
    ]);
    expect(linesFromSplit(split, "none")).toHaveLength(2);
  });
});
