// The referrals input stage: rebuilds every referral table from all registered files (records and aggregates), writes the rejects report, builds the measures.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Stage } from "../build/build.ts";
import type { Db } from "../db/connection.ts";
import { literal } from "../db/sql.ts";
import { originalName } from "../inputs/registry.ts";
import type { InputContext } from "../inputs/stages.ts";
import type { SpatialIndex } from "../../geo/spatial-index.ts";
import { ingestAggregateFile } from "./aggregate.ts";
import { readLayout } from "./format.ts";
import { buildMeasures } from "./measures.ts";
import { ingestRecordFile, type FileStats } from "./records.ts";
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

export function referralsStage(files: string[], ctx: ReferralContext, options: ReferralStageOptions = {}): Stage {
  return { name: `referrals: ${files.length} file(s)`, run: async (db) => void (await runReferralStage(db, files, ctx, options)) };
}

const tableDefinitions = [
  `CREATE TABLE referral (file VARCHAR, file_order INTEGER, line INTEGER, referral_id VARCHAR, referral_date DATE, month VARCHAR,
     financial_year VARCHAR, practice_code VARCHAR, pcn_code VARCHAR, lsoa21cd VARCHAR, location_method VARCHAR, age_band VARCHAR,
     source VARCHAR, outcome VARCHAR, activity_id VARCHAR, days_waited INTEGER, needs VARCHAR[])`,
  `CREATE TABLE referral_aggregate (file VARCHAR, file_order INTEGER, line INTEGER, period VARCHAR, layer VARCHAR, area_code VARCHAR,
     converted_from_2011 BOOLEAN, need VARCHAR, referrals INTEGER, unmet INTEGER)`,
  `CREATE TABLE referral_reject (file VARCHAR, line INTEGER, "column" VARCHAR, value VARCHAR, reason VARCHAR)`,
  `CREATE TABLE referral_file (file VARCHAR, format VARCHAR, "rows" INTEGER, accepted INTEGER, rejected_rows INTEGER, identifier_rows INTEGER,
     lsoa21 INTEGER, lsoa11_converted INTEGER, postcode INTEGER, coordinates INTEGER, ignored_columns VARCHAR, synthetic BOOLEAN)`,
];

export async function runReferralStage(db: Db, files: string[], ctx: ReferralContext, options: ReferralStageOptions = {}): Promise<FileStats[]> {
  const { log, place } = ctx;
  const rawDir = resolve(ctx.rawDir ?? process.env.CHEST_RAW ?? "data/raw");
  const today = options.today ?? process.env.CHEST_TODAY ?? todayInLondon();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new Error(`today must be yyyy-mm-dd, got ${today}`);

  for (const t of ["referral", "referral_aggregate", "referral_reject", "referral_file", "referral_measures"]) await db.run(`DROP TABLE IF EXISTS ${t}`);
  for (const sql of tableDefinitions) await db.run(sql);
  await writeNeedCategories(db);
  await buildPracticeTables(db, rawDir, files.length > 0, log);

  const stats: FileStats[] = [];
  if (files.length > 0) {
    await loadLsoaLookups(db, rawDir);
    const needs = await loadVocabulary(db, place);
    const hasPostcodes = await loadPostcodeDirectory(db, options.postcodes ?? ctx.postcodes ?? process.env.CHEST_POSTCODES ?? undefined);
    let index: SpatialIndex | undefined;
    const lazyIndex = () => (index ??= lsoaIndex(rawDir));
    // Files in the order of the names people gave them, so "the first of two duplicates" reads naturally.
    const ordered = [...files].sort((a, b) => (originalName(a) < originalName(b) ? -1 : originalName(a) > originalName(b) ? 1 : a < b ? -1 : 1));
    for (const [order, path] of ordered.entries()) {
      const label = originalName(path);
      const layout = readLayout(path, label);
      const s =
        layout.format === "records"
          ? await ingestRecordFile({ db, path, label, order, layout, today, hasPostcodes, index: lazyIndex })
          : await ingestAggregateFile({ db, path, label, order, layout, today, needs });
      stats.push(s);
      log.progress(
        `${label}: ${s.rows.toLocaleString("en-GB")} ${s.format === "records" ? "referrals" : "aggregate rows"}, ${s.accepted.toLocaleString("en-GB")} accepted, ` +
          `${s.rejected_rows.toLocaleString("en-GB")} rejected${s.identifier_rows ? ` (${s.identifier_rows} with direct identifiers, not stored)` : ""}`,
      );
      if (s.lsoa11_converted > 0)
        log.warn(
          `${label}: ${s.lsoa11_converted.toLocaleString("en-GB")} rows gave 2011 LSOA codes${s.lsoa21 > 0 ? ` (mixed with ${s.lsoa21.toLocaleString("en-GB")} rows of 2021 codes)` : ""}; converted to 2021 with the ONS best-fit lookup (recorded as location_method 'lsoa11')`,
        );
      if (layout.ignored.length) log.warn(`${label}: columns not read (never stored): ${layout.ignored.map((c) => `"${c}"`).join(", ")}`);
    }
    await removeDuplicates(db);
    await removeOverlaps(db);
    for (const t of ["rf_lsoa21", "rf_lsoa11", "rf_postcode", "rf_need_synonym", "rf_vocab"]) await db.run(`DROP TABLE IF EXISTS ${t}`);
  }
  // Per-file figures after duplicates and overlaps were taken out.
  for (const s of stats) {
    const [n] = await db.all<{ accepted: number; rejected: number }>(
      `SELECT (SELECT count(*) FROM ${s.format === "records" ? "referral" : "referral_aggregate"} WHERE file = $file)::INTEGER AS accepted,
              (SELECT count(DISTINCT line) FROM referral_reject WHERE file = $file)::INTEGER AS rejected`,
      { file: s.file },
    );
    s.accepted = n.accepted;
    s.rejected_rows = n.rejected;
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
  await writeRejectsReport(db, ctx.reportsDir, log, files.length);
  const [t] = await db.all<{ referrals: number; aggregates: number; rejects: number }>(`
    SELECT (SELECT count(*) FROM referral)::INTEGER AS referrals, (SELECT count(*) FROM referral_aggregate)::INTEGER AS aggregates,
           (SELECT count(*) FROM referral_reject)::INTEGER AS rejects`);
  if (files.length) log.info(`referrals: ${t.referrals.toLocaleString("en-GB")} referral records and ${t.aggregates.toLocaleString("en-GB")} aggregate rows stored; ${t.rejects.toLocaleString("en-GB")} problems reported`);
  return stats;
}

/** A referral id seen twice (in one file or across files): the first by file name and line is kept, the others rejected. */
async function removeDuplicates(db: Db): Promise<void> {
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_dup AS
    SELECT file, file_order, line, referral_id, first_file, first_line FROM (
      SELECT file, file_order, line, referral_id,
             first_value(file) OVER w AS first_file, first_value(line) OVER w AS first_line, row_number() OVER w AS rn
      FROM referral WINDOW w AS (PARTITION BY referral_id ORDER BY file_order, line))
    WHERE rn > 1`);
  await db.run(`
    INSERT INTO referral_reject
    SELECT file, line, 'referral_id', referral_id,
           'duplicate referral id: also at ' || CASE WHEN first_file = file THEN 'line ' ELSE first_file || ' line ' END || first_line || ' (that row is kept)'
    FROM rf_dup ORDER BY file_order, line`);
  await db.run(`DELETE FROM referral r WHERE EXISTS (SELECT 1 FROM rf_dup d WHERE d.file_order = r.file_order AND d.line = r.line)`);
  await db.run(`DROP TABLE rf_dup`);
}

/** Aggregate rows for a month and area already covered by record-level referrals would count them twice: reject them. */
async function removeOverlaps(db: Db): Promise<void> {
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

/** data/out/rejects/referrals-rejects.csv: every problem, with file, line, column, value (withheld for identifiers and postcodes) and reason. */
async function writeRejectsReport(db: Db, reportsDir: string, log: { info(m: string): void; warn(m: string): void }, files: number): Promise<void> {
  if (files === 0) return;
  mkdirSync(reportsDir, { recursive: true });
  const path = join(reportsDir, REJECTS_FILE);
  await db.run(`COPY (SELECT file, line, "column", value, reason FROM referral_reject ORDER BY file, line, "column", reason)
                TO ${literal(path)} (HEADER, DELIMITER ',')`);
  const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM referral_reject`);
  if (n > 0) log.warn(`referrals: ${n.toLocaleString("en-GB")} problems in the referral files: see ${path}`);
}
