// The referrals input stage: rebuilds every referral table from all registered files (records and aggregates), writes the rejects report, builds the measures.
import { resolve } from "node:path";
import type { Db } from "../db/connection.ts";
import { literal } from "../db/sql.ts";
import { inTransaction } from "../db/transaction.ts";
import { asInputFiles, type InputContext, type InputFile, type KindStage } from "../kit/kind.ts";
import { recordIssues } from "../kit/issues.ts";
import { recordChanges } from "../kit/changes.ts";
import type { IngestResult } from "../kit/result.ts";
import type { SpatialIndex } from "../../geo/spatial-index.ts";
import { ingestAggregateFile } from "./aggregate.ts";
import { readLayout } from "./format.ts";
import { buildMeasures, dropMeasures } from "./measures.ts";
import { ingestRecordFile, type FileStats } from "./records.ts";
import { createReferralTypes, dropReferralTypes, REFERRAL_TYPES } from "./types.ts";
import { buildPracticeTables, loadLsoaLookups, loadPostcodeDirectory, loadVocabulary, lsoaIndex, writeNeedCategories } from "./reference.ts";

export interface ReferralStageOptions {
  /** yyyy-mm-dd treated as today (dates after it are future); default: CHEST_TODAY or today's date in London. */
  today?: string;
  /** Postcode directory path; default: ctx.postcodes, else the CHEST_POSTCODES environment variable. */
  postcodes?: string;
}

/** The context the stage needs: rawDir defaults to CHEST_RAW or data/raw, postcodes to CHEST_POSTCODES. */
export type ReferralContext = InputContext;

export const REJECTS_FILE = "referrals-rejects.csv";

export function todayInLondon(now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

export function referralsStage(files: readonly (string | InputFile)[], ctx: ReferralContext, options: ReferralStageOptions = {}): KindStage {
  return { name: `referrals: ${files.length} file(s)`, run: async (db) => (await runReferrals(db, files, ctx, options)).result };
}

/** referral: its repeating columns are ENUMs over their known values (types.ts), stored as small numbers. */
const T = REFERRAL_TYPES;
const referralDefinition = `CREATE TABLE referral (file ${T.file}, file_order INTEGER, line INTEGER, referral_id VARCHAR, referral_date DATE,
  month ${T.month}, financial_year ${T.financial_year}, practice_code ${T.practice_code}, pcn_code ${T.pcn_code}, lsoa21cd ${T.lsoa21cd},
  location_method ${T.location_method}, age_band ${T.age_band}, source ${T.source}, outcome ${T.outcome}, activity_id VARCHAR,
  days_waited INTEGER, needs ${T.need}[])`;

const REFERRAL_COMMENT =
  "One row per accepted referral record (no postcodes or coordinates). file, month, financial_year, practice_code, pcn_code, lsoa21cd, " +
  "location_method, age_band, source, outcome and needs are ENUMs over their known values (file labels, months since 2010, NHS practices " +
  "and PCNs, the place's LSOAs, the vocabularies, the need categories): stored as small numbers, read and compared as text";

const tableDefinitions = [
  `CREATE TABLE referral_aggregate (file VARCHAR, file_order INTEGER, line INTEGER, period VARCHAR, layer VARCHAR, area_code VARCHAR,
     converted_from_2011 BOOLEAN, need VARCHAR, referrals INTEGER, unmet INTEGER)`,
  `CREATE TABLE referral_reject (file VARCHAR, line INTEGER, "column" VARCHAR, value VARCHAR, reason VARCHAR)`,
  `CREATE TABLE referral_file (file VARCHAR, format VARCHAR, "rows" INTEGER, accepted INTEGER, rejected_rows INTEGER, identifier_rows INTEGER,
     lsoa21 INTEGER, lsoa11_converted INTEGER, postcode INTEGER, coordinates INTEGER, ignored_columns VARCHAR, synthetic BOOLEAN)`,
];

export async function runReferralStage(db: Db, files: readonly (string | InputFile)[], ctx: ReferralContext, options: ReferralStageOptions = {}): Promise<FileStats[]> {
  return (await runReferrals(db, files, ctx, options)).stats;
}

async function runReferrals(db: Db, files: readonly (string | InputFile)[], ctx: ReferralContext, options: ReferralStageOptions): Promise<{ stats: FileStats[]; result: IngestResult }> {
  const { log, place } = ctx;
  const rawDir = resolve(ctx.rawDir ?? process.env.CHEST_RAW ?? "data/raw");
  const today = options.today ?? process.env.CHEST_TODAY ?? todayInLondon();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new Error(`today must be yyyy-mm-dd, got ${today}`);

  // The set-up's small statements in one transaction: one commit instead of one each.
  const { hasPostcodes, needs } = await inTransaction(db, async () => {
    await dropMeasures(db);
    for (const t of ["referral", "referral_aggregate", "referral_reject", "referral_file"]) await db.run(`DROP TABLE IF EXISTS ${t}`);
    await dropReferralTypes(db);
    for (const sql of tableDefinitions) await db.run(sql);
    await writeNeedCategories(db);
    const hasPostcodes = await loadPostcodeDirectory(db, options.postcodes ?? ctx.postcodes ?? process.env.CHEST_POSTCODES ?? undefined);
    await buildPracticeTables(db, rawDir, files.length > 0, log, hasPostcodes);
    await createReferralTypes(db, asInputFiles("referrals", files).map((f) => f.name), today);
    await db.run(referralDefinition);
    await db.run(`COMMENT ON TABLE referral IS ${literal(REFERRAL_COMMENT)}`);
    if (files.length === 0) return { hasPostcodes, needs: undefined };
    await loadLsoaLookups(db, rawDir);
    return { hasPostcodes, needs: await loadVocabulary(db, place) };
  });

  const stats: FileStats[] = [];
  if (needs) {
    let index: SpatialIndex | undefined;
    const lazyIndex = () => (index ??= lsoaIndex(rawDir));
    // Files in ingest order: a referral id in a later file corrects the earlier one.
    const ordered = asInputFiles("referrals", files).sort((a, b) => a.seq - b.seq);
    for (const [order, { path, name: label }] of ordered.entries()) {
      const layout = readLayout(path, label);
      const s =
        layout.format === "records"
          ? await ingestRecordFile({ db, path, label, order, layout, today, hasPostcodes, index: lazyIndex })
          : await ingestAggregateFile({ db, path, label, order, layout, today, needs });
      stats.push(s);
      if (s.lsoa11_converted > 0)
        log.warn(
          `${label}: ${s.lsoa11_converted.toLocaleString("en-GB")} rows gave 2011 LSOA codes${s.lsoa21 > 0 ? ` (mixed with ${s.lsoa21.toLocaleString("en-GB")} rows of 2021 codes)` : ""}; converted to 2021 with the ONS best-fit lookup (recorded as location_method 'lsoa11')`,
        );
      if (layout.ignored.length) log.warn(`${label}: columns not read (never stored): ${layout.ignored.map((c) => `"${c}"`).join(", ")}`);
    }
    await removeDuplicates(db);
    await takeCorrections(db, stats.filter((s) => s.format === "records").length);
    await takeAggregateCorrections(db, stats.filter((s) => s.format === "aggregate").length);
    await removeOverlaps(db);
    for (const t of ["rf_lsoa21", "rf_lsoa11", "rf_need_synonym", "rf_vocab"]) await db.run(`DROP TABLE IF EXISTS ${t}`);
  }
  await db.run(`DROP TABLE IF EXISTS rf_postcode`);
  // Per-file figures after duplicates and overlaps were taken out.
  for (const s of stats) {
    const [n] = await db.all<{ accepted: number; rejected: number }>(
      `SELECT (SELECT count(*) FROM ${s.format === "records" ? "referral" : "referral_aggregate"} WHERE file = $file)::INTEGER AS accepted,
              (SELECT count(DISTINCT line) FROM referral_reject WHERE file = $file)::INTEGER AS rejected`,
      { file: s.file },
    );
    s.accepted = n.accepted;
    s.rejected_rows = n.rejected;
    // Said once duplicates, corrections and overlaps are settled, so the figures are the ones stored.
    log.progress(
      `${s.file}: ${s.rows.toLocaleString("en-GB")} ${s.format === "records" ? "referrals" : "aggregate rows"}, ${s.accepted.toLocaleString("en-GB")} accepted, ` +
        `${s.rejected_rows.toLocaleString("en-GB")} rejected${s.identifier_rows ? ` (${s.identifier_rows} with direct identifiers, not stored)` : ""}` +
        `${s.rows - s.accepted - s.rejected_rows > 0 ? `, ${(s.rows - s.accepted - s.rejected_rows).toLocaleString("en-GB")} replaced by a later file` : ""}`,
    );
    await db.run(`INSERT INTO referral_file VALUES ($file, $format, $rows, $accepted, $rejected, $identifiers, $l21, $l11, $pc, $xy, $ignored, $synthetic)`, {
      file: s.file,
      format: s.format,
      rows: s.rows,
      accepted: s.accepted,
      rejected: s.rejected_rows,
      identifiers: s.identifier_rows,
      l21: s.lsoa21,
      l11: s.lsoa11_converted,
      pc: s.postcode,
      xy: s.coordinates,
      ignored: s.ignored_columns,
      synthetic: s.synthetic,
    });
  }
  await buildMeasures(db, place.id, place.name);
  const issues = await recordIssues(
    db,
    "referrals",
    `SELECT file, line AS "row", "column", value, reason, 'error' AS severity FROM referral_reject ORDER BY file, line, "column", reason`,
    ctx.reportsDir,
  );
  if (issues.errors > 0) log.warn(`referrals: ${issues.errors.toLocaleString("en-GB")} problems in the referral files: see ${issues.report}`);
  const has = await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = 'rf_change_pair'`);
  const changes = has.length
    ? await recordChanges(db, "referrals", `SELECT * FROM rf_change_pair`, ctx.reportsDir)
    : { records: 0, fields: 0, report: null };
  await db.run(`DROP TABLE IF EXISTS rf_change_pair`);
  const placed = await db.all<{ method: string; count: number }>(`SELECT location_method AS method, count(*)::INTEGER AS count FROM referral GROUP BY 1 ORDER BY 2 DESC, 1`);
  const [t] = await db.all<{ referrals: number; aggregates: number; rejects: number }>(`
    SELECT (SELECT count(*) FROM referral)::INTEGER AS referrals, (SELECT count(*) FROM referral_aggregate)::INTEGER AS aggregates,
           (SELECT count(*) FROM referral_reject)::INTEGER AS rejects`);
  if (files.length) log.info(`referrals: ${t.referrals.toLocaleString("en-GB")} referral records and ${t.aggregates.toLocaleString("en-GB")} aggregate rows stored; ${t.rejects.toLocaleString("en-GB")} problems reported`);
  const result: IngestResult = {
    kind: "referrals",
    files: stats.map((s) => ({ file: s.file, rowsRead: s.rows, accepted: s.accepted, rejected: s.rejected_rows, warnings: 0 })),
    rowsRead: stats.reduce((a, s) => a + s.rows, 0),
    accepted: stats.reduce((a, s) => a + s.accepted, 0),
    rejected: stats.reduce((a, s) => a + s.rejected_rows, 0),
    warnings: issues.warnings,
    warningsByReason: issues.byReason,
    placed,
    notices: [],
    changes: { records: changes.records, fields: changes.fields, report: changes.records ? changes.report : null },
    reports: files.length ? [issues.report] : [],
  };
  return { stats, result };
}

/**
 * A referral id in more than one file: the version in the latest ingest is kept, the others set aside (not rejected),
 * and each changed field goes to the changes report (rf_change_pair: identifier, old_json, new_json, old_file, new_file, rule).
 */
async function takeCorrections(db: Db, recordFiles: number): Promise<void> {
  const fields = "referral_date, practice_code, pcn_code, lsoa21cd, location_method, age_band, source, outcome, activity_id, days_waited, needs";
  // With fewer than two record-level files no id can be in two of them: the tables are made empty, without reading referral.
  const repeated = recordFiles > 1 ? "referral_id IN (SELECT referral_id FROM referral GROUP BY 1 HAVING count(DISTINCT file_order) > 1)" : "false";
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_versions AS
    SELECT file, file_order, line, referral_id, json_object(${fields.split(", ").map((f) => `'${f}', ${f}`).join(", ")}) AS j,
           row_number() OVER (PARTITION BY referral_id ORDER BY file_order DESC, line DESC) AS rn
    FROM referral WHERE ${repeated}`);
  await db.run(`
    CREATE OR REPLACE TABLE rf_change_pair AS
    SELECT o.referral_id AS identifier, o.j AS old_json, n.j AS new_json, o.file AS old_file, n.file AS new_file, 'later ingest' AS rule
    FROM rf_versions o JOIN rf_versions n ON n.referral_id = o.referral_id AND n.rn = 1
    WHERE o.rn > 1 AND o.j::VARCHAR <> n.j::VARCHAR`);
  if (await hasRows(db, `rf_versions WHERE rn > 1`))
    await db.run(`DELETE FROM referral r WHERE EXISTS (SELECT 1 FROM rf_versions v WHERE v.rn > 1 AND v.file_order = r.file_order AND v.line = r.line)`);
  await db.run(`DROP TABLE rf_versions`);
}

/**
 * Aggregate counts for a period, area and need given again in a later file (counts re-sent or revised): the later
 * ingest's row is kept and the earlier set aside, as for a referral id (added together they would count the same
 * referrals twice); changed counts join the changes report (rf_change_pair), identified as "period area need".
 */
async function takeAggregateCorrections(db: Db, aggregateFiles: number): Promise<void> {
  if (aggregateFiles < 2) return;
  await db.run(`
    CREATE OR REPLACE TEMP TABLE ra_versions AS
    SELECT file, file_order, line, period || ' ' || area_code || ' ' || need AS identifier, json_object('referrals', referrals, 'unmet', unmet) AS j,
           row_number() OVER (PARTITION BY period, layer, area_code, need ORDER BY file_order DESC, line DESC) AS rn
    FROM referral_aggregate SEMI JOIN (
      SELECT period, layer, area_code, need FROM referral_aggregate GROUP BY ALL HAVING count(DISTINCT file_order) > 1) USING (period, layer, area_code, need)`);
  await db.run(`
    INSERT INTO rf_change_pair
    SELECT o.identifier, o.j, n.j, o.file, n.file, 'later ingest'
    FROM ra_versions o JOIN ra_versions n ON n.identifier = o.identifier AND n.rn = 1
    WHERE o.rn > 1 AND o.j::VARCHAR <> n.j::VARCHAR`);
  await db.run(`DELETE FROM referral_aggregate a WHERE EXISTS (SELECT 1 FROM ra_versions v WHERE v.rn > 1 AND v.file_order = a.file_order AND v.line = a.line)`);
  await db.run(`DROP TABLE ra_versions`);
}

/** A referral id seen twice in one file: the first line is kept, the others rejected (across files, takeCorrections decides). */
async function removeDuplicates(db: Db): Promise<void> {
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_dup AS
    SELECT file, file_order, line, referral_id, first_file, first_line FROM (
      SELECT file, file_order, line, referral_id,
             first_value(file) OVER w AS first_file, first_value(line) OVER w AS first_line, row_number() OVER w AS rn
      FROM referral SEMI JOIN (SELECT referral_id, file_order FROM referral GROUP BY ALL HAVING count(*) > 1) USING (referral_id, file_order)
      WINDOW w AS (PARTITION BY referral_id, file_order ORDER BY line))
    WHERE rn > 1`);
  await db.run(`
    INSERT INTO referral_reject
    SELECT file, line, 'referral_id', referral_id,
           'duplicate referral id: also at ' || CASE WHEN first_file = file THEN 'line ' ELSE first_file || ' line ' END || first_line || ' (that row is kept)'
    FROM rf_dup ORDER BY file_order, line`);
  if (await hasRows(db, "rf_dup")) await db.run(`DELETE FROM referral r WHERE EXISTS (SELECT 1 FROM rf_dup d WHERE d.file_order = r.file_order AND d.line = r.line)`);
  await db.run(`DROP TABLE rf_dup`);
}

/** Aggregate rows for a month and area already covered by record-level referrals would count them twice: reject them. */
async function removeOverlaps(db: Db): Promise<void> {
  if (!(await hasRows(db, "referral_aggregate"))) return;
  await db.run(`
    CREATE OR REPLACE TEMP TABLE ra_overlap AS
    WITH rec AS (
      SELECT DISTINCT r.month, l.lsoa21cd, l.msoa21cd, l.ward_code, l.lad_code, r.pcn_code
      FROM referral r JOIN lsoa l USING (lsoa21cd))
    SELECT a.file, a.file_order, a.line FROM referral_aggregate a
    WHERE EXISTS (SELECT 1 FROM rec WHERE rec.month = a.period AND (
      (a.layer = 'lsoa' AND rec.lsoa21cd = a.area_code) OR (a.layer = 'msoa' AND rec.msoa21cd = a.area_code) OR
      (a.layer = 'ward' AND rec.ward_code = a.area_code) OR (a.layer = 'lad' AND rec.lad_code = a.area_code) OR
      (a.layer = 'pcn' AND rec.pcn_code = a.area_code)))`);
  await db.run(`
    INSERT INTO referral_reject
    SELECT a.file, a.line, 'area_code', a.area_code,
           'record-level referrals already cover this area in ' || a.period || ': the aggregate row would count them twice'
    FROM referral_aggregate a JOIN ra_overlap o USING (file_order, line) ORDER BY a.file_order, a.line`);
  await db.run(`DELETE FROM referral_aggregate a WHERE EXISTS (SELECT 1 FROM ra_overlap o WHERE o.file_order = a.file_order AND o.line = a.line)`);
  await db.run(`DROP TABLE ra_overlap`);
}

/** Whether a table (or `table WHERE condition`) has any row. */
async function hasRows(db: Db, from: string): Promise<boolean> {
  return (await db.all(`SELECT 1 FROM ${from} LIMIT 1`)).length > 0;
}
