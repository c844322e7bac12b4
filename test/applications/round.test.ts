// End to end on the synthetic round, without a database: validate, map areas to the record's unit, score on evidence and panel, suggest awards within the pot and every cap, compare with the split.
import { describe, expect, it } from "vitest";
import { toAssessmentInput } from "../../pipelines/applications/assess.ts";
import { demoRound } from "../../pipelines/applications/demo.ts";
import { validateApplications, type ServedArea } from "../../pipelines/applications/validate.ts";
import { assessApplications, type AreaThemeEvidence } from "../../src/lib/assessment.ts";
import { awardedAgainstAgreed, linesFromSplit, suggestAwards } from "../../src/lib/awards.ts";
import { NEED_CATEGORIES } from "../../src/lib/needs.ts";
import { combineScores, summarisePanel } from "../../src/lib/panel.ts";
import { mulberry32 } from "../../src/lib/random.ts";

// 12 LSOAs in three made-up boroughs of four each; the record splits £60,000 by borough and by theme.
const lsoas = Array.from({ length: 12 }, (_, k) => ({ code: `E0100${String(2000 + k).padStart(4, "0")}`, borough: `E0900000${1 + Math.floor(k / 4)}`, need: (k * 37) % 100 }));
const boroughOf = new Map(lsoas.map((l) => [l.code, l.borough]));
const pot = 60_000;
const themes = NEED_CATEGORIES.filter((c) => c.key !== "other").map((c) => c.key);
const split = {
  ids: ["E09000001", "E09000002", "E09000003"],
  amount: [24_000, 21_000, 15_000],
  themes: themes.map((key, k) => ({ key, amount: [0, 0, 0], total: k < 4 ? 9_000 : 24_000 / (themes.length - 4) })),
};

describe("a synthetic round from application file to suggested awards", () => {
  const round = demoRound({ areas: lsoas, pot, round: "Demo round", seed: 7 });
  const valid = validateApplications(round.header, round.rows.map((fields, k) => ({ fields, row: k + 2 })), { knownArea: (c) => boroughOf.has(c) });
  const mapped = valid.accepted.map((a) => toAssessmentInput(a, (area: ServedArea) => [{ code: boroughOf.get(area.code)!, weight: 1 }]));
  const rand = mulberry32(11);
  const evidence: AreaThemeEvidence[] = split.ids.flatMap((area) => [{ area, theme: "all", need: Math.round(rand() * 100), gap: Math.round(rand() * 100), provision: Math.round(rand() * 3) * 20 }]);
  const assessed = assessApplications(mapped.map((m) => m.input), { evidence, allocation: linesFromSplit(split) });
  const combined = combineScores(assessed, summarisePanel(round.panelScores, round.panelScale), 0.4);
  const scored = mapped.map((m, i) => ({ ...m.input, score: combined[i].score }));
  const suggestion = suggestAwards({ applications: scored, pot, allocation: linesFromSplit(split) });

  it("maps every area, with shares adding up to 1", () => {
    expect(mapped.every((m) => m.unmapped.length === 0)).toBe(true);
    for (const m of mapped) expect(m.input.areas.reduce((a, x) => a + x.share!, 0)).toBeCloseTo(1, 12);
  });

  it("scores every application with reasons, and suggests a set within the pot and every line", () => {
    expect(assessed.every((a) => a.score >= 0 && a.score <= 100 && a.reasons.length === 5)).toBe(true);
    expect(suggestion.suggested).toBeLessThanOrEqual(pot);
    expect(suggestion.chosen.length).toBeGreaterThan(5);
    for (const l of suggestion.lines) expect(l.suggested).toBeLessThanOrEqual(l.agreed);
    // Scores in the order the rule says: every chosen one outranks or ties the one after it that was chosen.
    const chosenScores = suggestion.chosen.map((c) => c.score);
    expect([...chosenScores].sort((a, b) => b - a)).toEqual(chosenScores);
  });

  it("the suggested set against the split: per-kind shares add up and variances balance", () => {
    const awarded = suggestion.chosen.flatMap((c) => c.charges.filter((ch) => ch.kind === "area").map((ch) => ({ area: ch.area, theme: null, amount: ch.pence / 100 })));
    const rows = awardedAgainstAgreed(linesFromSplit(split, "none"), awarded);
    expect(rows.reduce((a, r) => a + r.awarded, 0)).toBeCloseTo(suggestion.suggested, 6);
    expect(rows.reduce((a, r) => a + (r.awardedShare ?? 0), 0)).toBeCloseTo(1, 12);
    expect(rows.reduce((a, r) => a + r.variancePoints!, 0)).toBeCloseTo(0, 9);
  });
});
