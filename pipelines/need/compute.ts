// Runs the need-index engine per theme over the LSOAs' inputs and over every layer above them: scores, ranks, rank intervals and reasons (aggregated rows only).
import { aggregateResult, computeNeedIndex, type ComponentInput, type NeedIndexResult } from "../../src/lib/need-index.ts";
import { analyseUncertainty, oneAtATime } from "../../src/lib/need-uncertainty.ts";
import { componentDef, type ThemeConfig, type WeightedComponent } from "../../src/lib/need-themes.ts";
import { priorityReasons, type ReasonPart } from "../../src/lib/need-reasons.ts";

export type InputRow = Record<string, number | string | null>;

/** An area of one layer (LSOAs themselves are the "lsoa" layer) and the LSOAs in it. */
export interface LayerGroups {
  layer: string;
  /** Plural for reason phrases ("MSOAs"). */
  peers: string;
  codes: string[];
  /** Per LSOA (input order): index into codes, or −1. */
  groupOf: Int32Array;
}

export interface AreaResult {
  layer: string;
  code: string;
  theme: string;
  need_score: number | null;
  provision_score: number | null;
  priority_score: number | null;
  priority_rank: number | null;
  median_rank: number | null;
  rank_low: number | null;
  rank_high: number | null;
  top_n: number;
  in_top_n: number | null;
  in_top_20pct: number | null;
  missing_components: number;
  hinge: string | null;
  reasons: string;
}

export interface ComponentResult {
  theme: string;
  side: "need" | "provision";
  key: string;
  label: string;
  weight: number;
  used: boolean;
  reason: string | null;
  sensitivity: number | null;
  most_sensitive: boolean;
}

const num = (v: number | string | null | undefined): number => (v === null || v === undefined ? NaN : Number(v));
const nullable = (v: number): number | null => (Number.isFinite(v) ? v : null);

function inputs(list: readonly WeightedComponent[], rows: readonly InputRow[], nationalN: number, reverse = false, scale = 1): ComponentInput[] {
  return list.map((c) => {
    const def = componentDef(c.key);
    const direction = reverse ? (def.direction === "higher" ? "lower" : "higher") : def.direction;
    return {
      key: c.key,
      label: def.label,
      weight: c.weight * scale,
      direction,
      method: def.method,
      values: Float64Array.from(rows, (r) => num(r[c.key])),
      nationalN: def.source === "iod" ? nationalN : undefined,
    };
  });
}

const total = (list: readonly WeightedComponent[]) => list.reduce((s, c) => s + c.weight, 0) || 1;

/** The three indices of a theme: need, provision, and priority (half need, half lack of provision). */
export function themeIndices(config: ThemeConfig, rows: readonly InputRow[], nationalN: number) {
  const n = rows.length;
  const need = computeNeedIndex(inputs(config.need, rows, nationalN), n);
  const provision = computeNeedIndex(inputs(config.provision, rows, nationalN), n);
  const priority = computeNeedIndex(
    [...inputs(config.need, rows, nationalN, false, 1 / total(config.need)), ...inputs(config.provision, rows, nationalN, true, 1 / total(config.provision))],
    n,
  );
  return { need, provision, priority };
}

function mean(values: ArrayLike<number>, groupOf: Int32Array, weight: ArrayLike<number>, groups: number): Float64Array {
  const s = new Float64Array(groups);
  const w = new Float64Array(groups);
  for (let i = 0; i < values.length; i++) {
    const g = groupOf[i];
    if (g < 0 || values[i] !== values[i]) continue;
    s[g] += weight[i] * values[i];
    w[g] += weight[i];
  }
  return s.map((x, g) => (w[g] > 0 ? x / w[g] : NaN));
}

/** Results for one theme on one layer: ranks and intervals from the engine, reasons from the area's figures. */
export function layerResults(
  config: ThemeConfig,
  layer: LayerGroups,
  rows: readonly InputRow[],
  indices: { need: NeedIndexResult; provision: NeedIndexResult; priority: NeedIndexResult },
  options: { nationalN: number; runs: number; seed: number; themePhrase: string },
): AreaResult[] {
  const population = Float64Array.from(rows, (r) => num(r.population));
  const groups = layer.codes.length;
  const isLsoa = layer.layer === "lsoa";
  const agg = (r: NeedIndexResult) => (isLsoa ? r : aggregateResult(r, layer.groupOf, population, groups));
  const priority = agg(indices.priority);
  const need = agg(indices.need);
  const provision = agg(indices.provision);
  const topN = Math.min(10, Math.max(1, Math.floor(priority.ranked / 4)));
  const u = analyseUncertainty(priority, { runs: options.runs, seed: options.seed, topN, topShare: 0.2 });
  const raw = (key: string, stat: "mean") => (isLsoa ? Float64Array.from(rows, (r) => num(r[key])) : stat === "mean" ? mean(Float64Array.from(rows, (r) => num(r[key])), layer.groupOf, population, groups) : new Float64Array(groups));
  const unmetPercent = raw("unmet_percent", "mean");
  const activities = raw("activities_within_reach", "mean");
  const funded = raw("funded_reaching", "mean");
  const grant = raw("grant_per_head", "mean");
  const rawNeed = isLsoa ? config.need.map((c) => raw(c.key, "mean")) : config.need.map((c) => (componentDef(c.key).source === "referral" ? raw(c.key, "mean") : new Float64Array(groups).fill(NaN)));
  const k = need.weights.length;
  const out: AreaResult[] = [];
  for (let g = 0; g < groups; g++) {
    const parts: ReasonPart[] = config.need.map((c, j) => ({ def: componentDef(c.key), weight: need.weights[j], value: need.matrix[g * k + j], raw: rawNeed[j][g] }));
    const reasons = priority.rank[g] > 0
      ? priorityReasons({
          theme: options.themePhrase,
          parts,
          nationalN: options.nationalN,
          unmetPercent: nullable(unmetPercent[g]),
          activities: nullable(activities[g]),
          funded: nullable(funded[g]),
          grantPerHead: nullable(grant[g]),
          provisionPercentile: nullable(provision.percentile[g]),
          peers: layer.peers,
        })
      : [];
    out.push({
      layer: layer.layer,
      code: layer.codes[g],
      theme: config.theme,
      need_score: nullable(need.score[g]),
      provision_score: nullable(provision.score[g]),
      priority_score: nullable(priority.score[g]),
      priority_rank: priority.rank[g] || null,
      median_rank: nullable(u.medianRank[g]),
      rank_low: u.rankLow[g] || null,
      rank_high: u.rankHigh[g] || null,
      top_n: topN,
      in_top_n: priority.rank[g] ? u.inTopN[g] : null,
      in_top_20pct: priority.rank[g] ? u.inTopShare[g] : null,
      missing_components: need.missing[g],
      hinge: u.hinge[g] >= 0 ? priority.components[u.hinge[g]].label : null,
      reasons: reasons.join("; "),
    });
  }
  return out;
}

/** What each component did in a theme: its weight, whether it was used (and why not), and how much the ranking hinges on it. */
export function componentResults(config: ThemeConfig, indices: { need: NeedIndexResult; provision: NeedIndexResult; priority: NeedIndexResult }): ComponentResult[] {
  const sensitivity = oneAtATime(indices.priority, indices.priority.weights.length);
  let most = -1;
  sensitivity.forEach((v, j) => {
    if (v > 0 && (most < 0 || v > sensitivity[most])) most = j;
  });
  const nNeed = config.need.length;
  return indices.priority.components.map((c, j) => {
    const side = j < nNeed ? "need" : "provision";
    const own = side === "need" ? indices.need.components[j] : indices.provision.components[j - nNeed];
    const listed = side === "need" ? config.need[j] : config.provision[j - nNeed];
    return {
      theme: config.theme,
      side,
      key: c.key,
      label: c.label,
      weight: listed.weight,
      used: own.used,
      reason: own.reason,
      sensitivity: own.used ? sensitivity[j] : null,
      most_sensitive: most === j,
    };
  });
}
