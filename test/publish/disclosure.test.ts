// Proves the disclosure gate: small counts hidden, the rest rounded, and no hidden count recoverable by differencing.
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../src/lib/random.ts";
import {
  additiveGroups,
  auditPublished,
  type CountCell,
  DEFAULT_POLICY,
  derivableCells,
  DisclosureError,
  type DisclosurePolicyInput,
  parsePolicy,
  protectCount,
  protectMean,
  protectRate,
  protectTable,
  publicCells,
  type PublicCell,
  roundToMultiple,
  type TableStructure,
} from "../../pipelines/publish/disclosure.ts";

// ---------------------------------------------------------------------------------------------------
// Helpers written independently of the module, so the tests do not grade the module with itself.


const id = (key: string, category: string) => `${key}|${category}`;

interface Relation {
  total: string;
  parts: string[];
}

/** The additive relations of a table, derived from the cells by hand (parent areas, category totals). */
function relationsOf(cells: ReadonlyArray<{ key: string; parent: string | null; category: string }>, totals: Record<string, string[]>, extra: Relation[] = []): Relation[] {
  const present = new Set(cells.map((c) => id(c.key, c.category)));
  const rel = new Map<string, string[]>();
  for (const c of cells) {
    if (c.parent === null || !present.has(id(c.parent, c.category))) continue;
    const t = id(c.parent, c.category);
    rel.set(t, [...(rel.get(t) ?? []), id(c.key, c.category)]);
  }
  const out: Relation[] = [...rel].map(([total, parts]) => ({ total, parts }));
  const keys = [...new Set(cells.map((c) => c.key))];
  for (const [total, cats] of Object.entries(totals)) {
    for (const k of keys) {
      if (!present.has(id(k, total))) continue;
      out.push({ total: id(k, total), parts: cats.map((c) => id(k, c)).filter((x) => present.has(x)) });
    }
  }
  return [...out, ...extra];
}

/**
 * The differencing attack, chained: wherever a relation has exactly one unknown member, work it out
 * (total minus published parts, or the sum of the parts for a hidden total) and treat it as known from
 * then on, across both dimensions, until nothing more falls out. Published rounded values are taken as
 * exact, which only helps the attacker. Returns the hidden cells it recovered.
 */
function chainAttack(cells: ReadonlyArray<PublicCell>, relations: Relation[]): Set<string> {
  const known = new Map<string, number>();
  for (const c of cells) if (c.value !== null) known.set(id(c.key, c.category), c.value);
  const recovered = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const r of relations) {
      const members = [r.total, ...r.parts];
      const unknown = members.filter((m) => !known.has(m));
      if (unknown.length !== 1) continue;
      const u = unknown[0]!;
      const sumParts = r.parts.filter((p) => p !== u).reduce((s, p) => s + known.get(p)!, 0);
      known.set(u, u === r.total ? sumParts : known.get(r.total)! - sumParts);
      recovered.add(u);
      changed = true;
    }
  }
  return recovered;
}

/**
 * Hidden cells whose value is fixed by the relations (unit vector in the row space), by floating-point
 * Gauss–Jordan elimination with partial pivoting — a second, independent implementation of the
 * module's exact check, for small tables.
 */
function determinedByFloatElimination(hidden: string[], relations: Relation[]): string[] {
  const col = new Map(hidden.map((h, i) => [h, i]));
  const rows: number[][] = [];
  for (const r of relations) {
    const row = new Array<number>(hidden.length).fill(0);
    if (col.has(r.total)) row[col.get(r.total)!]! += 1;
    for (const p of r.parts) if (col.has(p)) row[col.get(p)!]! -= 1;
    if (row.some((v) => v !== 0)) rows.push(row);
  }
  const pivotRowOfCol = new Map<number, number[]>();
  let r0 = 0;
  for (let c = 0; c < hidden.length && r0 < rows.length; c++) {
    let best = r0;
    for (let r = r0; r < rows.length; r++) if (Math.abs(rows[r]![c]!) > Math.abs(rows[best]![c]!)) best = r;
    if (Math.abs(rows[best]![c]!) < 1e-9) continue;
    [rows[r0], rows[best]] = [rows[best]!, rows[r0]!];
    const piv = rows[r0]!;
    const f = piv[c]!;
    for (let j = 0; j < piv.length; j++) piv[j]! /= f;
    for (let r = 0; r < rows.length; r++) {
      if (r === r0) continue;
      const g = rows[r]![c]!;
      if (Math.abs(g) < 1e-12) continue;
      for (let j = 0; j < piv.length; j++) rows[r]![j]! -= g * piv[j]!;
    }
    pivotRowOfCol.set(c, piv);
    r0++;
  }
  const out: string[] = [];
  for (const [c, row] of pivotRowOfCol) {
    if (row.every((v, j) => j === c || Math.abs(v) < 1e-9)) out.push(hidden[c]!);
  }
  return out.sort();
}

const flagsOf = (cells: ReadonlyArray<{ key: string; category: string; flag: string }>) =>
  Object.fromEntries(cells.map((c) => [id(c.key, c.category), c.flag]));
const valuesOf = (cells: ReadonlyArray<{ key: string; category: string; value: number | null }>) =>
  Object.fromEntries(cells.map((c) => [id(c.key, c.category), c.value]));

// ---------------------------------------------------------------------------------------------------

describe("policy", () => {
  it("defaults to the NHS Digital rule: suppress 1–7, round to 5, publish true zeros", () => {
    expect(DEFAULT_POLICY).toEqual({ threshold: 7, rounding: 5, zeroIsSafe: true });
    expect(parsePolicy({ threshold: 10 })).toEqual({ threshold: 10, rounding: 5, zeroIsSafe: true });
  });

  it("rejects policies that would publish something unsafe or meaningless, with the reason", () => {
    expect(() => parsePolicy({ threshold: -1 })).toThrow(DisclosureError);
    expect(() => parsePolicy({ rounding: 0 })).toThrow(/rounding/);
    expect(() => parsePolicy({ threshold: 2.5 })).toThrow(/threshold/);
    expect(() => parsePolicy({ treshold: 10 })).toThrow(/treshold/); // a typo must not fall back to 7
    // threshold 1, rounding 5: a count of 2 is above the threshold and rounds to 0 (2/5 = 0.4), so a
    // published 0 would no longer mean a true 0. Needs 2 × (1 + 1) = 4 ≥ 5: false → rejected.
    expect(() => parsePolicy({ threshold: 1, rounding: 5 })).toThrow(/too low/);
    // threshold 2, rounding 5: 3 → 5 (3/5 = 0.6 → 1). 2 × 3 = 6 ≥ 5 → accepted.
    expect(parsePolicy({ threshold: 2 }).threshold).toBe(2);
  });
});

describe("protectCount", () => {
  it("handles the boundaries with threshold 7 and rounding 5", () => {
    // 0: a true zero is published as 0 (zeroIsSafe defaults to true).
    expect(protectCount(0)).toEqual({ value: 0, flag: "ok" });
    // 1 and 7: the ends of the suppressed range 1..7.
    expect(protectCount(1)).toEqual({ value: null, flag: "suppressed" });
    expect(protectCount(7)).toEqual({ value: null, flag: "suppressed" });
    // 8: first published count; 8/5 = 1.6 → 2 → 10.
    expect(protectCount(8)).toEqual({ value: 10, flag: "ok" });
    // 12: 12/5 = 2.4 → 2 → 10.
    expect(protectCount(12)).toEqual({ value: 10, flag: "ok" });
    // 13: 13/5 = 2.6 → 3 → 15.
    expect(protectCount(13)).toEqual({ value: 15, flag: "ok" });
  });

  it("suppresses zeros when the policy says they are not safe", () => {
    expect(protectCount(0, { zeroIsSafe: false })).toEqual({ value: null, flag: "suppressed" });
  });

  it("applies a custom threshold of 10", () => {
    const p = { threshold: 10 };
    expect(protectCount(8, p).flag).toBe("suppressed"); // 8 ≤ 10
    expect(protectCount(10, p).flag).toBe("suppressed"); // the threshold itself is hidden
    expect(protectCount(11, p)).toEqual({ value: 10, flag: "ok" }); // 11/5 = 2.2 → 2 → 10
    expect(protectCount(13, p)).toEqual({ value: 15, flag: "ok" }); // 13/5 = 2.6 → 3 → 15
  });

  it("rounds halves up", () => {
    // Base 10: 15/10 = 1.5 → 2 → 20; 25 → 30; 14 → 1.4 → 10. Base 4: 6/4 = 1.5 → 2 → 8.
    expect([15, 25, 14].map((n) => roundToMultiple(n, 10))).toEqual([20, 30, 10]);
    expect(roundToMultiple(6, 4)).toBe(8);
    expect(protectCount(15, { rounding: 10 })).toEqual({ value: 20, flag: "ok" });
    expect(protectCount(9, { rounding: 1 })).toEqual({ value: 9, flag: "ok" }); // base 1: unchanged
  });

  it("refuses anything that is not a count", () => {
    for (const bad of [-1, 2.5, Number.NaN, Infinity, "8" as unknown as number]) {
      expect(() => protectCount(bad)).toThrow(DisclosureError);
    }
  });
});

describe("protectRate and protectMean", () => {
  it("builds a rate on the rounded count, so the rate gives back no more than the count", () => {
    // 13 referrals, 1,500 residents (a public Census figure). Published count: 15 (13 → 15).
    // Rate from the published count: 15 × 1000 / 1500 = 10.0 per 1,000.
    expect(protectRate(13, 1500, 1000)).toEqual({ value: 10, flag: "ok" });
    // Had it used the raw 13: 8.666… → 8.7, and 8.65 ≤ 1000n/1500 < 8.75 ⇒ 12.975 ≤ n < 13.125 ⇒ n = 13,
    // the exact count the rounding was meant to hide.
    const n = [...Array(30).keys()].filter((k) => Math.round((k * 1000) / 1500 * 10) / 10 === 8.7);
    expect(n).toEqual([13]);
  });

  it("suppresses a rate whose count is suppressed, with the count's flag", () => {
    // 5 is in 1..7.
    expect(protectRate(5, 1500, 1000)).toEqual({ value: null, flag: "suppressed" });
    // A table cell hidden by secondary suppression hides its rate too.
    expect(protectRate({ value: null, flag: "secondary" }, 1500, 1000)).toEqual({ value: null, flag: "secondary" });
  });

  it("uses the published denominator when the denominator is itself a count from records", () => {
    // Unmet 13 → 15; referrals 22 → 20 (22/5 = 4.4 → 4). Share: 15 / 20 × 100 = 75.0 %.
    expect(protectRate(13, protectCount(22), 100)).toEqual({ value: 75, flag: "ok" });
    // Referrals 6 are hidden, so the share would give them back (unmet / share); it is hidden too.
    expect(protectRate(0, protectCount(6), 100)).toEqual({ value: null, flag: "suppressed" });
    // No referrals at all: no share to show, and nothing hidden.
    expect(protectRate(0, protectCount(0), 100)).toEqual({ value: null, flag: "no-denominator" });
    // A zero numerator over a public denominator is a true 0.0.
    expect(protectRate(0, 1500, 1000)).toEqual({ value: 0, flag: "ok" });
  });

  it("rounds the rate half up to one decimal place", () => {
    // 10 (published as 10) × 10 / 16 = 6.25 exactly → 6.3 (half up).
    expect(protectRate(10, 16, 10)).toEqual({ value: 6.3, flag: "ok" });
    // 20 × 1000 / 3 = 6666.66… → 6666.7.
    expect(protectRate(20, 3, 1000)).toEqual({ value: 6666.7, flag: "ok" });
    expect(() => protectRate(10, 16, 0)).toThrow(DisclosureError);
    expect(() => protectRate(10, -1, 100)).toThrow(DisclosureError);
  });

  it("suppresses a mean over 1–7 people and computes the rest from the actual values", () => {
    // 7 people: hidden. 8 people waiting 100 days in all: 12.5 days.
    expect(protectMean(70, 7)).toEqual({ value: null, flag: "suppressed" });
    expect(protectMean(100, 8)).toEqual({ value: 12.5, flag: "ok" });
    // 3 people waiting 10 days in all is 3.333…, but 3 ≤ 7: hidden.
    expect(protectMean(10, 3).value).toBeNull();
    expect(protectMean(0, 0)).toEqual({ value: null, flag: "no-denominator" });
    // The count of those people was hidden by secondary suppression: the mean is hidden with it.
    expect(protectMean(100, 8, DEFAULT_POLICY, { count: { value: null, flag: "secondary" } }).flag).toBe("secondary");
    // 1.005 is stored as 1.00499999…; rounding on its decimal form gives 1.01, not 1.00. n = 10, sum 10.05.
    expect(protectMean(10.05, 10, DEFAULT_POLICY, { decimals: 2 }).value).toBe(1.01);
  });
});

describe("protectTable: one dimension", () => {
  it("hides a second neighbourhood so the borough total minus its published neighbourhoods reveals nothing", () => {
    const cells: CountCell[] = [
      { key: "Borough", parent: null, category: "all", count: 30 },
      { key: "N1", parent: "Borough", category: "all", count: 3 },
      { key: "N2", parent: "Borough", category: "all", count: 9 },
      { key: "N3", parent: "Borough", category: "all", count: 18 },
    ];
    const t = protectTable(cells);
    // N1 = 3 is in 1..7: primary. The borough group then has one hidden cell, so the smallest non-zero
    // published part is hidden too: N2 (9 < 18). Borough 30 → 30; N3 18 → 20 (3.6 → 4).
    expect(flagsOf(t.cells)).toEqual({ "Borough|all": "ok", "N1|all": "suppressed", "N2|all": "secondary", "N3|all": "ok" });
    expect(valuesOf(t.cells)).toEqual({ "Borough|all": 30, "N1|all": null, "N2|all": null, "N3|all": 20 });
    expect(t.summary).toEqual({ cells: 4, published: 2, suppressed: 1, secondary: 1 });
    // The attack: 30 − 20 = 10 is N1 + N2 together; neither can be separated.
    expect(chainAttack(t.cells, relationsOf(cells, {}))).toEqual(new Set());
    expect(auditPublished(t)).toEqual([]);
    // The raw count never leaves: no `count` field in the published cells.
    expect(t.cells.every((c) => !("count" in c))).toBe(true);
  });

  it("shows why: with primary suppression only, differencing gets the hidden count back", () => {
    // Same table, no rounding (a place could choose rounding 1) and no secondary suppression:
    // 30 − 9 − 18 = 3, exactly N1.
    const cells: CountCell[] = [
      { key: "Borough", parent: null, category: "all", count: 30 },
      { key: "N1", parent: "Borough", category: "all", count: 3 },
      { key: "N2", parent: "Borough", category: "all", count: 9 },
      { key: "N3", parent: "Borough", category: "all", count: 18 },
    ];
    const primaryOnly = cells.map((c) => ({ ...c, ...protectCount(c.count, { rounding: 1 }) }));
    const attacked = chainAttack(primaryOnly, relationsOf(cells, {}));
    expect(attacked).toEqual(new Set(["N1|all"]));
    // Rounding to 5 alone only blurs it: published 30, 10, 20 give 30 − 10 − 20 = 0, each figure ±2,
    // so N1 ∈ [−6, 6] ∩ [1, 7] = 1..6 — the reader learns N1 is not 7, and any further published
    // figure sharpens it. The audit refuses such a table either way.
    const rounded = cells.map(({ key, parent, category, count }) => ({ key, parent, category, ...protectCount(count) }));
    expect(auditPublished({ cells: rounded }).map((v) => [v.rule, v.key])).toEqual([
      ["single-suppression", "N1"],
      ["derivable", "N1"],
    ]);
  });

  it("skips zeros and breaks ties by key, whatever the input order", () => {
    // A: 3 (primary); zeros are not candidates (a published 0 beside a hidden cell protects nothing);
    // E01000002 and E01000001 both 9: the tie goes to the smaller key, E01000001.
    const cells: CountCell[] = [
      { key: "E01000003", parent: "B", category: "x", count: 0 },
      { key: "E01000002", parent: "B", category: "x", count: 9 },
      { key: "E01000001", parent: "B", category: "x", count: 9 },
      { key: "E01000000", parent: "B", category: "x", count: 3 },
      { key: "B", parent: null, category: "x", count: 21 },
    ];
    const t = protectTable(cells);
    expect(flagsOf(t.cells)).toEqual({
      "E01000003|x": "ok",
      "E01000002|x": "ok",
      "E01000001|x": "secondary",
      "E01000000|x": "suppressed",
      "B|x": "ok",
    });
    expect(flagsOf(protectTable([...cells].reverse()).cells)).toEqual(flagsOf(t.cells));
  });

  it("protects the category dimension: the all-needs total minus the other needs", () => {
    const cells: CountCell[] = [
      { key: "A", parent: null, category: "loneliness", count: 4 },
      { key: "A", parent: null, category: "debt", count: 10 },
      { key: "A", parent: null, category: "housing", count: 15 },
      { key: "A", parent: null, category: "all", count: 29 },
    ];
    const structure = { categoryTotals: { all: ["loneliness", "debt", "housing"] } };
    const t = protectTable(cells, DEFAULT_POLICY, structure);
    // loneliness 4: primary. debt 10 is the smallest non-zero published part → secondary.
    // housing 15 → 15; all 29 → 30 (5.8 → 6). 30 − 15 = 15 = loneliness + debt together.
    expect(valuesOf(t.cells)).toEqual({ "A|loneliness": null, "A|debt": null, "A|housing": 15, "A|all": 30 });
    expect(flagsOf(t.cells)["A|debt"]).toBe("secondary");
    expect(chainAttack(t.cells, relationsOf(cells, structure.categoryTotals))).toEqual(new Set());
    expect(auditPublished(t)).toEqual([]);
  });
});

describe("protectTable: two dimensions", () => {
  // Three neighbourhoods in one borough; needs a, b, c and an all-needs total (a + b + c).
  //        a    b    c   all
  //  L1    3   20   40    63
  //  L2    9   12   10    31
  //  L3   15   30   50    95
  //  B    27   62  100   189
  const rows: Record<string, [number, number, number]> = { L1: [3, 20, 40], L2: [9, 12, 10], L3: [15, 30, 50] };
  const cells: CountCell[] = [];
  const borough = [0, 0, 0];
  for (const [key, counts] of Object.entries(rows)) {
    counts.forEach((n, i) => {
      cells.push({ key, parent: "B", category: "abc"[i]!, count: n });
      borough[i]! += n;
    });
    cells.push({ key, parent: "B", category: "all", count: counts[0] + counts[1] + counts[2] });
  }
  borough.forEach((n, i) => cells.push({ key: "B", parent: null, category: "abc"[i]!, count: n }));
  cells.push({ key: "B", parent: null, category: "all", count: 189 });
  const structure = { categoryTotals: { all: ["a", "b", "c"] } };

  it("iterates across both dimensions until no group has a single hidden cell", () => {
    const t = protectTable(cells, DEFAULT_POLICY, structure);
    // Only L1·a = 3 is in 1..7. Groups are visited area-by-category first, then category-by-area:
    // pass 1  area a (B = L1+L2+L3): L1·a alone → smallest published part L2·a (9 < 15).
    //         category L1 (all = a+b+c): L1·a alone → smallest published part L1·b (20 < 40).
    //         category L2: L2·a (new) alone → smallest published part L2·c (10 < 12).
    // pass 2  area b: L1·b (hidden for the category dimension) is now alone → L2·b (12 < 30).
    //         area c: L2·c (hidden for the category dimension) is now alone → L1·c (40 < 50).
    //         categories L1 and L2 now have 3 hidden each, fine.
    // pass 3  nothing changes: areas a, b, c have two hidden each, L1 and L2 three, L3 and B none.
    expect(flagsOf(t.cells)).toEqual({
      "L1|a": "suppressed", "L1|b": "secondary", "L1|c": "secondary", "L1|all": "ok",
      "L2|a": "secondary", "L2|b": "secondary", "L2|c": "secondary", "L2|all": "ok",
      "L3|a": "ok", "L3|b": "ok", "L3|c": "ok", "L3|all": "ok",
      "B|a": "ok", "B|b": "ok", "B|c": "ok", "B|all": "ok",
    });
    // Published: L1·all 63 → 65, L2·all 31 → 30, L3: 15, 30, 50, 95; B: 27 → 25, 62 → 60, 100, 189 → 190.
    expect(valuesOf(t.cells)).toMatchObject({ "L1|all": 65, "L2|all": 30, "L3|all": 95, "B|a": 25, "B|b": 60, "B|all": 190 });
    const rel = relationsOf(cells, structure.categoryTotals);
    expect(chainAttack(t.cells, rel)).toEqual(new Set());
    // No combination of relations pins a hidden cell either: the hidden block is L1, L2 × a, b, c, whose
    // free directions (x, y, z on L1; −x, −y, −z on L2, x + y + z = 0) move every hidden cell.
    const hidden = t.cells.filter((c) => c.value === null).map((c) => id(c.key, c.category)).sort();
    expect(determinedByFloatElimination(hidden, rel)).toEqual([]);
    expect(auditPublished(t)).toEqual([]);
  });

  it("without the second dimension declared, the category total gives L1·a back", () => {
    // Protecting areas only hides L1·a and L2·a; then L1·all − L1·b − L1·c = 63 − 20 − 40 = 3 (exact
    // figures; rounded 65 − 20 − 40 = 5 ± 6), and the audit with the real structure refuses it.
    const areasOnly = protectTable(cells, DEFAULT_POLICY, {});
    expect(areasOnly.cells.filter((c) => c.value === null).map((c) => id(c.key, c.category)).sort()).toEqual(["L1|a", "L2|a"]);
    const attacked = chainAttack(areasOnly.cells, relationsOf(cells, structure.categoryTotals));
    expect(attacked.has("L1|a")).toBe(true);
    const violations = auditPublished({ ...areasOnly, structure });
    expect(violations.filter((v) => v.rule === "single-suppression").map((v) => `${v.key}|${v.category}`).sort()).toEqual([
      "L1|a",
      "L2|a",
    ]);
  });

  it("breaks a hidden cell that bridges two blocks, which the one-step rule does not see", () => {
    // Rows r1..r4 (areas in borough B), columns c1..c4 (needs, total "all"). Counts 1..7 (primary) in
    // a 2×2 block r1–r2 × c1–c2, a 2×2 block r3–r4 × c3–c4, and r1·c3 = 4, the bridge:
    //        c1  c2  c3  c4
    //  r1     2   3   4  20
    //  r2     5   6  30  25
    //  r3    40  35   1   2
    //  r4    45  50   3   7
    // Every row and column has 0 or ≥ 2 hidden cells, so the one-step rule adds nothing. But
    // (r1 + r2 hidden row sums) − (c1 + c2 hidden column sums) = r1·c3: it is derivable.
    const grid: Record<string, number[]> = { r1: [2, 3, 4, 20], r2: [5, 6, 30, 25], r3: [40, 35, 1, 2], r4: [45, 50, 3, 7] };
    const cols = ["c1", "c2", "c3", "c4"];
    const cs: CountCell[] = [];
    const colTotals = [0, 0, 0, 0];
    for (const [r, counts] of Object.entries(grid)) {
      counts.forEach((n, j) => {
        cs.push({ key: r, parent: "B", category: cols[j]!, count: n });
        colTotals[j]! += n;
      });
      cs.push({ key: r, parent: "B", category: "all", count: counts.reduce((a, b) => a + b, 0) });
    }
    colTotals.forEach((n, j) => cs.push({ key: "B", parent: null, category: cols[j]!, count: n }));
    cs.push({ key: "B", parent: null, category: "all", count: colTotals.reduce((a, b) => a + b, 0) });
    const st = { categoryTotals: { all: cols } };
    const rel = relationsOf(cs, st.categoryTotals);

    // The one-step rule alone leaves the bridge; the audit's exact check names it, and only it.
    const oneStep = protectTable(cs, DEFAULT_POLICY, st, { exact: false });
    expect(oneStep.summary.secondary).toBe(0);
    const violations = auditPublished(oneStep);
    expect(violations.map((v) => [v.rule, v.key, v.category])).toEqual([["derivable", "r1", "c3"]]);
    const hiddenBefore = oneStep.cells.filter((c) => c.value === null).map((c) => id(c.key, c.category)).sort();
    expect(determinedByFloatElimination(hiddenBefore, rel)).toEqual(["r1|c3"]);

    // The full method hides one more: in r1·c3's first group (area c3: r1, r2, r3, r4) the only
    // published part is r2·c3 = 30. That closes a cycle r1–c3–r2–c1 through the bridge.
    const t = protectTable(cs, DEFAULT_POLICY, st);
    expect(t.cells.filter((c) => c.flag === "secondary").map((c) => id(c.key, c.category))).toEqual(["r2|c3"]);
    const hiddenAfter = t.cells.filter((c) => c.value === null).map((c) => id(c.key, c.category)).sort();
    expect(determinedByFloatElimination(hiddenAfter, rel)).toEqual([]);
    expect(auditPublished(t)).toEqual([]);
  });

  it("protects across layers: wards and the borough over the same neighbourhoods", () => {
    // L1..L4 add up to borough B (parent); wards W1 = L1 + L2 and W2 = L3 + L4, and B = W1 + W2, are
    // declared as extra area groups. L1 = 3 is primary.
    const cs: CountCell[] = [
      { key: "L1", parent: "B", category: "x", count: 3 },
      { key: "L2", parent: "B", category: "x", count: 20 },
      { key: "L3", parent: "B", category: "x", count: 9 },
      { key: "L4", parent: "B", category: "x", count: 30 },
      { key: "B", parent: null, category: "x", count: 62 },
      { key: "W1", parent: null, category: "x", count: 23 },
      { key: "W2", parent: null, category: "x", count: 39 },
    ];
    const layers = [
      { total: "W1", parts: ["L1", "L2"] },
      { total: "W2", parts: ["L3", "L4"] },
      { total: "B", parts: ["W1", "W2"] },
    ];
    const t = protectTable(cs, DEFAULT_POLICY, { areaGroups: layers });
    // area B (L1..L4): L1 alone → L3 (9, the smallest). ward W1: L1 alone → L2. ward W2: L3 alone → L4.
    expect(flagsOf(t.cells)).toEqual({
      "L1|x": "suppressed", "L2|x": "secondary", "L3|x": "secondary", "L4|x": "secondary",
      "B|x": "ok", "W1|x": "ok", "W2|x": "ok",
    });
    const extra = layers.map((g) => ({ total: id(g.total, "x"), parts: g.parts.map((k) => id(k, "x")) }));
    expect(chainAttack(t.cells, relationsOf(cs, {}, extra))).toEqual(new Set());
    expect(auditPublished(t)).toEqual([]);
    // Without the ward layer declared only L1 and L3 are hidden, and W1 − L2 = 23 − 20 = 3 = L1.
    const treeOnly = protectTable(cs);
    expect(chainAttack(treeOnly.cells, relationsOf(cs, {}, extra)).has("L1|x")).toBe(true);
  });
});

describe("auditPublished", () => {
  const cell = (key: string, value: number | null, parent: string | null = "B", category = "x") =>
    ({ key, parent, category, value });

  it("reports small, unrounded and unsafe-zero values", () => {
    const v = auditPublished({
      cells: [cell("a", 5, null), cell("b", 12, null), cell("c", 0, null), cell("d", 10, null)],
      policy: { zeroIsSafe: false },
    });
    // 5: only counts 3..7 round to it — all hidden under threshold 7. 12: not a multiple of 5.
    // 0: published, but this policy treats zeros as disclosive. 10: the rounded form of 8..12, fine.
    expect(v.map((x) => [x.rule, x.key])).toEqual([
      ["small-count", "a"],
      ["not-rounded", "b"],
      ["zero-published", "c"],
    ]);
  });

  it("accepts a threshold-10 table whose 10s come from counts of 11 or 12", () => {
    // Threshold 10, rounding 5: 10 is the rounded form of 8..12, and 11 and 12 are above the threshold,
    // so a published 10 is legitimate; 5 (from 3..7) is not.
    const policy = { threshold: 10 };
    const t = protectTable([
      { key: "A", parent: null, category: "x", count: 11 },
      { key: "A", parent: null, category: "y", count: 10 },
    ], policy);
    expect(valuesOf(t.cells)).toEqual({ "A|x": 10, "A|y": null }); // 11 → 10; 10 ≤ 10 hidden
    expect(auditPublished(t)).toEqual([]);
    expect(auditPublished({ cells: [cell("A", 5, null)], policy }).map((x) => x.rule)).toEqual(["small-count"]);
  });

  it("flags a group with one hidden cell, whether part or total", () => {
    const v = auditPublished({
      cells: [cell("B", 20, null), cell("L1", null), cell("L2", 10), cell("L3", 10)],
    });
    expect(v.filter((x) => x.rule === "single-suppression").map((x) => x.key)).toEqual(["L1"]);
    // A hidden total with every part published is just their sum.
    const w = auditPublished({ cells: [cell("B", null, null), cell("L1", 10), cell("L2", 10)] });
    expect(w.filter((x) => x.rule === "single-suppression").map((x) => [x.key, x.group])).toEqual([["B", "area x B"]]);
  });

  it("treats a cell missing from the table as a published 0", () => {
    // Category "b" has no row for A (an aggregate query drops empty groups). A reader takes it as 0,
    // so all − b = 20 − 0 gives a back: a is the only hidden member of A's category group.
    const v = auditPublished({
      cells: [cell("A", null, null, "a"), cell("A", 20, null, "all")],
      structure: { categoryTotals: { all: ["a", "b"] } },
    });
    expect(v.map((x) => x.rule)).toContain("single-suppression");
  });

  it("reports flags that disagree with values and malformed cells", () => {
    const v = auditPublished({
      cells: [
        { key: "a", parent: null, category: "x", value: 10, flag: "suppressed" },
        { key: "b", parent: null, category: "x", value: null, flag: "ok" },
        { key: "c", parent: null, category: "x", value: -5 },
        { key: "d", parent: null, category: "x", value: 12.5 },
      ],
    });
    expect(v.map((x) => [x.rule, x.key])).toEqual([
      ["invalid-cell", "a"],
      ["invalid-cell", "b"],
      ["invalid-cell", "c"],
      ["invalid-cell", "d"],
    ]);
  });

  it("works on the flagless public view", () => {
    const t = protectTable([
      { key: "B", parent: null, category: "x", count: 40 },
      { key: "L1", parent: "B", category: "x", count: 2 },
      { key: "L2", parent: "B", category: "x", count: 38 },
    ]);
    // L1 = 2 primary; L2 = 38 is the only other part → secondary; the borough total stays.
    const pub = publicCells(t);
    expect(pub).toEqual([
      { key: "B", parent: null, category: "x", value: 40 },
      { key: "L1", parent: "B", category: "x", value: null },
      { key: "L2", parent: "B", category: "x", value: null },
    ]);
    expect(auditPublished({ cells: pub, policy: t.policy, structure: t.structure })).toEqual([]);
  });
});

describe("hostile input", () => {
  it("keeps odd names intact and refuses inconsistent tables with a reason", () => {
    const odd = `St Mary's / "North" Ward — Ñ`;
    const t = protectTable([
      { key: odd, parent: null, category: "mental wellbeing, low mood", count: 12 },
      { key: "E01 0001", parent: odd, category: "mental wellbeing, low mood", count: 12 },
    ]);
    // Both 12 → 10. One child equal to its parent: nothing hidden, nothing to protect.
    expect(t.cells.map((c) => [c.key, c.category, c.value])).toEqual([
      [odd, "mental wellbeing, low mood", 10],
      ["E01 0001", "mental wellbeing, low mood", 10],
    ]);
    const base = { parent: null, category: "x" };
    expect(() => protectTable([{ key: "A", ...base, count: 1 }, { key: "A", ...base, count: 2 }])).toThrow(/duplicate/);
    expect(() =>
      protectTable([
        { key: "A", parent: "B", category: "x", count: 1 },
        { key: "A", parent: "C", category: "y", count: 1 },
      ]),
    ).toThrow(/two parents/);
    expect(() =>
      protectTable([
        { key: "A", parent: "B", category: "x", count: 1 },
        { key: "B", parent: "A", category: "x", count: 1 },
      ]),
    ).toThrow(/cycle/);
    expect(() => protectTable([{ key: "A", ...base, count: -3 }])).toThrow(/cell 1/);
    expect(() => protectTable([{ key: "", ...base, count: 3 }])).toThrow(DisclosureError);
    expect(() => protectTable([], DEFAULT_POLICY, { categoryTotals: { all: ["all", "a"] } })).toThrow(/itself/);
    expect(() => protectTable([], DEFAULT_POLICY, { categoryTotals: { all: "a" } } as unknown as TableStructure)).toThrow(
      /structure/,
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Randomised: a few hundred tables from a seeded PRNG.

interface RandomTable {
  cells: CountCell[];
  structure: TableStructure;
  totals: Record<string, string[]>;
  policy: DisclosurePolicyInput;
}

const POLICIES: DisclosurePolicyInput[] = [
  {},
  { threshold: 10 },
  { threshold: 7, rounding: 10 },
  { threshold: 3, rounding: 1 },
  { zeroIsSafe: false },
];

/**
 * A place "P" of 1–3 boroughs; each borough holds 1–6 neighbourhoods, directly or through 1–3
 * middle areas; 1–4 needs with, most of the time, an all-needs total which is sometimes less than
 * the sum (one referral, several needs). Counts lean small: a third zero, a third 1–7, the rest 8–60.
 */
function randomTable(rand: () => number): RandomTable {
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const needs = ["loneliness", "debt", "housing", "food"].slice(0, int(1, 4));
  const withAll = rand() < 0.8;
  const overlapping = withAll && rand() < 0.3;
  const categories = withAll ? [...needs, "all"] : needs;
  const parentOf = new Map<string, string | null>([["P", null]]);
  const leaves: string[] = [];
  for (let b = 0; b < int(1, 3); b++) {
    const borough = `B${b}`;
    parentOf.set(borough, "P");
    const middles = rand() < 0.4 ? Array.from({ length: int(1, 3) }, (_, m) => `${borough}M${m}`) : [borough];
    for (const m of middles) if (m !== borough) parentOf.set(m, borough);
    for (let l = 0; l < int(1, 6); l++) {
      const leaf = `${borough}L${l}`;
      parentOf.set(leaf, middles[int(0, middles.length - 1)]!);
      leaves.push(leaf);
    }
  }
  const count = new Map<string, number>();
  const add = (k: string, c: string, n: number) => count.set(id(k, c), (count.get(id(k, c)) ?? 0) + n);
  for (const leaf of leaves) {
    let sum = 0;
    let max = 0;
    for (const need of needs) {
      const r = rand();
      const n = r < 0.33 ? 0 : r < 0.66 ? int(1, 7) : int(8, 60);
      sum += n;
      max = Math.max(max, n);
      for (let at: string | null = leaf; at !== null; at = parentOf.get(at) ?? null) add(at, need, n);
    }
    if (withAll) {
      const all = overlapping ? int(max, sum) : sum;
      for (let at: string | null = leaf; at !== null; at = parentOf.get(at) ?? null) add(at, "all", all);
    }
  }
  const cells: CountCell[] = [];
  for (const [key, parent] of parentOf) {
    for (const category of categories) cells.push({ key, parent, category, count: count.get(id(key, category)) ?? 0 });
  }
  const totals: Record<string, string[]> = withAll ? { all: needs } : {};
  return { cells, structure: { categoryTotals: totals }, totals, policy: POLICIES[int(0, POLICIES.length - 1)]! };
}

describe("randomised tables (seeded)", () => {
  it("leaves nothing for the audit, the chained differencing attack or the linear check to find", () => {
    const rand = mulberry32(20240611);
    let hiddenTotal = 0;
    let secondaryTotal = 0;
    let linearFixes = 0;
    for (let i = 0; i < 400; i++) {
      const { cells, structure, totals, policy } = randomTable(rand);
      const p = parsePolicy(policy);
      const t = protectTable(cells, policy, structure);
      const where = `table ${i} (${JSON.stringify(policy)})`;

      expect(auditPublished(t), where).toEqual([]);

      // Independent checks of the same promises.
      const byId = new Map(cells.map((c) => [id(c.key, c.category), c.count]));
      for (const c of t.cells) {
        const n = byId.get(id(c.key, c.category))!;
        const small = (n >= 1 && n <= p.threshold) || (n === 0 && !p.zeroIsSafe);
        if (small) expect(c.flag, where).toBe("suppressed");
        if (c.value !== null) {
          expect(c.value, where).toBe(roundToMultiple(n, p.rounding));
          expect(c.value % p.rounding, where).toBe(0);
        }
      }
      const rel = relationsOf(cells, totals);
      expect(chainAttack(t.cells, rel), where).toEqual(new Set());
      const hidden = t.cells.filter((c) => c.value === null).map((c) => id(c.key, c.category)).sort();
      if (hidden.length <= 120) expect(determinedByFloatElimination(hidden, rel), where).toEqual([]);

      // Same table, shuffled: same answer.
      const shuffled = [...cells].sort(() => rand() - 0.5);
      expect(flagsOf(protectTable(shuffled, policy, structure).cells), where).toEqual(flagsOf(t.cells));

      hiddenTotal += hidden.length;
      secondaryTotal += t.summary.secondary;
      const oneStepOnly = protectTable(cells, policy, structure, { exact: false });
      if (oneStepOnly.summary.secondary !== t.summary.secondary) linearFixes++;
    }
    // The generator must actually exercise the rules. With this seed: 5,068 hidden cells, 1,748 of
    // them secondary, and 5 tables where the one-step rule left a derivable cell for the linear check.
    expect(hiddenTotal).toBeGreaterThan(2000);
    expect(secondaryTotal).toBeGreaterThan(300);
    expect(linearFixes).toBeGreaterThan(0);
  });

  it("agrees with an independent elimination on random hidden patterns", () => {
    // Random hidden sets (not produced by protectTable) so that derivable cells actually occur.
    const rand = mulberry32(7);
    let positives = 0;
    let compared = 0;
    for (let i = 0; i < 200; i++) {
      const { cells, structure, totals } = randomTable(rand);
      const hidden = cells.filter(() => rand() < 0.35);
      const hiddenIds = new Set(hidden.map((c) => id(c.key, c.category)));
      // The module's ids differ from ours; map through (key, category).
      const groups = additiveGroups(cells, structure);
      const SEP = "\u001f";
      const moduleHidden = new Set(hidden.map((c) => `${c.key}${SEP}${c.category}`));
      const got = derivableCells(groups, moduleHidden).map((x) => x.split(SEP).join("|")).sort();
      if (hiddenIds.size > 150) continue; // keep the dense float elimination small
      compared++;
      expect(got, `pattern ${i}`).toEqual(determinedByFloatElimination([...hiddenIds].sort(), relationsOf(cells, totals)));
      positives += got.length;
    }
    expect(compared).toBeGreaterThan(190);
    expect(positives).toBeGreaterThan(50);
  });
});
