// Checks the Workshop's model on the need stage's themes: equal sliders give the need index exactly as the engine (and so the Gaps page) computes it, sliders move it as documented, and the swing and provision behave.
import { describe, expect, it } from "vitest";
import { aggregateResult, computeNeedIndex, type ComponentInput } from "../../src/lib/need-index.ts";
import { computeScenario, defaultWeight, layerOf, prepareData, swingOf, themeKey, weightKeys, type WorkshopData } from "../../src/lib/workshop-model.ts";
import type { Layer, Scenario } from "../../src/lib/workshop-scenario.ts";
import { workshopFixture } from "./workshop-fixture.ts";

const fixture = workshopFixture(300, 11);
const data: WorkshopData = prepareData(fixture.rows, fixture.themeRows, fixture.config);
const keys = weightKeys(data);

function scenario(weights: (key: string) => number, patch: Partial<Scenario> = {}): Scenario {
  return {
    name: "A", pot: 100_000, alpha: 0.3, unit: 1, layer: "msoa", method: "gaps", group: "median", split: false,
    partners: [{ label: "P", weights: keys.map(weights) }], pace: null, floor: null, cap: null, bounds: {}, rationale: "", ...patch,
  };
}

const compute = (d: WorkshopData, sc: Scenario) => computeScenario(d, sc, keys);

/** The need stage's own computation for one theme (pipelines/need/compute.ts): the engine over the configured weights, aggregated by residents. */
function stageNeed(theme: string, layer: Layer): Float64Array {
  const t = data.themes.find((x) => x.key === theme)!;
  const inputs: ComponentInput[] = t.components.map((c) => {
    const def = data.components.find((d) => d.key === c.key)!;
    const values = data.values.get(c.key) ?? data.themeValues.get(theme)!.get(c.key)!;
    return { key: c.key, label: def.label, weight: c.weight, direction: def.direction, method: def.method, values, nationalN: def.source === "iod" ? 33755 : undefined };
  });
  const result = computeNeedIndex(inputs, data.n);
  if (layer === "lsoa") return result.score;
  const area = layerOf(data, layer);
  return aggregateResult(result, area.lsoaArea, data.population, area.codes.length).score;
}

describe("workshop model", () => {
  it("offers every need-side component the themes use and every theme, with the Gaps page's defaults", () => {
    expect(keys).toContain("imd_rank");
    expect(keys).toContain("unmet_per_1000");
    expect(keys).not.toContain("grant_per_head"); // provision is not a need weight
    expect(keys.filter((k) => k.startsWith("theme:"))).toHaveLength(data.themes.length);
    expect(keys.map(defaultWeight).filter((w) => w === 100)).toEqual([100]); // all needs only
  });

  it("with equal component sliders each theme's need is the need stage's index exactly, on LSOAs and on coarser layers", () => {
    for (const layer of ["lsoa", "msoa", "lad"] as const) {
      for (const theme of ["all", "loneliness", "housing"]) {
        const r = compute(data, scenario((k) => (k.startsWith("theme:") ? (k === themeKey(theme) ? 100 : 0) : 37), { layer }));
        const expected = stageNeed(theme, layer);
        expect(r.themes).toHaveLength(1);
        r.themes[0].need.forEach((v, a) => expect(v).toBeCloseTo(expected[a], 9));
      }
    }
  });

  it("a component slider at 0 leaves the component out; raising it moves need towards it; themes blend by weight", () => {
    const base = compute(data, scenario((k) => (k === themeKey("all") ? 100 : k.startsWith("theme:") ? 0 : 50), { layer: "lsoa" }));
    const imdOnly = compute(data, scenario((k) => (k === themeKey("all") ? 100 : k === "imd_rank" ? 50 : k.startsWith("theme:") ? 0 : 0), { layer: "lsoa" }));
    const imd = stageNeed("all", "lsoa"); // not equal: the referral components are gone
    expect(Array.from(imdOnly.need).some((v, i) => Math.abs(v - imd[i]) > 1e-6)).toBe(true);
    // IMD alone on the Gaps page's national percentile scale: 100·(N + 1 − rank)/N.
    imdOnly.need.forEach((v, i) => expect(v).toBeCloseTo((100 * (33756 - Number(fixture.rows[i].imd_rank))) / 33755, 9));
    const both = compute(data, scenario((k) => (k === themeKey("all") || k === themeKey("loneliness") ? 50 : k.startsWith("theme:") ? 0 : 50), { layer: "lsoa" }));
    const lonely = stageNeed("loneliness", "lsoa");
    both.need.forEach((v, i) => expect(v).toBeCloseTo((base.need[i] + lonely[i]) / 2, 9));
  });

  it("splits the pot by theme when asked, each theme's money adding up to its share", () => {
    const r = compute(data, scenario((k) => (k === themeKey("all") ? 60 : k === themeKey("housing") ? 40 : k.startsWith("theme:") ? 0 : 50), { split: true }));
    // Each area's amount is broken down by theme to the pound, so a theme's total is its share to within a pound per area.
    expect(r.allocation.themes.map((t) => t.key)).toEqual(["all", "housing"]);
    expect(Math.abs(r.allocation.themes[0].total - 60_000)).toBeLessThanOrEqual(r.area.codes.length);
    expect(r.allocation.themes[0].total + r.allocation.themes[1].total).toBe(100_000);
    expect(r.allocation.amount.reduce((s, x) => s + x, 0)).toBe(100_000);
  });

  it("refuses a scenario with no theme in play, in words", () => {
    expect(() => compute(data, scenario((k) => (k.startsWith("theme:") ? 0 : 50)))).toThrowError(/no theme has any weight/);
  });

  it("counts the need stage's provision as money already there: better-provided areas get less at full pace", () => {
    const r = compute(data, scenario((k) => defaultWeight(k), { layer: "lsoa", pace: 1 }));
    const p = data.provision.get("all")!;
    expect(r.provision!.fromMoney).toBe(true);
    const money = fixture.rows.reduce((s, x) => s + x.spend_all, 0);
    expect(r.provision!.current.reduce((s, x) => s + x, 0)).toBeCloseTo(money, 6);
    // Among LSOAs with the same need rank band, the best-provided tenth gets less per head than the least provided tenth.
    const order = Array.from(p.keys()).sort((a, b) => p[a] - p[b]);
    const perHead = (i: number) => r.allocation.amount[i] / r.area.population[i];
    const tenth = Math.floor(order.length / 10);
    const mean = (ix: number[]) => ix.reduce((s, i) => s + perHead(i), 0) / ix.length;
    expect(mean(order.slice(0, tenth))).toBeGreaterThan(mean(order.slice(-tenth)));
  });

  it("finds where partners' weightings pull the money, apart from the scenario; identical partners do not swing", () => {
    const same = scenario(defaultWeight);
    same.partners = [same.partners[0], { ...same.partners[0], label: "Q" }];
    const r = compute(data, same);
    expect(swingOf(data, same, keys, r).swing[0].range).toBe(0);
    const differ = scenario(defaultWeight);
    differ.partners.push({ label: "Housing first", weights: keys.map((k) => (k === themeKey("housing") ? 100 : k.startsWith("theme:") ? 0 : 50)) });
    const s = swingOf(data, differ, keys, compute(data, differ)).swing;
    expect(s).toHaveLength(10);
    expect(s[0].range).toBeGreaterThan(0);
    expect([s[0].minPartner, s[0].maxPartner].sort()).toEqual(["Housing first", "P"]);
  });

  it("gives the same output for the same inputs", () => {
    const a = compute(data, scenario(defaultWeight, { pace: 0.5, layer: "ward" }));
    const b = compute(prepareData(fixture.rows, fixture.themeRows, fixture.config), scenario(defaultWeight, { pace: 0.5, layer: "ward" }));
    expect(Array.from(a.allocation.amount)).toEqual(Array.from(b.allocation.amount));
  });
});
