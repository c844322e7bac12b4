// Each area's reasons in words, and the decision record built from a computed scenario (pure, browser-safe).
import { weightLabel, type ScenarioResult, type WorkshopData } from "./workshop-model.js";
import { RECORD_KIND, RECORD_VERSION, type DecisionRecord, type RecordEquity } from "./decision-record.js";
import type { Scenario } from "./workshop-scenario.js";
import type { EquityPreview } from "./workshop-model.js";

const pounds = (x: number): string => `${x < 0 ? "−" : ""}£${Math.round(Math.abs(x)).toLocaleString("en-GB")}`;

/** The component that adds most to an area's need under the group's weights, across the themes in play (−1: none). */
export function drivingComponent(result: ScenarioResult, a: number): number {
  const contribution = new Map<number, number>();
  const shareTotal = result.themes.reduce((s, t) => s + t.share, 0);
  for (const t of result.themes) {
    const k = t.cols.length;
    let present = 0;
    for (let j = 0; j < k; j++) if (t.weights[j] > 0 && t.matrix[a * k + j] === t.matrix[a * k + j]) present += t.weights[j];
    if (!(present > 0)) continue;
    for (let j = 0; j < k; j++) {
      const v = t.matrix[a * k + j];
      if (!(t.weights[j] > 0) || v !== v) continue;
      contribution.set(t.cols[j], (contribution.get(t.cols[j]) ?? 0) + ((t.share / shareTotal) * t.weights[j] * v) / present);
    }
  }
  let best = -1;
  let bestValue = 0;
  for (const [c, v] of contribution) if (v > bestValue || (v === bestValue && best >= 0 && c < best)) (best = c), (bestValue = v);
  return best;
}

/** "Need rank 3 of 218 (1 = most need), driven most by Income deprivation; £1,200 per-head share + £3,400 for need; +£500 towards its need target; held at its cap." */
export function areaReasons(data: WorkshopData, result: ScenarioResult, a: number): string {
  const al = result.allocation;
  const best = drivingComponent(result, a);
  const n = result.area.codes.length;
  const parts = [
    result.rank[a] > 0 && result.need[a] > 0 ? `need rank ${result.rank[a]} of ${n} (1 = most need)${best >= 0 ? `, driven most by ${data.components[best].label.toLowerCase()}` : ""}` : "no need score",
    `${pounds(al.perHead[a])} per-head share + ${pounds(al.needPart[a])} for need`,
  ];
  const gap = al.gapAdjustment[a];
  const held = result.provision ? ` (provision already there counted as ${pounds(result.provision.current[a])})` : "";
  if (Math.abs(gap) >= 0.5) parts.push(gap > 0 ? `+${pounds(gap)} towards its need target${held}` : `${pounds(gap)}: better provided already${held}, nearer its target`);
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
      theme_split: scenario.split,
      group_method: scenario.group,
      pace_of_change: scenario.pace,
      floor: scenario.floor,
      cap: scenario.cap,
      bounds: scenario.bounds,
      url_state: ctx.urlState,
    },
    weights: {
      keys: result.keys,
      labels: result.keys.map((k) => weightLabel(data, k)),
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
      reasons: areaReasons(data, result, a),
      ...(themeKeys.length ? { themes: Object.fromEntries(al.themes.map((t) => [t.key, t.amount[a]])) } : {}),
    })),
    equity: { proposal: recordEquity(result.equity), last_round: ctx.lastRound ? { round: ctx.lastRound.round, ...recordEquity(ctx.lastRound) } : null },
    notes: al.notes,
    rationale: scenario.rationale,
  };
}
