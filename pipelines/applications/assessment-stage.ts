// The assessment stage: every application's evidence score with its reasons, from the built need_area table (the areas it serves × its themes), the round's decision record and the grants already in the round; recomputed after applications, decisions or any need input change.
//
// Per round: the decision record is the newest whose title names the round, else the newest (application_round
// says which). The record's layer (ward without a record) is where need is read and the pot was split: each
// application's areas are shared over that layer's areas by residents (application_unit, in SQL). The evidence
// rows (need_area at that layer for those areas), allocation lines (the record's areas, and its themes' totals)
// and the money already awarded in the round (grants whose Grant Programme is the round, by area and theme) are
// aggregates read into JS, scored by src/lib/assessment.ts, and the scores and reasons written back.
import type { Stage } from "../build/atomic.ts";
import type { Db } from "../db/connection.ts";
import type { Logger } from "../log.ts";
import { appendRows, createTable } from "../kit/table.ts";
import { assessApplications, type AllocationLine, type AreaThemeEvidence, type MoneyRow } from "../../src/lib/assessment.ts";
import { linesFromSplit } from "../../src/lib/awards.ts";
import { parseIncomeBand } from "../../src/lib/income-bands.ts";
import { needLookup, resolveNeed, splitNeeds } from "../../src/lib/needs.ts";
import type { Place } from "../place/schema.ts";
import { hasTable } from "../db/catalog.ts";
import { layerAreasSql, layerAvailable } from "../place/layers.ts";
import { applicationUnitTable, assessmentTable, roundDecisionTable } from "./tables.ts";

export const DEFAULT_LAYER = "ward";

interface RoundRow {
  round: string;
  applications: number;
  requested: number;
  synthetic: boolean;
}
interface DecisionRow {
  decision_id: string;
  title: string;
  pot: number;
  layer: string;
}

/** The record a round is assessed against: newest whose title names the round, else the newest. */
export function linkDecision(round: string, decisions: readonly DecisionRow[]): { decision: DecisionRow | null; linkedBy: string } {
  const named = decisions.find((d) => d.title.toLowerCase().includes(round.toLowerCase()));
  if (named) return { decision: named, linkedBy: "title names the round" };
  return decisions.length ? { decision: decisions[0], linkedBy: "newest record" } : { decision: null, linkedBy: "none" };
}

/** Each application's share of work over the layer's areas (population-weighted within each area it names; equal across those). */
async function writeUnits(db: Db, round: string, layer: string): Promise<void> {
  await db.run(`
    INSERT INTO application_unit
    WITH served AS (
      SELECT a.application_id, a.code, a.area_type, count(*) OVER (PARTITION BY a.application_id) AS n
      FROM application_area a JOIN application p USING (application_id) WHERE p.round = $round
    ), parts AS (
      SELECT s.application_id, s.code, u.code AS unit, sum(greatest(l.population, 1)) AS pop, any_value(s.n) AS n
      FROM served s JOIN lsoa l ON s.code = CASE s.area_type WHEN 'lsoa' THEN l.lsoa21cd WHEN 'msoa' THEN l.msoa21cd WHEN 'ward' THEN l.ward_code ELSE l.lad_code END
      JOIN (${layerAreasSql(layer)}) u ON u.lsoa21cd = l.lsoa21cd
      GROUP BY ALL
    ), shared AS (
      SELECT application_id, unit, pop / sum(pop) OVER (PARTITION BY application_id, code) / n AS share FROM parts
    )
    SELECT application_id, $layer, unit, sum(share) FROM shared GROUP BY application_id, unit ORDER BY application_id, unit`, { round, layer });
}

/** The record's allocation as lines: one per area, plus each theme's total when the pot was split by theme. */
async function allocationLines(db: Db, decisionId: string): Promise<AllocationLine[]> {
  const rows = await db.all<{ area_code: string; amount: number; themes_json: string | null }>(
    `SELECT area_code, amount, themes_json FROM decision_allocation WHERE decision_id = $id ORDER BY area_code`, { id: decisionId });
  const split = rows.map((r) => (r.themes_json ? (JSON.parse(r.themes_json) as Record<string, number>) : {}));
  const keys = [...new Set(split.flatMap((t) => Object.keys(t)))];
  const themes = keys.map((key) => {
    const amount = split.map((t) => t[key] ?? 0);
    return { key, amount, total: amount.reduce((a, b) => a + b, 0) };
  });
  return linesFromSplit({ ids: rows.map((r) => r.area_code), amount: rows.map((r) => r.amount), themes }, "totals");
}

/** Grants already in the round (Grant Programme title or code is the round) by layer area and theme; a grant's money is shared equally over its themes. */
export async function roundSpend(db: Db, round: string, layer: string, needSynonyms: Readonly<Record<string, string>> = {}): Promise<MoneyRow[]> {
  if (!(await hasTable(db, "grants")) || !(await hasTable(db, "grant_lsoa"))) return [];
  const rows = await db.all<{ area: string; themes: string | null; amount: number }>(`
    SELECT u.code AS area, g.themes, sum(gl.amount_pence)::DOUBLE / 100 AS amount
    FROM grants g JOIN grant_lsoa gl USING (grant_id) JOIN (${layerAreasSql(layer)}) u USING (lsoa21cd)
    WHERE lower(trim(g.programme_title)) = lower(trim($round)) OR lower(trim(g.programme_code)) = lower(trim($round))
    GROUP BY ALL`, { round });
  const lookup = needLookup(needSynonyms);
  return rows.flatMap((r): MoneyRow[] => {
    const keys = [...new Set(splitNeeds(r.themes ?? "").map((t) => resolveNeed(t, lookup)).filter((k): k is string => k !== null))];
    return keys.length ? keys.map((theme) => ({ area: r.area, theme, amount: r.amount / keys.length })) : [{ area: r.area, theme: null, amount: r.amount }];
  });
}

async function assessRound(db: Db, r: RoundRow, decisions: DecisionRow[], place: Place, log: Logger): Promise<number> {
  const { decision, linkedBy } = linkDecision(r.round, decisions);
  // A record for another round (or none named) is used only for want of one: say so, as the scores hinge on it.
  if (decision && linkedBy === "newest record")
    log.warn(`applications: no decision record's title names the round "${r.round}": its applications are assessed against the newest record, "${decision.title}"; ingest the round's own record (chest ingest decisions) if that is not the one agreed for it`);
  // A record split by custom neighbourhoods that have since been removed is read at the default layer.
  const layer = decision && (await layerAvailable(db, decision.layer)) ? decision.layer : DEFAULT_LAYER;
  await appendRows(db, roundDecisionTable, [[r.round, decision?.decision_id ?? null, linkedBy, decision ? Math.round(decision.pot * 100) : null, layer, r.applications, r.requested, r.synthetic]]);
  await writeUnits(db, r.round, layer);
  const units = await db.all<{ application_id: string; code: string; share: number }>(
    `SELECT u.application_id, u.code, u.share FROM application_unit u JOIN application a USING (application_id) WHERE a.round = $round ORDER BY u.application_id, u.code`, { round: r.round });
  const codes = [...new Set(units.map((u) => u.code))];
  const evidence = await db.all<AreaThemeEvidence>(`
    SELECT code AS area, theme, least(100, greatest(0, need_score)) AS need, (gap + 100) / 2 AS gap, least(100, greatest(0, provision_score)) AS provision
    FROM need_area WHERE layer = $layer AND list_contains($codes, code) AND need_score IS NOT NULL AND provision_score IS NOT NULL`, { layer, codes });
  const names = await db.all<{ code: string; name: string }>(`SELECT DISTINCT code, name FROM (${layerAreasSql(layer)}) WHERE list_contains($codes, code)`, { codes });
  const apps = await db.all<{ application_id: string; title: string; amount: number; themes: string; income_band: string | null }>(
    `SELECT application_id, title, amount_pence::DOUBLE / 100 AS amount, themes, income_band FROM application WHERE round = $round ORDER BY application_id`, { round: r.round });
  const byApp = new Map<string, typeof units>();
  for (const u of units) byApp.set(u.application_id, [...(byApp.get(u.application_id) ?? []), u]);
  const assessed = assessApplications(
    apps.filter((a) => byApp.has(a.application_id)).map((a) => ({
      id: a.application_id,
      title: a.title,
      amount: a.amount,
      themes: a.themes ? a.themes.split("; ") : [],
      areas: byApp.get(a.application_id)!.map((u) => ({ code: u.code, share: u.share })),
      incomeBand: a.income_band ? parseIncomeBand(a.income_band) : null,
    })),
    {
      evidence,
      allocation: decision ? await allocationLines(db, decision.decision_id) : [],
      spent: await roundSpend(db, r.round, layer, place.needSynonyms ?? {}),
      areaNames: Object.fromEntries(names.map((n) => [n.code, n.name])),
    },
  );
  const value = (a: (typeof assessed)[number], key: string) => a.components.find((c) => c.key === key)?.value ?? null;
  await appendRows(db, assessmentTable, assessed.map((a) => [
    a.id, r.round, decision?.decision_id ?? null, layer, a.score, value(a, "need"), value(a, "gap"), value(a, "unspent"), value(a, "newProvision"), value(a, "smallOrganisation"), a.reasons.join("\n"),
  ]));
  return assessed.length;
}

/** Rebuild application_round, application_unit and application_assessment (empty when no applications are loaded). */
export function assessmentStage(place: Place, log: Logger): Stage {
  return {
    name: "application assessment",
    run: async (db) => {
      for (const t of [roundDecisionTable, applicationUnitTable, assessmentTable]) await createTable(db, t);
      if (!(await hasTable(db, "application")) || !(await hasTable(db, "need_area"))) return;
      const rounds = await db.all<RoundRow>(
        `SELECT round, count(*)::INTEGER AS applications, sum(amount_pence)::BIGINT::VARCHAR AS requested, bool_or(synthetic) AS synthetic FROM application GROUP BY round ORDER BY round`);
      const decisions = (await hasTable(db, "decision"))
        ? await db.all<DecisionRow>(`SELECT decision_id, title, pot::DOUBLE AS pot, layer FROM decision ORDER BY workshop_date DESC, exported_at DESC, decision_id`)
        : [];
      let n = 0;
      for (const r of rounds) n += await assessRound(db, { ...r, requested: Number(r.requested) }, decisions, place, log);
      if (rounds.length) log.info(`applications: ${n.toLocaleString("en-GB")} application(s) assessed in ${rounds.length} round(s)`);
    },
  };
}
