// The cross-layer publish gate on small generated geographies: crossing layers refused, the ward − MSOA attack with rounding intervals found, nested trees pass.
import { describe, expect, it } from "vitest";
import { IntegrityError } from "../../pipelines/errors.ts";
import { DEFAULT_POLICY, DisclosureError } from "../../pipelines/publish/disclosure.ts";
import { checkNesting, countInterval, crossLayerAttack, gateAreaTable, type GeoLayer, type LayerCell } from "../../pipelines/publish/gate.ts";

const layer = (name: string, areas: Record<string, string[]>): GeoLayer => ({ layer: name, areas: new Map(Object.entries(areas)) });
// Eight LSOAs a..h in one borough: MSOAs {a,b,c,d} {e,f,g,h}; wards {a,b,c} {d,e,f,g,h}: the ward and MSOA differ by LSOA d.
const msoa = layer("msoa", { M1: ["a", "b", "c", "d"], M2: ["e", "f", "g", "h"] });
const ward = layer("ward", { W1: ["a", "b", "c"], W2: ["d", "e", "f", "g", "h"] });
const lad = layer("lad", { B: ["a", "b", "c", "d", "e", "f", "g", "h"] });
const lsoa = layer("lsoa", Object.fromEntries("abcdefgh".split("").map((l) => [l, [l]])));
const truthOf = (counts: Record<string, number>) => (_: string, group: readonly string[]) => group.reduce((s, l) => s + (counts[l] ?? 0), 0);

describe("countInterval", () => {
  it("gives the counts a published figure can come from, with rounding to 5 halves up", () => {
    expect(countInterval(0, "ok", DEFAULT_POLICY)).toEqual([0, 0]);
    expect(countInterval(10, "ok", DEFAULT_POLICY)).toEqual([8, 12]); // 8 → 10 … 12 → 10; 13 → 15
    expect(countInterval(25, "ok", DEFAULT_POLICY)).toEqual([23, 27]);
    expect(countInterval(null, "suppressed", DEFAULT_POLICY)).toEqual([1, 7]);
    expect(countInterval(null, "secondary", DEFAULT_POLICY)).toEqual([0, Infinity]);
  });
});

describe("checkNesting", () => {
  it("refuses wards with MSOAs, naming two crossing areas", () => {
    expect(() => checkNesting([msoa, ward, lad])).toThrow(DisclosureError);
    expect(() => checkNesting([msoa, ward, lad])).toThrow(/msoa and ward layers cross.*msoa M1 lies in wards W1 and W2/);
  });
  it("accepts a nested tree: LSOA → MSOA → borough, or LSOA → ward → borough", () => {
    expect(() => checkNesting([lsoa, msoa, lad])).not.toThrow();
    expect(() => checkNesting([lsoa, ward, lad])).not.toThrow();
  });
});

describe("crossLayerAttack", () => {
  const cells = (values: Record<string, [number | null, "ok" | "suppressed" | "secondary"]>): LayerCell[] =>
    Object.entries(values).map(([id, [value, flag]]) => {
      const [l, code] = id.split(":");
      return { layer: l!, code: code!, category: "referrals|2024/25|family", value, flag };
    });

  it("finds MSOA − ward = one LSOA narrowed to 0–4 when both publish 10 (the issue's family-support case, true 2)", () => {
    const v = crossLayerAttack(cells({ "msoa:M1": [10, "ok"], "ward:W1": [10, "ok"], "msoa:M2": [20, "ok"], "ward:W2": [20, "ok"], "lad:B": [30, "ok"] }), [msoa, ward, lad], DEFAULT_POLICY, truthOf({ a: 3, b: 3, c: 2, d: 2, e: 20 }));
    expect(v.find((x) => x.attack === "msoa M1 − ward W1")).toMatchObject({ rule: "narrowed-small", lsoas: ["d"], lo: 0, hi: 4 });
  });

  it("finds an LSOA bounded to 1–7 when a hidden small MSOA contains a ward published as 0", () => {
    const v = crossLayerAttack(cells({ "msoa:M1": [null, "suppressed"], "ward:W1": [0, "ok"] }), [msoa, ward], DEFAULT_POLICY);
    expect(v).toEqual([expect.objectContaining({ rule: "bounded-small", lsoas: ["d"], lo: 1, hi: 7 })]);
  });

  it("finds nothing when the true count of the narrowed group is 0, or the range is wide", () => {
    const c = cells({ "msoa:M1": [10, "ok"], "ward:W1": [10, "ok"] });
    expect(crossLayerAttack(c, [msoa, ward], DEFAULT_POLICY, truthOf({ a: 10 }))).toEqual([]);
    expect(crossLayerAttack(cells({ "msoa:M1": [20, "ok"], "ward:W1": [10, "ok"] }), [msoa, ward], DEFAULT_POLICY, truthOf({ d: 10 }))).toEqual([]);
  });

  it("finds nothing in a nested tree, whatever the figures (every difference is a union of published areas)", () => {
    const c = cells({ "msoa:M1": [null, "suppressed"], "msoa:M2": [0, "ok"], "lad:B": [null, "suppressed"], "lsoa:a": [0, "ok"], "lsoa:b": [0, "ok"] });
    expect(crossLayerAttack(c, [lsoa, msoa, lad], DEFAULT_POLICY, truthOf({ c: 3 }))).toEqual([]);
  });

  it("treats areas with the same LSOAs in two layers as one, so a hidden ward gets its published twin's range", () => {
    const twin = layer("ward", { W1: ["a", "b", "c", "d"], W2: ["e", "f", "g", "h"] });
    const inner = layer("lsoa", { a: ["a"], b: ["b"], c: ["c"] });
    // MSOA M1 hidden (to protect another) but its twin ward W1 is published 10; LSOAs a, b, c published 0 ⇒ d is 8–12, not small.
    const c = cells({ "msoa:M1": [null, "secondary"], "ward:W1": [10, "ok"], "lsoa:a": [0, "ok"], "lsoa:b": [0, "ok"], "lsoa:c": [0, "ok"] });
    expect(crossLayerAttack(c, [msoa, twin, inner], DEFAULT_POLICY, truthOf({ d: 9 }))).toEqual([]);
    // Had W1 been published 0, d would be exactly 0: a published zero is safe.
    const zero = cells({ "msoa:M1": [null, "secondary"], "ward:W1": [0, "ok"], "lsoa:a": [0, "ok"] });
    expect(crossLayerAttack(zero, [msoa, twin, inner], DEFAULT_POLICY, truthOf({}))).toEqual([]);
  });
});

describe("gateAreaTable", () => {
  const cellsFor = (areas: GeoLayer[], counts: Record<string, number>) =>
    areas.flatMap((l) => [...l.areas].map(([key, lsoas]) => ({ key, parent: null, category: "all", count: lsoas.reduce((s, x) => s + (counts[x] ?? 0), 0) })));

  it("refuses crossing layers with IntegrityError naming the output", () => {
    expect(() => gateAreaTable({ cells: cellsFor([msoa, ward], { a: 9 }), policy: {}, structure: {}, layers: [msoa, ward], what: "outcomes" })).toThrow(IntegrityError);
    expect(() => gateAreaTable({ cells: cellsFor([msoa, ward], { a: 9 }), policy: {}, structure: {}, layers: [msoa, ward], what: "outcomes" })).toThrow(/^outcomes: disclosure control failed, nothing published: the msoa and ward layers cross/);
  });

  it("protects a nested table (secondary suppression across the tree) and returns it", () => {
    const cells = [
      ...[...msoa.areas].map(([key, l]) => ({ key, parent: "B", category: "all", count: l.length === 4 && key === "M1" ? 3 : 40 })),
      { key: "B", parent: null, category: "all", count: 43 },
    ];
    const t = gateAreaTable({ cells, policy: {}, structure: {}, layers: [msoa, lad], what: "test" });
    expect(t.cells.map((c) => [c.key, c.value, c.flag])).toEqual([
      ["M1", null, "suppressed"],
      ["M2", null, "secondary"],
      ["B", 45, "ok"],
    ]);
  });
});
