// The Workshop's live recomputation on the need stage's own themes and components: group weights → each theme's need index (the need-index engine, as the Gaps page) → areas → allocation → equity preview; the partners' swing apart (pure, browser-safe).
//
// Weights. Every partner sets one weight per need component (0–100; 50 = the weight the need stage gives it, so equal
// sliders reproduce the Gaps page's need index exactly; 100 doubles it, 0 leaves it out of every theme) and one per need
// theme (0–100; the themes in play and how much each counts). A theme's need for an area is the engine's weighted
// mean of the theme's standardised components with weight (configured weight × the component's slider).
// Without a theme split, an area's need is the theme-weighted mean of its themes' need; with a split, each theme's
// share of the pot follows that theme's own need.
//
// Speed: the standardised components are computed once per theme and scale, and their resident-weighted sums per area
// once per layer (the need stage's aggregation); a weight change then only recombines areas × components, allocates
// and ranks the areas. The partners' swing (one allocation per partner) is a separate call the page defers.
import { combine, prepareComponents, rankDescending, type ComponentInput, type Direction, type Standardisation } from "./need-index.js";
import { allocate, AllocationError, type AllocationResult, type ThemeSplit } from "./allocation.js";
import { groupWeights, shareSwing, weightSpread, type AreaSwing, type ComponentSpread, type Partner } from "./partner-weights.js";
import { concentrationIndex, core20Share, decileGroups, spendPerHeadByDecile, type DecileSpend } from "./equity.js";
import type { Layer, Method, Scenario } from "./workshop-scenario.js";

/** A need component as the need stage defines it (need-themes.ts), published in workshop-meta.json. */
export interface NeedComponent {
  key: string;
  label: string;
  description?: string;
  source: string;
  direction: Direction;
  method: Standardisation;
}

/** A need theme and its need-side components with the weights the need stage used (need_component). */
export interface NeedTheme {
  key: string;
  label: string;
  components: readonly { key: string; weight: number }[];
}

export interface NeedConfig {
  themes: readonly NeedTheme[];
  components: readonly NeedComponent[];
  /** LSOAs ranked nationally (33,755). */
  nationalN: number;
}

/** One row per LSOA as the page receives it (workshop-lsoa.arrow), plus one number column per theme-independent component. */
export interface LsoaRow {
  code: string;
  name: string;
  msoa: string;
  msoa_name: string;
  ward: string;
  ward_name: string;
  pcn?: string | null;
  pcn_name?: string | null;
  lad: string;
  lad_name: string;
  partnership: string;
  neighbourhood?: string | null;
  neighbourhood_name?: string | null;
  population: number;
  imd_decile: number;
  spend_last: number;
  spend_all: number;
  [component: string]: string | number | null | undefined;
}

/** One row per LSOA and theme (workshop-theme.arrow): `lsoa` indexes the LSOA rows; referral components; the need stage's provision index. */
export interface ThemeRow {
  lsoa: number;
  theme: string;
  provision_score: number | null;
  [component: string]: string | number | null;
}

export const SLIDER_DEFAULT = 50;
export const themeKey = (key: string): string => `theme:${key}`;
export const isThemeKey = (key: string): boolean => key.startsWith("theme:");

export interface AreaLayer {
  codes: string[];
  names: string[];
  /** LSOA i belongs to area lsoaArea[i] (−1: none, e.g. an LSOA outside every custom neighbourhood). */
  lsoaArea: Int32Array;
  population: Float64Array;
  /** Chest money already located in the area (all rounds), £. */
  money: Float64Array;
}

interface ThemeMatrix {
  /** Column j is component cols[j] (index into data.components). */
  cols: Int32Array;
  /** Configured weight per column. */
  base: Float64Array;
  /** Standardised values, LSOA-major (n × k). */
  matrix: Float64Array;
}

export interface WorkshopData {
  n: number;
  rows: readonly LsoaRow[];
  population: Float64Array;
  imdDecile: Int32Array;
  config: NeedConfig;
  /** Components offered as sliders (every component some theme uses), in the need stage's order. */
  components: readonly NeedComponent[];
  themes: readonly NeedTheme[];
  /** Values per component key per LSOA (NaN = missing); referral components per theme. */
  values: Map<string, Float64Array>;
  themeValues: Map<string, Map<string, Float64Array>>;
  /** The need stage's provision index per theme per LSOA (0–100, NaN = none). */
  provision: Map<string, Float64Array>;
  layers: Map<Layer, AreaLayer>;
  matrices: Map<string, ThemeMatrix>;
  areaMatrices: Map<string, Float64Array>;
  provisionSums: Map<string, Float64Array>;
}

const num = (v: unknown): number => (v === null || v === undefined || v === "" ? NaN : Number(v));

export function prepareData(rows: readonly LsoaRow[], themeRows: readonly ThemeRow[], config: NeedConfig): WorkshopData {
  const n = rows.length;
  const components = config.components;
  const values = new Map<string, Float64Array>();
  const themeValues = new Map<string, Map<string, Float64Array>>();
  const provision = new Map<string, Float64Array>();
  const perTheme = components.filter((c) => c.source === "referral");
  for (const c of components) if (!perTheme.includes(c)) values.set(c.key, Float64Array.from(rows, (r) => num(r[c.key])));
  for (const t of config.themes) {
    themeValues.set(t.key, new Map(perTheme.map((c) => [c.key, new Float64Array(n).fill(NaN)])));
    provision.set(t.key, new Float64Array(n).fill(NaN));
  }
  for (const r of themeRows) {
    const tv = themeValues.get(r.theme);
    if (!tv || !(r.lsoa >= 0 && r.lsoa < n)) continue;
    for (const [key, arr] of tv) arr[r.lsoa] = num(r[key]);
    provision.get(r.theme)![r.lsoa] = num(r.provision_score);
  }
  return {
    n,
    rows,
    population: Float64Array.from(rows, (r) => Number(r.population) || 0),
    imdDecile: Int32Array.from(rows, (r) => Number(r.imd_decile) || 0),
    config,
    components,
    themes: config.themes,
    values,
    themeValues,
    provision,
    layers: new Map(),
    matrices: new Map(),
    areaMatrices: new Map(),
    provisionSums: new Map(),
  };
}

/** Slider keys: the components, then the themes as "theme:<key>". */
export const weightKeys = (data: WorkshopData): string[] => [...data.components.map((c) => c.key), ...data.themes.map((t) => themeKey(t.key))];
/** Default slider value: components 50 (as the need stage weighs them), the all-needs theme 100, other themes 0. */
export const defaultWeight = (key: string): number => (isThemeKey(key) ? (key === themeKey("all") ? 100 : 0) : SLIDER_DEFAULT);
export function weightLabel(data: WorkshopData, key: string): string {
  if (isThemeKey(key)) return `Theme: ${data.themes.find((t) => themeKey(t.key) === key)?.label ?? key.slice(6)}`;
  return data.components.find((c) => c.key === key)?.label ?? key;
}

const layerFields: Record<Layer, [code: keyof LsoaRow, name: keyof LsoaRow]> = {
  lsoa: ["code", "name"],
  msoa: ["msoa", "msoa_name"],
  ward: ["ward", "ward_name"],
  pcn: ["pcn", "pcn_name"],
  lad: ["lad", "lad_name"],
  partnership: ["partnership", "partnership"],
  neighbourhood: ["neighbourhood", "neighbourhood_name"],
};

/** Whether the data has the layer at all (PCNs need located practices; custom neighbourhoods an ingested file). */
export const hasLayer = (data: WorkshopData, layer: Layer): boolean => data.rows.some((r) => r[layerFields[layer][0]] != null && r[layerFields[layer][0]] !== "");

/** The areas of a layer and which LSOAs they hold (cached on the data). */
export function layerOf(data: WorkshopData, layer: Layer): AreaLayer {
  const cached = data.layers.get(layer);
  if (cached) return cached;
  const [codeField, nameField] = layerFields[layer];
  const index = new Map<string, number>();
  const codes: string[] = [];
  const names: string[] = [];
  const lsoaArea = new Int32Array(data.n).fill(-1);
  data.rows.forEach((r, i) => {
    const raw = r[codeField];
    if (raw == null || raw === "") return;
    const code = String(raw);
    let a = index.get(code);
    if (a === undefined) {
      a = codes.length;
      index.set(code, a);
      codes.push(code);
      names.push(String(r[nameField] ?? code));
    }
    lsoaArea[i] = a;
  });
  const population = new Float64Array(codes.length);
  const money = new Float64Array(codes.length);
  data.rows.forEach((r, i) => {
    if (lsoaArea[i] < 0) return;
    population[lsoaArea[i]] += data.population[i];
    money[lsoaArea[i]] += Number(r.spend_all) || 0;
  });
  const out = { codes, names, lsoaArea, population, money };
  data.layers.set(layer, out);
  return out;
}

/** How a method standardises a component: "gaps" = the component's own scale, as on the Gaps page; the others apply to every component. */
function scaleOf(c: NeedComponent, method: Method, nationalN: number): { method: Standardisation; nationalN?: number } {
  const national = c.source === "iod" ? nationalN : undefined;
  if (method === "gaps") return { method: c.method, nationalN: c.method === "national_rank" || c.method === "exponential" ? national : undefined };
  if (method === "exponential") return { method: "exponential", nationalN: national };
  return { method };
}

/** A theme's standardised components (LSOA-major) under a method, by the need-index engine, computed once. */
export function themeMatrix(data: WorkshopData, theme: NeedTheme, method: Method): ThemeMatrix {
  const cacheKey = `${method}|${theme.key}`;
  const cached = data.matrices.get(cacheKey);
  if (cached) return cached;
  const list = theme.components.filter((c) => data.components.some((d) => d.key === c.key));
  const inputs: ComponentInput[] = list.map((c) => {
    const def = data.components.find((d) => d.key === c.key)!;
    const values = data.values.get(c.key) ?? data.themeValues.get(theme.key)?.get(c.key) ?? new Float64Array(data.n).fill(NaN);
    return { key: c.key, label: def.label, weight: 1, direction: def.direction, values, ...scaleOf(def, method, data.config.nationalN) };
  });
  const { matrix } = prepareComponents(inputs, data.n);
  const out = {
    cols: Int32Array.from(list, (c) => data.components.findIndex((d) => d.key === c.key)),
    base: Float64Array.from(list, (c) => c.weight),
    matrix,
  };
  data.matrices.set(cacheKey, out);
  return out;
}

/** The theme's components per area of a layer: resident-weighted means over the LSOAs where present (the need stage's aggregation), computed once. */
export function areaMatrix(data: WorkshopData, area: AreaLayer, layer: Layer, theme: NeedTheme, method: Method): Float64Array {
  const tm = themeMatrix(data, theme, method);
  if (layer === "lsoa") return tm.matrix;
  const cacheKey = `${layer}|${method}|${theme.key}`;
  const cached = data.areaMatrices.get(cacheKey);
  if (cached) return cached;
  const k = tm.cols.length;
  const groups = area.codes.length;
  const sums = new Float64Array(groups * k);
  const totals = new Float64Array(groups * k);
  for (let i = 0; i < data.n; i++) {
    const g = area.lsoaArea[i];
    if (g < 0) continue;
    const w = data.population[i];
    for (let j = 0; j < k; j++) {
      const v = tm.matrix[i * k + j];
      if (v === v) {
        sums[g * k + j] += w * v;
        totals[g * k + j] += w;
      }
    }
  }
  for (let x = 0; x < groups * k; x++) sums[x] = totals[x] > 0 ? sums[x] / totals[x] : NaN;
  data.areaMatrices.set(cacheKey, sums);
  return sums;
}

/** Σ residents × the need stage's provision index per area for a theme (computed once). */
function provisionSum(data: WorkshopData, area: AreaLayer, layer: Layer, theme: string): Float64Array {
  const cacheKey = `${layer}|${theme}`;
  const cached = data.provisionSums.get(cacheKey);
  if (cached) return cached;
  const p = data.provision.get(theme);
  const out = new Float64Array(area.codes.length);
  if (p) for (let i = 0; i < data.n; i++) if (area.lsoaArea[i] >= 0 && p[i] === p[i]) out[area.lsoaArea[i]] += data.population[i] * p[i];
  data.provisionSums.set(cacheKey, out);
  return out;
}

/** One theme's need per area under slider weights: the engine's combine over the theme's components, each weighted configured weight × slider. */
export interface ThemeNeed {
  key: string;
  label: string;
  /** The theme's slider weight (its share when the pot is split). */
  share: number;
  need: Float64Array;
  matrix: Float64Array;
  cols: Int32Array;
  weights: Float64Array;
}

function themeNeeds(data: WorkshopData, area: AreaLayer, layer: Layer, method: Method, w: Record<string, number>): ThemeNeed[] {
  const out: ThemeNeed[] = [];
  for (const t of data.themes) {
    const share = w[themeKey(t.key)] ?? 0;
    if (!(share > 0)) continue;
    const tm = themeMatrix(data, t, method);
    const weights = Float64Array.from(tm.cols, (c, j) => tm.base[j] * (w[data.components[c].key] ?? 0));
    const matrix = areaMatrix(data, area, layer, t, method);
    out.push({ key: t.key, label: t.label, share, need: combine(matrix, weights, area.codes.length, tm.cols.length), matrix, cols: tm.cols, weights });
  }
  return out;
}

/** The theme-weighted mean of the themes' need per area (missing themes left out; no need at all → 0). */
function blendNeed(themes: readonly ThemeNeed[], groups: number): Float64Array {
  const out = new Float64Array(groups);
  for (let a = 0; a < groups; a++) {
    let s = 0;
    let w = 0;
    for (const t of themes) {
      const v = t.need[a];
      if (v === v) {
        s += t.share * v;
        w += t.share;
      }
    }
    out[a] = w > 0 ? Math.max(0, s / w) : 0;
  }
  return out;
}

/**
 * Provision already there per area, in pounds, for the gap-led adjustment: the need stage's provision index for the themes
 * in play (resident-weighted, theme-weighted) shares out the chest money already located in the place — or, before any
 * grant, an amount equal to the pot — so that better-provided areas count as holding more. Zero everywhere when no
 * provision was measured.
 */
export function currentProvision(data: WorkshopData, area: AreaLayer, layer: Layer, themes: readonly ThemeNeed[], pot: number): { current: Float64Array; basis: number; fromMoney: boolean } {
  const groups = area.codes.length;
  const current = new Float64Array(groups);
  const shareTotal = themes.reduce((s, t) => s + t.share, 0);
  for (const t of themes) {
    const sums = provisionSum(data, area, layer, t.key);
    for (let a = 0; a < groups; a++) current[a] += (t.share / shareTotal) * sums[a];
  }
  let total = 0;
  for (let a = 0; a < groups; a++) total += current[a];
  let money = 0;
  for (let a = 0; a < groups; a++) money += area.money[a];
  const basis = money > 0 ? money : pot;
  if (total > 0) for (let a = 0; a < groups; a++) current[a] = (basis * current[a]) / total;
  return { current, basis: total > 0 ? basis : 0, fromMoney: money > 0 };
}

export interface EquityPreview {
  spend: number;
  deciles: DecileSpend[];
  core20: ReturnType<typeof core20Share>;
  concentrationIndex: number | null;
}

/** Spend per head by national IMD decile, Core20 share and concentration index of an allocation, each area's money spread over its LSOAs by residents. */
export function equityPreview(data: WorkshopData, area: AreaLayer, amount: ArrayLike<number>): EquityPreview {
  const pop = new Float64Array(10);
  const spend = new Float64Array(10);
  for (let i = 0; i < data.n; i++) {
    const d = data.imdDecile[i];
    if (!(d >= 1 && d <= 10)) continue;
    pop[d - 1] += data.population[i];
    const a = area.lsoaArea[i];
    if (a >= 0 && area.population[a] > 0) spend[d - 1] += (amount[a] * data.population[i]) / area.population[a];
  }
  const rows = Array.from(pop, (p, k) => ({ decile: k + 1, population: p, spend: spend[k] }));
  const total = spend.reduce((s, x) => s + x, 0);
  return { spend: total, deciles: spendPerHeadByDecile(rows), core20: core20Share(rows), concentrationIndex: total > 0 ? concentrationIndex(decileGroups(rows)) : null };
}

export interface ScenarioResult {
  keys: string[];
  group: Record<string, number>;
  spread: ComponentSpread[];
  area: AreaLayer;
  /** Need per area under the group's weights (theme-weighted mean of the themes in play; higher = more need). */
  need: Float64Array;
  rank: Int32Array;
  allocation: AllocationResult;
  equity: EquityPreview;
  themes: ThemeNeed[];
  /** Provision already there (£ per area) when the gap-led adjustment is on, and what it was scaled to. */
  provision: { current: Float64Array; basis: number; fromMoney: boolean } | null;
  /** Milliseconds for the scenario. */
  ms: { scenario: number };
}

const partnersOf = (scenario: Scenario, keys: readonly string[]): Partner[] =>
  scenario.partners.map((p) => ({ label: p.label, weights: Object.fromEntries(keys.map((k, j) => [k, p.weights[j]])) }));

/** Allocation for one set of weights (group or one partner's). */
function allocateFor(data: WorkshopData, scenario: Scenario, area: AreaLayer, w: Record<string, number>) {
  const themes = themeNeeds(data, area, scenario.layer, scenario.method, w);
  if (!themes.length) throw new AllocationError("no theme has any weight: give at least one theme a weight above 0");
  const groups = area.codes.length;
  const need = themes.length ? blendNeed(themes, groups) : new Float64Array(groups);
  const provision = scenario.pace === null ? null : currentProvision(data, area, scenario.layer, themes, scenario.pot);
  const split: ThemeSplit[] | undefined =
    scenario.split && themes.length
      ? themes.map((t) => ({ key: t.key, label: t.label, share: t.share, need: t.need.map((v) => (v === v && v > 0 ? v : 0)) }))
      : undefined;
  const allocation = allocate(
    { ids: area.codes, population: area.population, need, themes: split },
    {
      pot: scenario.pot,
      alpha: scenario.alpha,
      unit: scenario.unit,
      gap: provision ? { current: provision.current, pace: scenario.pace! } : null,
      floor: scenario.floor ?? undefined,
      cap: scenario.cap ?? undefined,
      bounds: scenario.bounds,
    },
  );
  return { need, themes, allocation, provision };
}

/** Everything the page shows for a scenario but the partners' swing (swingOf). Throws AllocationError when the scenario is infeasible. */
export function computeScenario(data: WorkshopData, scenario: Scenario, keys: readonly string[]): ScenarioResult {
  const t0 = performance.now();
  const partners = partnersOf(scenario, keys);
  const group = groupWeights(partners, keys, scenario.group);
  const area = layerOf(data, scenario.layer);
  const { need, themes, allocation, provision } = allocateFor(data, scenario, area, group);
  const rank = rankDescending(need);
  const equity = equityPreview(data, area, allocation.amount);
  const spread = weightSpread(partners, keys.filter((k) => !isThemeKey(k)));
  return { keys: [...keys], group, spread, area, need, rank, allocation, equity, themes, provision, ms: { scenario: performance.now() - t0 } };
}

/** Which areas' shares swing most across the partners' own weightings (each partner's weights alone), top `top`; the page runs it after the scenario. */
export function swingOf(data: WorkshopData, scenario: Scenario, keys: readonly string[], result: ScenarioResult, top = 10): { swing: AreaSwing[]; ms: number } {
  const t0 = performance.now();
  const partners = partnersOf(scenario, keys);
  if (partners.length < 2) return { swing: [], ms: 0 };
  const shares = partners.map((p) => {
    try {
      return allocateFor(data, scenario, result.area, p.weights).allocation.share;
    } catch {
      return result.allocation.share; // a partner's weights that make the scenario infeasible show no swing of their own
    }
  });
  return { swing: shareSwing(shares, result.area.codes, partners.map((p) => p.label), top), ms: performance.now() - t0 };
}
