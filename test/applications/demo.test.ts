// The synthetic applications round is deterministic for a seed, about three times the pot, labelled synthetic, passes the applications validation, and both PB rules run on its votes.
import { describe, expect, it } from "vitest";
import { demoRound, demoRoundCsv } from "../../pipelines/applications/demo.ts";
import { validateApplications } from "../../pipelines/applications/validate.ts";
import { summarisePanel } from "../../src/lib/panel.ts";
import { compareRules } from "../../src/lib/participatory.ts";

const areas = Array.from({ length: 12 }, (_, k) => ({ code: `E0100${String(1000 + k).padStart(4, "0")}`, need: (k * 37) % 100 }));
const options = { areas, pot: 60_000, round: "Demo round 1", seed: 2026 };

describe("demoRound", () => {
  const round = demoRound(options);

  it("is the same for the same seed and differs for another", () => {
    expect(demoRoundCsv(demoRound(options))).toEqual(demoRoundCsv(round));
    expect(demoRoundCsv(demoRound({ ...options, seed: 2027 })).applications).not.toEqual(demoRoundCsv(round).applications);
  });

  it("asks for three times the pot in £50 steps, and every row says it is synthetic", () => {
    const amounts = round.rows.map((r) => Number(r[round.header.indexOf("Amount Applied For")]));
    expect(amounts.reduce((a, b) => a + b, 0)).toBe(180_000);
    expect(amounts.every((a) => a >= 50 && a % 50 === 0)).toBe(true);
    expect(round.rows.length).toBeGreaterThan(20);
    expect(round.rows.every((r) => r[round.header.indexOf("Description")].startsWith("Synthetic demo application"))).toBe(true);
    expect(round.label).toMatch(/SYNTHETIC/);
  });

  it("passes the applications validation with no rejects", () => {
    const codes = new Set(areas.map((a) => a.code));
    const result = validateApplications(round.header, round.rows.map((fields, k) => ({ fields, row: k + 2 })), { knownArea: (c) => codes.has(c) });
    expect(result.rejects).toEqual([]);
    expect(result.accepted).toHaveLength(round.rows.length);
  });

  it("has panel scores on 1–5 from every member and votes that never back the voter's own application", () => {
    const panel = summarisePanel(round.panelScores, round.panelScale);
    expect(panel).toHaveLength(round.rows.length);
    expect(panel.every((p) => p.members.length === 4 && p.criteria.length === 3)).toBe(true);
    expect(round.votes.some((v) => v.voter === v.project)).toBe(false);
  });

  it("gives both participatory rules something to choose between, within the pot", () => {
    const projects = round.rows.map((r) => ({ id: r[0], cost: Number(r[round.header.indexOf("Amount Applied For")]) }));
    const cmp = compareRules({ budget: options.pot, projects, votes: round.votes });
    expect(cmp.greedyOutcome.spent).toBeLessThanOrEqual(options.pot);
    expect(cmp.equalSharesOutcome.spent).toBeLessThanOrEqual(options.pot);
    expect(cmp.greedy.projects).toBeGreaterThan(5);
    expect(cmp.equalShares.projects).toBeGreaterThan(5);
  });
});
