// What the Awarding page and the Equity page's "awarded against agreed" section receive: applications with their assessment, the areas each serves, panel scores, votes, each round's agreed split and money already awarded, and per decision record the awards against what was agreed.
import type { Db } from "../db/connection.ts";
import { SYNTHETIC_LABEL } from "../demo/generators.ts";
import { roundSpend } from "../applications/assessment-stage.ts";
import { awardedAgainstAgreed } from "../../src/lib/awards.ts";
import { concentrationIndex, core20Share, decileGroups, spendPerHeadByDecile } from "../../src/lib/equity.ts";
import type { AllocationLine } from "../../src/lib/assessment.ts";
import { hasTable } from "../db/catalog.ts";
import { queryToArrow } from "./arrow.ts";

const EMPTY_APPS = `SELECT NULL::VARCHAR AS application_id WHERE false`;

/** One row per application with its assessment (score, criteria, reasons) and the GSS codes it serves. */
export async function awardingApplications(db: Db): Promise<Buffer> {
  if (!(await hasTable(db, "application_assessment"))) return queryToArrow(db, EMPTY_APPS);
  return queryToArrow(db, `
    SELECT a.application_id, a.round, a.title, a.description, (a.amount_pence / 100.0)::DOUBLE AS amount, a.org_name, a.charity_number, a.company_number,
           a.income_band, a.themes, a.duration_months::DOUBLE AS duration_months, a.synthetic,
           (SELECT string_agg(code, '; ' ORDER BY code) FROM application_area x WHERE x.application_id = a.application_id) AS areas,
           s.score, s.need, s.gap, s.unspent, s.new_provision, s.small_organisation, s.reasons
    FROM application a JOIN application_assessment s USING (application_id)
    ORDER BY a.round, s.score DESC, a.application_id`);
}

/** Each application's share of work over its round's layer areas (what it is charged to). */
export async function awardingUnits(db: Db): Promise<Buffer> {
  if (!(await hasTable(db, "application_unit"))) return queryToArrow(db, EMPTY_APPS);
  return queryToArrow(db, `SELECT application_id, code, share::DOUBLE AS share FROM application_unit ORDER BY application_id, code`);
}

/** Panel members' scores (members are named as the chest names them; no personal details are stored). */
export async function awardingPanel(db: Db): Promise<Buffer> {
  if (!(await hasTable(db, "panel_score"))) return queryToArrow(db, EMPTY_APPS);
  return queryToArrow(db, `SELECT member, application_id, criterion, score::DOUBLE AS score, scale_min::DOUBLE AS scale_min, scale_max::DOUBLE AS scale_max FROM panel_score ORDER BY application_id, member, criterion`);
}

/** Participatory votes (voters are applicants' Identifiers or ballot numbers). */
export async function awardingVotes(db: Db): Promise<Buffer> {
  if (!(await hasTable(db, "pb_vote"))) return queryToArrow(db, EMPTY_APPS);
  return queryToArrow(db, `SELECT voter, application_id, points::DOUBLE AS points, vote_kind FROM pb_vote ORDER BY voter, application_id`);
}

interface DecisionInfo {
  decision_id: string;
  title: string;
  workshop_date: string;
  pot: number;
  layer: string;
  synthetic: boolean;
}

/** The record's areas (with names) and, when it split by theme, each theme's total. */
async function recordLines(db: Db, decisionId: string): Promise<(AllocationLine & { name?: string })[]> {
  const rows = await db.all<{ area_code: string; area_name: string; amount: number; themes_json: string | null }>(
    `SELECT area_code, area_name, amount::DOUBLE AS amount, themes_json FROM decision_allocation WHERE decision_id = $id ORDER BY area_code`, { id: decisionId });
  const themes = new Map<string, number>();
  for (const r of rows) for (const [k, v] of Object.entries(r.themes_json ? (JSON.parse(r.themes_json) as Record<string, number>) : {})) themes.set(k, (themes.get(k) ?? 0) + v);
  return [...rows.map((r) => ({ area: r.area_code, name: r.area_name, amount: r.amount })), ...[...themes].map(([theme, amount]) => ({ theme, amount }))];
}

/** Spend per head by national IMD decile of the grants in a round (place residents as the denominator). */
async function roundDeciles(db: Db, round: string) {
  const rows = await db.all<{ decile: number; population: number; spend: number }>(`
    WITH pop AS (SELECT i.imd_decile::INTEGER AS decile, sum(l.population)::DOUBLE AS population FROM lsoa l JOIN iod2025 i USING (lsoa21cd) GROUP BY 1),
    money AS (
      SELECT i.imd_decile::INTEGER AS decile, sum(gl.amount_pence)::DOUBLE / 100 AS spend
      FROM grants g JOIN grant_lsoa gl USING (grant_id) JOIN iod2025 i USING (lsoa21cd) JOIN lsoa l USING (lsoa21cd)
      WHERE lower(trim(g.programme_title)) = lower(trim($round)) OR lower(trim(g.programme_code)) = lower(trim($round))
      GROUP BY 1)
    SELECT p.decile, p.population, coalesce(m.spend, 0)::DOUBLE AS spend FROM pop p LEFT JOIN money m USING (decile) ORDER BY p.decile`, { round });
  const spend = rows.reduce((a, r) => a + r.spend, 0);
  const core = core20Share(rows);
  return { spend, core20: core.spendShare, concentrationIndex: spend > 0 ? concentrationIndex(decileGroups(rows)) : null, deciles: spendPerHeadByDecile(rows) };
}

/** The grant rounds (programme titles) a record's title names: the rounds it was agreed for. */
async function roundsNamed(db: Db, title: string): Promise<string[]> {
  const fromApps = (await hasTable(db, "application_round")) ? await db.all<{ round: string }>(`SELECT round FROM application_round`) : [];
  const fromGrants = (await hasTable(db, "grants")) ? await db.all<{ round: string }>(`SELECT DISTINCT programme_title AS round FROM grants WHERE programme_title IS NOT NULL`) : [];
  return [...new Set([...fromApps, ...fromGrants].map((r) => r.round))].filter((r) => title.toLowerCase().includes(r.toLowerCase())).sort();
}

/** Per round with a decision record: the agreed lines, money already awarded, the record's equity preview, and awarded against agreed. */
export async function awardingMeta(db: Db): Promise<string> {
  const meta = Object.fromEntries((await db.all<{ key: string; value: string }>(`SELECT key, value FROM meta WHERE key IN ('place_id', 'place_name')`)).map((r) => [r.key, r.value]));
  const decisions = (await hasTable(db, "decision"))
    ? await db.all<DecisionInfo>(`SELECT decision_id, title, workshop_date, pot::DOUBLE AS pot, layer, synthetic FROM decision ORDER BY workshop_date DESC, exported_at DESC, decision_id`)
    : [];
  const rounds = (await hasTable(db, "application_round"))
    ? await db.all<{ round: string; decision_id: string | null; linked_by: string; layer: string; applications: number; synthetic: boolean }>(
        `SELECT round, decision_id, linked_by, layer, applications, synthetic FROM application_round ORDER BY round`)
    : [];
  const hasGrants = await hasTable(db, "grants");
  const records = [];
  for (const d of decisions) {
    const lines = await recordLines(db, d.decision_id);
    const preview = await db.all<{ decile: number; population: number; spend: number }>(
      `SELECT decile, population, spend FROM decision_equity WHERE decision_id = $id AND basis = 'proposal' ORDER BY decile`, { id: d.decision_id });
    const compared = [];
    for (const round of hasGrants ? await roundsNamed(db, d.title) : []) {
      const awarded = await roundSpend(db, round, d.layer);
      if (!awarded.length) continue;
      compared.push({ round, awarded: awarded.reduce((a, r) => a + r.amount, 0), variance: awardedAgainstAgreed(lines, awarded), equity: await roundDeciles(db, round) });
    }
    const core = core20Share(preview);
    records.push({
      ...d,
      lines,
      preview: { core20: core.spendShare, concentrationIndex: preview.length ? concentrationIndex(decileGroups(preview)) : null, deciles: spendPerHeadByDecile(preview) },
      compared,
    });
  }
  const spent = [];
  for (const r of rounds) spent.push({ round: r.round, rows: hasGrants ? await roundSpend(db, r.round, r.layer) : [] });
  return JSON.stringify({
    place: { id: meta.place_id, name: meta.place_name },
    synthetic: rounds.some((r) => r.synthetic) || decisions.some((d) => d.synthetic),
    syntheticLabel: SYNTHETIC_LABEL,
    rounds,
    records,
    spent,
  });
}
