// Each area's reasons in words, and the decision record built from a computed scenario (pure, browser-safe).
import { COMPONENTS, matrixOf, weightLabel, type AreaLayer, type ScenarioResult, type WorkshopData } from "./workshop-model.js";
import { RECORD_KIND, RECORD_VERSION, type DecisionRecord, type RecordEquity } from "./decision-record.js";
import type { Scenario } from "./workshop-scenario.js";
import type { EquityPreview } from "./workshop-model.js";

const pounds = (x: number): string => `${x < 0 ? "−" : ""}£${Math.round(Math.abs(x)).toLocaleString("en-GB")}`;

/** Population-weighted mean of each standardised component per area (areas × components), for the reasons. */
export function areaComponents(data: WorkshopData, area: AreaLayer, method: Scenario["method"]): Float64Array {
  const k = COMPONENTS.length;
  const m = matrixOf(data, method);
  const sum = new Float64Array(area.codes.length * k);
  const pop = new Float64Array(area.codes.length * k);
  for (let i = 0; i < data.n; i++) {
    const a = area.lsoaArea[i];
    for (let j = 0; j < k; j++) {
      const v = m[i * k + j];
      if (v !== v) continue;
      sum[a * k + j] += v * data.population[i];
      pop[a * k + j] += data.population[i];
    }
  }
  return sum.map((s, x) => (pop[x] > 0 ? s / pop[x] : NaN));
}

/** "Need rank 3 of 218 (1 = most need), driven most by Income; £1,200 per-head share + £3,400 for need; +£500 towards its need target; held at its cap." */
export function areaReasons(result: ScenarioResult, components: Float64Array, a: number): string {
  const k = COMPONENTS.length;
  const al = result.allocation;
  let best = -1;
  let bestValue = -Infinity;
  COMPONENTS.forEach((c, j) => {
    const v = components[a * k + j] * (result.group[c.key] ?? 0);
    if (v > bestValue) {
      bestValue = v;
      best = j;
    }
  });
  const n = result.area.codes.length;
  const parts = [
    result.rank[a] > 0 ? `need rank ${result.rank[a]} of ${n} (1 = most need)${best >= 0 && bestValue > 0 ? `, driven most by ${weightLabel(COMPONENTS[best].key)}` : ""}` : "no need score",
    `${pounds(al.perHead[a])} per-head share + ${pounds(al.needPart[a])} for need`,
  ];
  const gap = al.gapAdjustment[a];
  if (Math.abs(gap) >= 0.5) parts.push(gap > 0 ? `+${pounds(gap)} towards its need target (already ${pounds(result.area.current[a])} of chest money here)` : `${pounds(gap)}: already ${pounds(result.area.current[a])} of chest money here, nearer its target`);
  if (al.bound[a] === -1) parts.push("raised to its floor");
  if (al.bound[a] === 1) parts.push("held at its cap");
  const text = parts.join("; ");
  return text.charAt(0).toUpperCase() + text.slice(1) + ".";
}

function recordEquity(e: EquityPreview): RecordEquity {
  return {
    spend: e.spend,
    core20_spend_share: e.core20.spendShare,
    core20_population_share: e.core20.populationShare,
    concentration_index: e.concentrationIndex,
    deciles: e.deciles.map((d) => ({ decile: d.decile, population: d.population, spend: d.spend, spend_per_head: d.spendPerHead })),
  };
}

export interface RecordContext {
  place: { id: string; name: string };
  synthetic: boolean;
  iod: string;
  referralPeriod: string | null;
  ledgerFiles: string[];
  lastRound: ({ round: string } & EquityPreview) | null;
  date: string;
  exportedAt: string;
  urlState: string;
}

/** The decision record for a computed scenario: everything `chest ingest decisions` reads back. */
export function buildRecord(data: WorkshopData, scenario: Scenario, result: ScenarioResult, ctx: RecordContext): DecisionRecord {
  const comps = areaComponents(data, result.area, scenario.method);
  const al = result.allocation;
  const themeKeys = al.themes.map((t) => t.key);
  return {
    kind: RECORD_KIND,
    version: RECORD_VERSION,
    exported_at: ctx.exportedAt,
    date: ctx.date,
    place: ctx.place,
    title: scenario.name,
    synthetic: ctx.synthetic,
    vintages: { iod: ctx.iod, referral_period: ctx.referralPeriod, ledger_files: ctx.ledgerFiles },
    scenario: {
      pot: scenario.pot,
      alpha: scenario.alpha,
      unit: scenario.unit,
      layer: scenario.layer,
      standardisation: scenario.method,
      group_method: scenario.group,
      pace_of_change: scenario.pace,
      floor: scenario.floor,
      cap: scenario.cap,
      bounds: scenario.bounds,
      url_state: ctx.urlState,
    },
    weights: {
      keys: result.keys,
      labels: result.keys.map(weightLabel),
      group: result.keys.map((k) => result.group[k] ?? 0),
      partners: scenario.partners.map((p) => ({ label: p.label, weights: [...p.weights] })),
    },
    allocation: result.area.codes.map((code, a) => ({
      area_code: code,
      area_name: result.area.names[a],
      population: result.area.population[a],
      need_score: Number.isFinite(result.need[a]) ? Math.round(result.need[a] * 1e4) / 1e4 : null,
      need_rank: result.rank[a] > 0 ? result.rank[a] : null,
      amount: al.amount[a],
      share: al.share[a],
      per_head_part: Math.round(al.perHead[a] * 100) / 100,
      need_part: Math.round(al.needPart[a] * 100) / 100,
      gap_adjustment: Math.round(al.gapAdjustment[a] * 100) / 100,
      bound: al.bound[a] === -1 ? "floor" : al.bound[a] === 1 ? "cap" : null,
      reasons: areaReasons(result, comps, a),
      ...(themeKeys.length ? { themes: Object.fromEntries(al.themes.map((t) => [t.key, t.amount[a]])) } : {}),
    })),
    equity: { proposal: recordEquity(result.equity), last_round: ctx.lastRound ? { round: ctx.lastRound.round, ...recordEquity(ctx.lastRound) } : null },
    notes: al.notes,
    rationale: scenario.rationale,
  };
}
