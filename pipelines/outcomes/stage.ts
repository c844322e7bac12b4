// The outcomes input stage: reads every registered monitoring return (in ingest order), checks it row by row, stores what passes, pairs before/after, works out what is due, and reports through the kit (input_issues, outcomes-rejects.csv, the IngestResult).
import type { Db } from "../db/connection.ts";
import { ident } from "../db/sql.ts";
import { asInputFiles, type InputContext, type InputFile, type KindStage } from "../kit/kind.ts";
import { recordIssues } from "../kit/issues.ts";
import type { FileResult, IngestResult, Notice } from "../kit/result.ts";
import { appendRows, createTable, type TableDecl } from "../kit/table.ts";
import { todayInLondon } from "../referrals/stage.ts";
import { hasTable } from "../db/catalog.ts";
import { quarterDue, quarterDates, quarterLabel, quartersBetween, swemwbsItems } from "./format.ts";
import { readReturnFile } from "./read.ts";
import { outcomeTables, spec, createOutcomeTables } from "./tables.ts";
import { checkRow, duplicateKey, duplicateReason, type Checked, type CheckContext, type GrantWindow, type Reject } from "./validate.ts";
import { WITHHELD } from "./codes.ts";
import { MEANINGFUL_CHANGE } from "../../src/lib/wellbeing.ts";

/** Headers a return had that were not read (never stored): warnings in the rejects report. */
const ignoredColumns: TableDecl = { name: "outcome_ignored_column", columns: [["file", "VARCHAR"], ["sheet", "VARCHAR"], ["column", "VARCHAR"]] };

export interface OutcomeStageOptions {
  /** yyyy-mm-dd treated as today; default CHEST_TODAY or today in London. */
  today?: string;
}

export function outcomesStage(files: readonly (string | InputFile)[], ctx: InputContext, options: OutcomeStageOptions = {}): KindStage {
  return { name: `outcomes: ${files.length} file(s)`, run: (db) => runOutcomeStage(db, files, ctx, options) };
}

/** Grants as the returns see them (the columns of outcome_grant), from the grants tables. */
export function grantsForOutcomesSql(hasLsoa: boolean): string {
  return `
    WITH main_lad AS (
      ${hasLsoa ? `SELECT grant_id, arg_max(l.lad_code, amount) AS lad_code FROM (
        SELECT g.grant_id, l.lad_code, sum(g.amount_pence) AS amount FROM grant_lsoa g JOIN lsoa l USING (lsoa21cd) GROUP BY ALL) l
      GROUP BY grant_id` : `SELECT NULL::VARCHAR AS grant_id, NULL::VARCHAR AS lad_code WHERE false`}),
    dated AS (
      SELECT g.*, CASE
          WHEN regexp_full_match(coalesce(planned_start, ''), '\\d{4}-\\d{2}-\\d{2}') THEN planned_start::DATE
          WHEN regexp_full_match(coalesce(planned_start, ''), '\\d{4}-\\d{2}') THEN (planned_start || '-01')::DATE
          WHEN regexp_full_match(coalesce(planned_start, ''), '\\d{4}') THEN (planned_start || '-01-01')::DATE
          ELSE award_date END AS start_date
      FROM grants g)
    SELECT d.grant_id, d.round_id, d.recipient_id,
           CASE WHEN d.recipient_type = 'individual' THEN 'Individual recipient' ELSE d.recipient_name END AS recipient_name,
           coalesce(nullif(trim(split_part(d.themes, ';', 1)), ''), 'unclassified') AS theme,
           coalesce(m.lad_code, d.recipient_lad_code) AS lad_code, p.lad_name, d.start_date,
           CASE
             WHEN regexp_full_match(coalesce(planned_end, ''), '\\d{4}-\\d{2}-\\d{2}') THEN planned_end::DATE
             WHEN regexp_full_match(coalesce(planned_end, ''), '\\d{4}-\\d{2}') THEN last_day((planned_end || '-01')::DATE)
             WHEN planned_months > 0 THEN (d.start_date + to_days(CAST(round(planned_months * 30.44) AS INTEGER)))::DATE
             ELSE (d.start_date + INTERVAL 12 MONTH)::DATE END AS end_date
    FROM dated d LEFT JOIN main_lad m USING (grant_id) LEFT JOIN place_lad p ON p.lad_code = coalesce(m.lad_code, d.recipient_lad_code)
    WHERE d.start_date IS NOT NULL`;
}

async function buildGrantTable(db: Db): Promise<void> {
  if (!(await hasTable(db, "grants"))) return;
  await db.run(`INSERT INTO outcome_grant ${grantsForOutcomesSql(await hasTable(db, "grant_lsoa"))}`);
}

async function checkContext(db: Db, today: string): Promise<CheckContext> {
  const grants = await db.all<{ grant_id: string; start: string; end: string }>(
    `SELECT grant_id, strftime(start_date, '%Y-%m-%d') AS start, strftime(end_date, '%Y-%m-%d') AS "end" FROM outcome_grant`,
  );
  const lads = await db.all<{ lad_code: string; lad_name: string }>(`SELECT lad_code, lad_name FROM place_lad`);
  const boroughs = new Map<string, string>();
  for (const l of lads) {
    boroughs.set(l.lad_code.toLowerCase(), l.lad_code);
    boroughs.set(l.lad_name.toLowerCase(), l.lad_code);
  }
  return { grants: new Map<string, GrantWindow>(grants.map((g) => [g.grant_id, { start: g.start, end: g.end }])), boroughs, today };
}

interface Stored {
  returns: unknown[][];
  reach: unknown[][];
  participants: unknown[][];
}

function storedRow(c: Checked, file: string, line: number): unknown[] {
  switch (c.kind) {
    case "returns":
      return [file, line, c.record.grant_id, c.record.period, c.record.sessions, c.record.submitted_on];
    case "reach":
      return [file, line, c.record.grant_id, c.record.period, c.record.lad_code, c.record.age_band, c.record.residents];
    case "participants": {
      const r = c.record;
      return [file, line, r.grant_id, r.period, r.participant_code, r.stage, ...(r.items ?? swemwbsItems.map(() => null)), r.swemwbs_raw, r.swemwbs_metric, ...r.ons, r.gp_otherwise];
    }
  }
}

/** Append rows through a VARCHAR staging table so dates are cast by DuckDB on the way in. */
async function store(db: Db, table: string, rows: unknown[][]): Promise<void> {
  const s = spec(table);
  const tmp = { name: `tmp_${table}`, columns: s.columns };
  await db.run(`CREATE OR REPLACE TEMP TABLE ${ident(tmp.name)} (${tmp.columns.map(([n, t]) => `${ident(n)} ${t}`).join(", ")})`);
  await appendRows(db, tmp, rows);
  await db.run(`INSERT INTO ${ident(table)} SELECT * FROM ${ident(tmp.name)}`);
  await db.run(`DROP TABLE ${ident(tmp.name)}`);
}

/** Rebuild the outcome tables from every return, in ingest order (a later duplicate of a row is rejected, naming the row kept). */
export async function runOutcomeStage(db: Db, files: readonly (string | InputFile)[], ctx: InputContext, options: OutcomeStageOptions = {}): Promise<IngestResult> {
  const today = options.today ?? process.env.CHEST_TODAY ?? todayInLondon();
  await createOutcomeTables(db);
  await store(db, "outcome_round", ctx.place.rounds.map((r) => [r.id, r.name, r.targetResidents ?? null, r.synthetic]));
  await buildGrantTable(db);
  const check = await checkContext(db, today);
  const stored: Stored = { returns: [], reach: [], participants: [] };
  const rejects: (Reject & { sheet: string })[] = [];
  const fileRows: unknown[][] = [];
  const ignored: unknown[][] = [];
  const seen = new Map<string, { file: string; line: number }>();
  const ordered = asInputFiles("outcomes", files).sort((a, b) => a.seq - b.seq);
  for (const { path, name: file } of ordered) {
    const sheets = await readReturnFile(path, file);
    let rows = 0, accepted = 0, rejected = 0, identifiers = 0;
    for (const sheet of sheets) {
      const sheetName = sheet.sheet ?? sheet.kind;
      for (const row of sheet.rows) {
        rows++;
        const result = checkRow(sheet.kind, row, check);
        if ("problems" in result) {
          rejected++;
          if (result.problems.some((p) => p.value === WITHHELD)) identifiers++;
          // Values are shown cut to 80 characters, as the other kinds show them: a damaged cell is not copied whole into the report.
          for (const p of result.problems) rejects.push({ file, sheet: sheetName, line: row.line, ...p, value: p.value.slice(0, 80) });
          continue;
        }
        const key = duplicateKey(result.ok);
        const first = seen.get(key);
        if (first) {
          rejected++;
          const where = first.file === file ? `at row ${first.line}` : `in ${first.file} row ${first.line}`;
          rejects.push({ file, sheet: sheetName, line: row.line, column: "", value: "", reason: `duplicate: ${duplicateReason[sheet.kind]} ${where} (that row is kept)` });
          continue;
        }
        seen.set(key, { file, line: row.line });
        stored[sheet.kind].push(storedRow(result.ok, file, row.line));
        accepted++;
      }
      for (const column of sheet.ignored) ignored.push([file, sheetName, column]);
      if (sheet.ignored.length) ctx.log.warn(`${file}${sheet.sheet ? ` (${sheet.sheet})` : ""}: columns not read (never stored): ${sheet.ignored.map((c) => `"${c}"`).join(", ")}`);
    }
    fileRows.push([file, sheets.map((s) => s.kind).join(", "), rows, accepted, rejected, identifiers]);
    ctx.log.progress(`${file}: ${rows} rows, ${accepted} accepted, ${rejected} rejected${identifiers ? ` (${identifiers} refused for identifiers, values withheld)` : ""}`);
  }
  await store(db, "outcome_return", stored.returns);
  await store(db, "outcome_reach", stored.reach);
  await store(db, "outcome_response", stored.participants);
  await store(db, "outcome_file", fileRows);
  await store(db, "outcome_reject", rejects.map((r) => [r.file, r.sheet, r.line, r.column, r.value, r.reason]));
  await buildPairs(db);
  await buildDue(db, today);
  await createTable(db, ignoredColumns, { temp: true });
  await appendRows(db, ignoredColumns, ignored, { schema: "main", catalog: "temp" });
  const result = await report(db, ctx, ordered.length);
  await db.run(`DROP TABLE ${ident(ignoredColumns.name)}`);
  if (ordered.length) {
    const [t] = await db.all<{ pairs: number; unpaired: number; returns: number }>(
      `SELECT (SELECT count(*) FROM outcome_pair)::INTEGER AS pairs, (SELECT count(*) FROM outcome_unpaired)::INTEGER AS unpaired, (SELECT count(*) FROM outcome_return)::INTEGER AS returns`,
    );
    ctx.log.info(`outcomes: ${t.returns} returns, ${t.pairs} participants with before and after answers, ${t.unpaired} unpaired (kept, reported); ${rejects.length} problems`);
  }
  return result;
}

/** Pair each participant's before and after answers (same grant and code); report the unpaired. */
async function buildPairs(db: Db): Promise<void> {
  const ons = ["life_satisfaction", "worthwhile", "happiness", "anxiety"];
  await db.run(`
    INSERT INTO outcome_pair
    SELECT b.grant_id, b.participant_code, b.swemwbs_metric, a.swemwbs_metric, round(a.swemwbs_metric - b.swemwbs_metric, 2),
           round(a.swemwbs_metric - b.swemwbs_metric, 2) >= ${MEANINGFUL_CHANGE},
           ${ons.map((m) => `a.ons_${m} - b.ons_${m}`).join(", ")}
    FROM outcome_response b JOIN outcome_response a
      ON a.grant_id = b.grant_id AND upper(a.participant_code) = upper(b.participant_code) AND a.stage = 'after'
    WHERE b.stage = 'before'
    ORDER BY b.grant_id, b.participant_code`);
  await db.run(`
    INSERT INTO outcome_unpaired
    SELECT r.grant_id, r.participant_code, r.stage, r.file, r.line FROM outcome_response r
    WHERE NOT EXISTS (SELECT 1 FROM outcome_response o WHERE o.grant_id = r.grant_id
                      AND upper(o.participant_code) = upper(r.participant_code) AND o.stage <> r.stage)
    ORDER BY r.grant_id, r.participant_code`);
}

/** Every quarter of every grant in a round with its due date and status on `today`. */
async function buildDue(db: Db, today: string): Promise<void> {
  const grants = await db.all<{ grant_id: string; round_id: string | null; recipient_name: string; start: string; end: string }>(
    `SELECT grant_id, round_id, recipient_name, strftime(start_date, '%Y-%m-%d') AS start, strftime(end_date, '%Y-%m-%d') AS "end"
     FROM outcome_grant WHERE round_id IS NOT NULL ORDER BY grant_id`,
  );
  const rows = grants.flatMap((g) =>
    quartersBetween(g.start, g.end)
      .filter((q) => quarterDates(q).end < today || quarterDates(q).start <= today)
      .map((q) => [g.grant_id, g.round_id, g.recipient_name, quarterLabel(q), quarterDue(q), quarterDates(q).end < today ? "over" : "running", null, null]),
  );
  await store(db, "outcome_due", rows);
  await db.run(
    `UPDATE outcome_due d SET submitted_on = r.submitted_on, sessions = r.sessions,
       status = CASE WHEN r.submitted_on IS NULL THEN 'arrived (no date)' WHEN r.submitted_on <= d.due_on THEN 'on time' ELSE 'late' END
     FROM outcome_return r WHERE r.grant_id = d.grant_id AND r.period = d.period`,
  );
  await db.run(
    `UPDATE outcome_due SET status = CASE WHEN status = 'running' THEN 'not yet due' WHEN due_on < $today::DATE THEN 'missing' ELSE 'awaited' END
     WHERE status IN ('over', 'running')`,
    { today },
  );
}

/**
 * The kit's report: every rejected row (errors) and every participant answered at one stage only or column not read
 * (warnings) into input_issues and outcomes-rejects.csv (with the sheet), and the one IngestResult.
 */
async function report(db: Db, ctx: InputContext, files: number): Promise<IngestResult> {
  const issues = await recordIssues(
    db,
    "outcomes",
    `SELECT file, "row", "column", value, reason, severity, sheet FROM (
       SELECT file, line AS "row", "column", value, reason, 'error' AS severity, sheet, 0 AS k FROM outcome_reject
       UNION ALL
       SELECT u.file, u.line, 'participant_code', u.participant_code,
              'answers at the ' || u.has_stage || ' stage only: kept, but not in the paired change until the other stage arrives under the same code',
              'warning', 'participants', 1
       FROM outcome_unpaired u
       UNION ALL
       SELECT file, NULL, "column", NULL, 'column not read (never stored)', 'warning', sheet, 2 FROM ${ident(ignoredColumns.name)})
     ORDER BY k, file, sheet, "row", "column"`,
    ctx.reportsDir,
    ["sheet"],
  );
  const [t] = await db.all<{ unpaired: number; identifiers: number; missing: number; due: number }>(`
    SELECT (SELECT count(*) FROM outcome_unpaired)::INTEGER AS unpaired, (SELECT coalesce(sum(identifier_rows), 0) FROM outcome_file)::INTEGER AS identifiers,
           (SELECT count(*) FILTER (WHERE status = 'missing') FROM outcome_due)::INTEGER AS missing, (SELECT count(*) FROM outcome_due)::INTEGER AS due`);
  if (files > 0 && issues.errors > 0) ctx.log.warn(`outcomes: ${issues.errors} problems in the monitoring returns: see ${issues.report}`);
  if (t.unpaired > 0) ctx.log.warn(`outcomes: ${t.unpaired} participants have answers at one stage only (kept; not in the paired change): see table outcome_unpaired`);
  const perFile = await db.all<FileResult>(`
    SELECT f.file, f."rows" AS "rowsRead", f.accepted, f.rejected_rows AS rejected,
           (SELECT count(*) FROM input_issues i WHERE i.kind = 'outcomes' AND i.file = f.file AND i.severity = 'warning')::INTEGER AS warnings
    FROM outcome_file f`);
  const notices: Notice[] = [];
  if (t.identifiers > 0)
    notices.push({ key: "identifiers", message: `${t.identifiers} row(s) refused for holding a name, NHS number, contact detail or date of birth (values withheld, nothing stored)`, count: t.identifiers, fix: "give each participant a made-up code (e.g. P-014) and send those rows again" });
  if (files > 0 && t.missing > 0)
    notices.push({ key: "missing-returns", message: `${t.missing} of ${t.due} quarterly returns are past their due date and have not arrived`, count: t.missing, share: t.missing / t.due, fix: "chest export reminders writes the list to send to the groups" });
  const sum = (k: "rowsRead" | "accepted" | "rejected") => perFile.reduce((a, f) => a + f[k], 0);
  return {
    kind: "outcomes",
    files: perFile,
    rowsRead: sum("rowsRead"),
    accepted: sum("accepted"),
    rejected: sum("rejected"),
    warnings: issues.warnings,
    warningsByReason: issues.byReason,
    placed: [],
    notices,
    changes: { records: 0, fields: 0, report: null },
    reports: files > 0 ? [issues.report] : [],
  };
}

export { outcomeTables };
