// The Workshop's live recomputation: group weights → need index (the need-index engine) → areas → allocation → equity preview and partners' swing, fast enough to run on every slider move (pure, browser-safe).
import { combine, prepareComponents, rankDescending, type ComponentInput } from "./need-index.js";
import { allocate, type AllocationResult, type ThemeSplit } from "./allocation.js";
import { groupWeights, shareSwing, weightSpread, type AreaSwing, type ComponentSpread, type Partner } from "./partner-weights.js";
import { concentrationIndex, core20Share, decileGroups, spendPerHeadByDecile, type DecileSpend } from "./equity.js";
import type { Layer, Method, Scenario } from "./workshop-scenario.js";

/**
 * The need components the Workshop offers: the seven IoD2025 domain ranks (1 = most deprived of 33,755 LSOAs), so "lower" =
 * more need. (IDACI and IDAOPI ranks are empty in the File 7 copy the build reads, so they are not offered.)
 */
export const COMPONENTS: readonly { key: string; label: string }[] = [
  { key: "income", label: "Income" },
  { key: "employment", label: "Employment" },
  { key: "education", label: "Education and skills" },
  { key: "health", label: "Health and disability" },
  { key: "crime", label: "Crime" },
  { key: "barriers", label: "Barriers to housing and services" },
  { key: "living_env", label: "Living environment" },
];

/** Default component weights: the IMD's domain weights (22.5, 22.5, 13.5, 13.5, 9.3, 9.3, 9.3%) doubled and rounded to whole slider steps. */
export const DEFAULT_WEIGHTS: Readonly<Record<string, number>> = { income: 45, employment: 45, education: 27, health: 27, crime: 19, barriers: 19, living_env: 19 };

/**
 * Themes a pot can be split by, each with the IoD components that bear on it (relative weights). A theme's need is the
 * need index over its components, each weighted by the theme's weight × the group's weight for that component.
 * IoD-only stand-ins, after the need stage's documented theme defaults, until its per-theme need is published.
 */
export const THEMES: readonly { key: string; label: string; components: Readonly<Record<string, number>> }[] = [
  { key: "cost_of_living", label: "Cost of living and debt", components: { income: 40, employment: 20 } },
  { key: "loneliness", label: "Loneliness and isolation", components: { health: 20, barriers: 10 } },
  { key: "mental_wellbeing", label: "Mental wellbeing", components: { health: 1 } },
  { key: "employment", label: "Employment and skills", components: { employment: 40, education: 20 } },
  { key: "family_support", label: "Family support", components: { education: 20, income: 20 } },
  { key: "housing", label: "Housing", components: { barriers: 1 } },
];

export const themeKey = (key: string): string => `theme:${key}`;
export const weightKeys = (): string[] => [...COMPONENTS.map((c) => c.key), ...THEMES.map((t) => themeKey(t.key))];
export const weightLabel = (key: string): string =>
  COMPONENTS.find((c) => c.key === key)?.label ?? `Theme: ${THEMES.find((t) => themeKey(t.key) === key)?.label ?? key}`;

/** One row per LSOA as the page receives it (workshop-lsoa.arrow). */
export interface LsoaRow {
  code: string;
  name: string;
  msoa: string;
  msoa_name: string;
  ward: string;
  ward_name: string;
  lad: string;
  lad_name: string;
  partnership: string;
  population: number;
  imd_decile: number;
  spend_last: number;
  spend_all: number;
  [rank: string]: string | number;
}

export interface AreaLayer {
  codes: string[];
  names: string[];
  /** LSOA i belongs to area lsoaArea[i]. */
  lsoaArea: Int32Array;
  population: Float64Array;
  /** Chest money already located in the area (all rounds), £. */
  current: Float64Array;
}

export interface WorkshopData {
  n: number;
  rows: readonly LsoaRow[];
  population: Float64Array;
  imdDecile: Int32Array;
  nationalN: number;
  ranks: Record<string, Float64Array>;
  layers: Partial<Record<Layer, AreaLayer>>;
  /** Standardised component matrix per method, computed once. */
  matrices: Partial<Record<Method, Float64Array>>;
}

const layerFields: Record<Layer, [code: keyof LsoaRow, name: keyof LsoaRow]> = {
  lsoa: ["code", "name"],
  msoa: ["msoa", "msoa_name"],
  ward: ["ward", "ward_name"],
  lad: ["lad", "lad_name"],
  partnership: ["partnership", "partnership"],
};

export function prepareData(rows: readonly LsoaRow[], nationalN: number): WorkshopData {
  const n = rows.length;
  const ranks = Object.fromEntries(COMPONENTS.map((c) => [c.key, Float64Array.from(rows, (r) => (typeof r[`${c.key}_rank`] === "number" ? (r[`${c.key}_rank`] as number) : NaN))]));
  return {
    n,
    rows,
    population: Float64Array.from(rows, (r) => r.population ?? 0),
    imdDecile: Int32Array.from(rows, (r) => r.imd_decile ?? 0),
    nationalN,
    ranks,
    layers: {},
    matrices: {},
  };
}

/** The areas of a layer and which LSOAs they hold (cached on the data). */
export function layerOf(data: WorkshopData, layer: Layer): AreaLayer {
  const cached = data.layers[layer];
  if (cached) return cached;
  const [codeField, nameField] = layerFields[layer];
  const index = new Map<string, number>();
  const codes: string[] = [];
  const names: string[] = [];
  const lsoaArea = new Int32Array(data.n);
  data.rows.forEach((r, i) => {
    const code = String(r[codeField] ?? "");
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
  const current = new Float64Array(codes.length);
  data.rows.forEach((r, i) => {
    population[lsoaArea[i]] += r.population ?? 0;
    current[lsoaArea[i]] += r.spend_all ?? 0;
  });
  return (data.layers[layer] = { codes, names, lsoaArea, population, current });
}

/** The standardised components (area-major, n × k) for a method, from the need-index engine, computed once per method. */
export function matrixOf(data: WorkshopData, method: Method): Float64Array {
  const cached = data.matrices[method];
  if (cached) return cached;
  const inputs: ComponentInput[] = COMPONENTS.map((c) => ({
    key: c.key,
    label: c.label,
    weight: 1,
    direction: "lower",
    method,
    values: data.ranks[c.key],
    nationalN: method === "national_rank" || method === "exponential" ? data.nationalN : undefined,
  }));
  const { matrix } = prepareComponents(inputs, data.n);
  return (data.matrices[method] = matrix);
}

/** Need per area: the population-weighted mean of its LSOAs' need index scores (higher = more need; never below 0). */
function areaNeed(data: WorkshopData, area: AreaLayer, lsoaScore: Float64Array): Float64Array {
  const sum = new Float64Array(area.codes.length);
  const pop = new Float64Array(area.codes.length);
  for (let i = 0; i < data.n; i++) {
    const s = lsoaScore[i];
    if (s !== s) continue;
    sum[area.lsoaArea[i]] += s * data.population[i];
    pop[area.lsoaArea[i]] += data.population[i];
  }
  return sum.map((s, a) => (pop[a] > 0 ? Math.max(0, s / pop[a]) : 0));
}

/** Need score per LSOA under component weights (in COMPONENTS order), by the engine's combine step. */
export function lsoaNeed(data: WorkshopData, method: Method, weights: ArrayLike<number>): Float64Array {
  return combine(matrixOf(data, method), weights, data.n, COMPONENTS.length);
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
    const a = area.lsoaArea[i];
    pop[d - 1] += data.population[i];
    if (area.population[a] > 0) spend[d - 1] += (amount[a] * data.population[i]) / area.population[a];
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
  need: Float64Array;
  rank: Int32Array;
  allocation: AllocationResult;
  equity: EquityPreview;
  themes: ThemeSplit[];
  swing: AreaSwing[];
  /** Milliseconds for the group scenario and for the partners' swing. */
  ms: { scenario: number; swing: number };
}

const componentWeights = (w: Record<string, number>): Float64Array => Float64Array.from(COMPONENTS, (c) => w[c.key] ?? 0);

/** Allocation for one set of weights (group or one partner's). */
function allocateFor(data: WorkshopData, scenario: Scenario, area: AreaLayer, w: Record<string, number>) {
  const cw = componentWeights(w);
  const need = areaNeed(data, area, lsoaNeed(data, scenario.method, cw));
  const themes: ThemeSplit[] = THEMES.filter((t) => (w[themeKey(t.key)] ?? 0) > 0).map((t) => {
    const tw = Float64Array.from(COMPONENTS, (c, j) => (t.components[c.key] ?? 0) * cw[j]);
    return { key: t.key, label: t.label, share: w[themeKey(t.key)], need: areaNeed(data, area, lsoaNeed(data, scenario.method, tw)) };
  });
  const allocation = allocate(
    { ids: area.codes, population: area.population, need, themes: themes.length ? themes : undefined },
    {
      pot: scenario.pot,
      alpha: scenario.alpha,
      unit: scenario.unit,
      gap: scenario.pace === null ? null : { current: area.current, pace: scenario.pace },
      floor: scenario.floor ?? undefined,
      cap: scenario.cap ?? undefined,
      bounds: scenario.bounds,
    },
  );
  return { need, themes, allocation };
}

/** Everything the page shows for a scenario; `withSwing` also allocates under each partner's own weights. Throws AllocationError when the scenario is infeasible. */
export function computeScenario(data: WorkshopData, scenario: Scenario, keys: readonly string[], withSwing = true): ScenarioResult {
  const t0 = performance.now();
  const partners: Partner[] = scenario.partners.map((p) => ({ label: p.label, weights: Object.fromEntries(keys.map((k, j) => [k, p.weights[j]])) }));
  const group = groupWeights(partners, keys, scenario.group);
  const area = layerOf(data, scenario.layer);
  const { need, themes, allocation } = allocateFor(data, scenario, area, group);
  const rank = rankDescending(need);
  const equity = equityPreview(data, area, allocation.amount);
  const t1 = performance.now();
  let swing: AreaSwing[] = [];
  if (withSwing && partners.length > 1) {
    const shares = partners.map((p) => {
      try {
        return allocateFor(data, scenario, area, p.weights).allocation.share;
      } catch {
        return allocation.share; // a partner's weights that make the scenario infeasible show no swing of their own
      }
    });
    swing = shareSwing(shares, area.codes, partners.map((p) => p.label), 10);
  }
  const spread = weightSpread(partners, keys.filter((k) => !k.startsWith("theme:")));
  return { keys: [...keys], group, spread, area, need, rank, allocation, equity, themes, swing, ms: { scenario: t1 - t0, swing: performance.now() - t1 } };
}
