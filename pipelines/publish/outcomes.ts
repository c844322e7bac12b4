// Publishes outcome figures through disclosure control (reach, wellbeing change, GP avoidance), plus return completeness and reminders (grant data).
//
// Every count from outcome records (residents reached, people with paired answers, people improved, GP answers) goes
// through protectTable (pipelines/publish/disclosure.ts) with
// the additive relations a reader could use: boroughs add up to the place, age bands / answers to their total, rounds
// to all rounds. Means and intervals are shown only where their count of people is published; shares are built from
// the rounded counts. Participant codes and record-level answers never leave the database.
import type { Db } from "../db/connection.ts";
import { IntegrityError } from "../errors.ts";
import {
  auditPublished,
  DisclosureError,
  protectCount,
  protectRate,
  protectTable,
  publicCells,
  type CountCell,
  type DisclosurePolicy,
  type ProtectedTable,
  type TableStructure,
  parsePolicy,
} from "./disclosure.ts";
import { MEANINGFUL_CHANGE, MIN_PAIRS, summariseChange, ONS4_MEASURES, ons4Band, ons4Bands, type Ons4Measure } from "../../src/lib/wellbeing.ts";
import { hasTable } from "../db/catalog.ts";

const PLACE = "PLACE";
const ALL = "ALL";

async function policyOf(db: Db): Promise<DisclosurePolicy> {
  const rows = (await hasTable(db, "meta"))
    ? await db.all<{ key: string; value: string }>(`SELECT key, value FROM meta WHERE key IN ('disclosure_threshold', 'disclosure_rounding')`)
    : [];
  const meta = Object.fromEntries(rows.map((r) => [r.key, r.value]));
  return parsePolicy({ threshold: Number(meta.disclosure_threshold ?? 7), rounding: Number(meta.disclosure_rounding ?? 5) });
}

/** Protect a table and audit the result; any failure publishes nothing. */
function gate(what: string, cells: CountCell[], policy: DisclosurePolicy, structure: TableStructure): ProtectedTable {
  try {
    const table = protectTable(cells, policy, structure);
    const violations = auditPublished({ cells: publicCells(table), policy, structure });
    if (violations.length) throw new IntegrityError(`outcomes: disclosure audit of ${what} failed, nothing published (${violations.length} problem(s))`);
    return table;
  } catch (e) {
    if (e instanceof DisclosureError) throw new IntegrityError(`outcomes: disclosure control of ${what} failed, nothing published: ${e.message}`);
    throw e;
  }
}

const valueOf = (t: ProtectedTable, key: string, category: string) => t.cells.find((c) => c.key === key && c.category === category) ?? { value: 0, flag: "ok" as const };

/**
 * Counts by borough × (round, part), with boroughs adding to the place, parts to their round's total and rounds to
 * all rounds: one protectTable call, so no hidden figure can be worked out from the others.
 */
export function crossTable(what: string, rows: { lad: string; round: string; part: string; n: number }[], rounds: string[], parts: string[], policy: DisclosurePolicy) {
  const counts = new Map<string, number>();
  const add = (key: string, category: string, n: number) => counts.set(`${key}\u0000${category}`, (counts.get(`${key}\u0000${category}`) ?? 0) + n);
  const lads = [...new Set(rows.map((r) => r.lad))].sort();
  for (const r of rows)
    for (const key of [r.lad, PLACE])
      for (const category of [`${r.round}|${r.part}`, `${r.round}|${ALL}`, `${ALL}|${r.part}`, `${ALL}|${ALL}`]) add(key, category, r.n);
  const categories = [...rounds, ALL].flatMap((r) => [...parts, ALL].map((p) => `${r}|${p}`));
  const cells: CountCell[] = [...lads, PLACE].flatMap((key) =>
    categories.map((category) => ({ key, parent: key === PLACE ? null : PLACE, category, count: counts.get(`${key}\u0000${category}`) ?? 0 })),
  );
  const categoryTotals: Record<string, string[]> = {};
  for (const r of [...rounds, ALL]) categoryTotals[`${r}|${ALL}`] = parts.map((p) => `${r}|${p}`);
  for (const p of parts) categoryTotals[`${ALL}|${p}`] = rounds.map((r) => `${r}|${p}`);
  if (!rows.length) return null;
  return gate(what, cells, policy, { categoryTotals });
}

export interface OutcomeFigures {
  synthetic: boolean;
  policy: { threshold: number; rounding: number };
  meaningfulChange: number;
  minPairs: number;
  rounds: { round: string; name: string; target: number | null; residents: number | null; organisations: number; grants: number; sessions: number }[];
  summary: { residents: number | null; organisations: number; grants: number; sessions: number; returns: number; pairs: number | null; mean: number | null; lower: number | null; upper: number | null; improvedShare: number | null; small: boolean };
  reach: { round: string; borough_code: string; borough: string; age_band: string; residents: number | null }[];
  wellbeing: { dimension: string; group: string; label: string; pairs: number | null; mean: number | null; lower: number | null; upper: number | null; improved: number | null; improvedShare: number | null; small: boolean }[];
  ons4: { measure: Ons4Measure; pairs: number | null; mean: number | null; lower: number | null; upper: number | null }[];
  /** People with before and after answers in each ONS threshold band, before and after (counts through the gate). */
  ons4Bands: { measure: Ons4Measure; band: string; before: number | null; after: number | null }[];
  gp: { round: string; borough_code: string; borough: string; answer: string; count: number | null }[];
  completeness: { round: string; status: string; quarters: number }[];
}

async function roundsOf(db: Db) {
  return db.all<{ round_id: string; name: string; target: number | null; synthetic: boolean }>(
    `SELECT round_id, name, target_residents AS target, synthetic FROM outcome_round ORDER BY round_id`,
  );
}

/** Paired SWEMWBS change by round, theme and borough (one protected table per dimension: its groups add up to all). */
async function wellbeingByGroup(db: Db, policy: DisclosurePolicy, names: Map<string, string>): Promise<OutcomeFigures["wellbeing"]> {
  const out: OutcomeFigures["wellbeing"] = [];
  for (const [dimension, column] of [["all", `'${ALL}'`], ["round", "coalesce(g.round_id, 'none')"], ["theme", "g.theme"], ["borough", "coalesce(g.lad_code, 'unknown')"]] as const) {
    const rows = await db.all<{ grp: string; n: number; mean: number | null; sd: number | null; improved: number }>(`
      SELECT ${column} AS grp, count(*)::INTEGER AS n, avg(p.change) AS mean, stddev_samp(p.change) AS sd, count(*) FILTER (WHERE p.improved)::INTEGER AS improved
      FROM outcome_pair p JOIN outcome_grant g USING (grant_id) WHERE p.change IS NOT NULL GROUP BY ALL ORDER BY grp`);
    if (!rows.length) continue;
    const total = rows.reduce((a, r) => ({ n: a.n + r.n, improved: a.improved + r.improved }), { n: 0, improved: 0 });
    const cells: CountCell[] = [
      ...(dimension === "all" ? [] : rows.flatMap((r) => [{ key: r.grp, parent: ALL, category: "pairs", count: r.n }, { key: r.grp, parent: ALL, category: "improved", count: r.improved }])),
      { key: ALL, parent: null, category: "pairs", count: total.n },
      { key: ALL, parent: null, category: "improved", count: total.improved },
    ];
    const table = gate(`wellbeing by ${dimension}`, cells, policy, {});
    for (const r of rows) {
      const pairs = valueOf(table, r.grp, "pairs");
      const improved = valueOf(table, r.grp, "improved");
      const shown = pairs.value !== null;
      const s = summariseChange(r.n, r.mean, r.sd, r.improved);
      const round2 = (x: number | null) => (shown && x !== null ? Math.round(x * 100) / 100 : null);
      out.push({
        dimension,
        group: r.grp,
        label: names.get(`${dimension}:${r.grp}`) ?? r.grp,
        pairs: pairs.value,
        mean: round2(s.mean),
        lower: round2(s.lower),
        upper: round2(s.upper),
        improved: shown ? improved.value : null,
        improvedShare: shown && improved.value !== null && pairs.value ? protectRate(improved as never, pairs as never, 1, policy, 3).value : null,
        small: s.small,
      });
    }
  }
  return out;
}

async function ons4Change(db: Db, policy: DisclosurePolicy): Promise<OutcomeFigures["ons4"]> {
  const out: OutcomeFigures["ons4"] = [];
  for (const measure of ONS4_MEASURES) {
    const col = `ons_${measure}_change`;
    const [r] = await db.all<{ n: number; mean: number | null; sd: number | null }>(
      `SELECT count(${col})::INTEGER AS n, avg(${col}) AS mean, stddev_samp(${col}) AS sd FROM outcome_pair`,
    );
    const pairs = protectCount(r.n, policy);
    const s = summariseChange(r.n, r.mean, r.sd, 0);
    const shown = (x: number | null) => (pairs.value !== null && x !== null ? Math.round(x * 100) / 100 : null);
    out.push({ measure, pairs: pairs.value, mean: shown(s.mean), lower: shown(s.lower), upper: shown(s.upper) });
  }
  return out;
}

/** Everything the Outcomes page shows, as compact JSON. Null when no outcome tables exist (no returns ingested and no build since). */
export async function outcomeFigures(db: Db): Promise<OutcomeFigures | null> {
  if (!(await hasTable(db, "outcome_grant"))) return null;
  const policy = await policyOf(db);
  const rounds = await roundsOf(db);
  const roundIds = rounds.map((r) => r.round_id);
  const lads = new Map((await db.all<{ lad_code: string; lad_name: string }>(`SELECT lad_code, lad_name FROM place_lad`)).map((l) => [l.lad_code, l.lad_name]));
  const names = new Map<string, string>([[`all:${ALL}`, "All participants"]]);
  for (const r of rounds) names.set(`round:${r.round_id}`, r.name);
  for (const [code, name] of lads) names.set(`borough:${code}`, name);

  const reachRows = await db.all<{ lad: string; round: string; part: string; n: number }>(`
    SELECT r.lad_code AS lad, g.round_id AS round, r.age_band AS part, sum(r.residents)::INTEGER AS n
    FROM outcome_reach r JOIN outcome_grant g USING (grant_id) WHERE g.round_id IS NOT NULL GROUP BY ALL ORDER BY ALL`);
  const bands = ["0-15", "16-24", "25-34", "35-49", "50-64", "65+", "unknown"];
  const reach = crossTable("residents reached", reachRows, roundIds, bands, policy);
  const gpRows = await db.all<{ lad: string; round: string; part: string; n: number }>(`
    SELECT coalesce(g.lad_code, 'unknown') AS lad, g.round_id AS round, r.gp_otherwise AS part, count(*)::INTEGER AS n
    FROM outcome_response r JOIN outcome_grant g USING (grant_id)
    WHERE r.gp_otherwise IS NOT NULL AND g.round_id IS NOT NULL GROUP BY ALL ORDER BY ALL`);
  const gp = crossTable("GP answers", gpRows, roundIds, ["yes", "no", "unsure"], policy);

  const activity = await db.all<{ round: string; organisations: number; grants: number; sessions: number; returns: number }>(`
    SELECT g.round_id AS round, count(DISTINCT g.recipient_id)::INTEGER AS organisations, count(DISTINCT g.grant_id)::INTEGER AS grants,
           coalesce(sum(r.sessions), 0)::INTEGER AS sessions, count(r.grant_id)::INTEGER AS returns
    FROM outcome_grant g LEFT JOIN outcome_return r USING (grant_id) WHERE g.round_id IS NOT NULL GROUP BY ALL ORDER BY ALL`);
  const [orgs] = await db.all<{ n: number }>(`SELECT count(DISTINCT recipient_id)::INTEGER AS n FROM outcome_grant WHERE round_id IS NOT NULL`);
  const wellbeing = await wellbeingByGroup(db, policy, names);
  const overall = wellbeing.find((w) => w.dimension === "all");
  const reachCell = (lad: string, category: string) => (reach ? valueOf(reach, lad, category).value : 0);

  return {
    synthetic: rounds.length > 0 && rounds.every((r) => r.synthetic),
    policy: { threshold: policy.threshold, rounding: policy.rounding },
    meaningfulChange: MEANINGFUL_CHANGE,
    minPairs: MIN_PAIRS,
    rounds: rounds.map((r) => {
      const a = activity.find((x) => x.round === r.round_id);
      return { round: r.round_id, name: r.name, target: r.target, residents: reachCell(PLACE, `${r.round_id}|${ALL}`), organisations: a?.organisations ?? 0, grants: a?.grants ?? 0, sessions: a?.sessions ?? 0 };
    }),
    summary: {
      residents: reachCell(PLACE, `${ALL}|${ALL}`),
      organisations: orgs.n,
      grants: activity.reduce((s, a) => s + a.grants, 0),
      sessions: activity.reduce((s, a) => s + a.sessions, 0),
      returns: activity.reduce((s, a) => s + a.returns, 0),
      pairs: overall?.pairs ?? 0,
      mean: overall?.mean ?? null,
      lower: overall?.lower ?? null,
      upper: overall?.upper ?? null,
      improvedShare: overall?.improvedShare ?? null,
      small: overall?.small ?? true,
    },
    reach: (reach?.cells ?? [])
      .filter((c) => !c.category.endsWith(`|${ALL}`) || c.category === `${ALL}|${ALL}`)
      .map((c) => ({ round: c.category.split("|")[0], borough_code: c.key, borough: c.key === PLACE ? "All boroughs" : lads.get(c.key) ?? c.key, age_band: c.category.split("|")[1], residents: c.value })),
    wellbeing,
    ons4: await ons4Change(db, policy),
    ons4Bands: await ons4BandCounts(db, policy),
    gp: (gp?.cells ?? []).map((c) => ({ round: c.category.split("|")[0], borough_code: c.key, borough: c.key === PLACE ? "All boroughs" : lads.get(c.key) ?? c.key, answer: c.category.split("|")[1], count: c.value })),
    completeness: await db.all<{ round: string; status: string; quarters: number }>(
      `SELECT round_id AS round, status, count(*)::INTEGER AS quarters FROM outcome_due GROUP BY ALL ORDER BY ALL`,
    ),
  };
}

/** ONS threshold bands of the paired participants' ratings before and after: one protected table (bands add up to each measure's total). */
async function ons4BandCounts(db: Db, policy: DisclosurePolicy): Promise<OutcomeFigures["ons4Bands"]> {
  const counts = new Map<string, number>();
  for (const measure of ONS4_MEASURES) {
    // Aggregated rows only: how many paired people gave each rating (0–10) at each stage; banded with the tested ons4Band.
    const rows = await db.all<{ stage: string; score: number; n: number }>(`
      SELECT r.stage, r.ons_${measure} AS score, count(*)::INTEGER AS n
      FROM outcome_response r JOIN outcome_pair p ON p.grant_id = r.grant_id AND upper(p.participant_code) = upper(r.participant_code)
      WHERE p.ons_${measure}_change IS NOT NULL GROUP BY ALL`);
    for (const r of rows) {
      const key = `${r.stage}\u0000${measure}|${ons4Band(measure, r.score)}`;
      counts.set(key, (counts.get(key) ?? 0) + r.n);
      counts.set(`${r.stage}\u0000${measure}|${ALL}`, (counts.get(`${r.stage}\u0000${measure}|${ALL}`) ?? 0) + r.n);
    }
  }
  if (!counts.size) return [];
  const categories = ONS4_MEASURES.flatMap((m) => [...ons4Bands(m), ALL].map((b) => `${m}|${b}`));
  const cells: CountCell[] = ["before", "after"].flatMap((stage) => categories.map((category) => ({ key: stage, parent: null, category, count: counts.get(`${stage}\u0000${category}`) ?? 0 })));
  const categoryTotals = Object.fromEntries(ONS4_MEASURES.map((m) => [`${m}|${ALL}`, ons4Bands(m).map((b) => `${m}|${b}`)]));
  const table = gate("ONS4 bands", cells, policy, { categoryTotals });
  return ONS4_MEASURES.flatMap((measure) =>
    [...ons4Bands(measure), ALL].map((band) => ({ measure, band, before: valueOf(table, "before", `${measure}|${band}`).value, after: valueOf(table, "after", `${measure}|${band}`).value })),
  );
}

export async function outcomeFiguresJson(db: Db): Promise<string> {
  return JSON.stringify(await outcomeFigures(db));
}

export interface Reminder {
  grant_id: string;
  recipient: string;
  round: string;
  period: string;
  due_on: string;
  status: string;
}

/** Returns a grants officer should chase: missing, late and awaited, per grant and quarter (grant data, public). */
export async function outcomeReminders(db: Db): Promise<Reminder[]> {
  if (!(await hasTable(db, "outcome_due"))) return [];
  return db.all<Reminder>(`
    SELECT grant_id, recipient_name AS recipient, round_id AS round, period, strftime(due_on, '%Y-%m-%d') AS due_on, status
    FROM outcome_due WHERE status IN ('missing', 'awaited', 'late') ORDER BY status = 'late', due_on, grant_id`);
}

export async function outcomeRemindersJson(db: Db): Promise<string> {
  return JSON.stringify(await outcomeReminders(db));
}
