// The grants input stage: read every registered 360Giving file, check it, reject with reasons (intake.ts), then rebuild the grant tables from scratch (same files → same tables).
import type { Db } from "../db/connection.ts";
import { asInputFiles, type InputContext, type InputFile, type KindStage } from "../kit/kind.ts";
import { recordIssues } from "../kit/issues.ts";
import { recordChanges } from "../kit/changes.ts";
import type { IngestResult } from "../kit/result.ts";
import type { Logger } from "../log.ts";
import type { Place } from "../place/schema.ts";
import { formatPounds } from "./money.ts";
import { formatNumber as n } from "../../src/lib/format.ts";
import { grantNotices } from "./notices.ts";
import { attributeFunders } from "./funders.ts";
import { locateGrants } from "./locate.ts";
import { stageGrantFiles, stagingTables, type IntakeOptions } from "./intake.ts";
import { checkTotals, finishTables } from "./finish.ts";
import { commentTables } from "./tables.ts";

export interface GrantStageOptions {
  place: Place;
  log: Logger;
  /** Folder for grants-rejects.csv (data/out/rejects by default in the CLI). */
  reportsDir: string;
  /** Fetched files (for the LSOA 2011 → 2021 lookup and the national code lists); default CHEST_RAW or data/raw. */
  rawDir?: string;
  /** A postcode directory (ONSPD/NSPL layout: pcds and lsoa21cd/lsoa21 columns); default CHEST_POSTCODES; none when empty. */
  postcodes?: string | null;
  /** How files are read and checked (intake.ts): the award-date warnings' today, CSV ledgers set-based or row by row. */
  intake?: IntakeOptions;
}

export type GrantContext = InputContext;

export const rejectsFileName = "grants-rejects.csv";

export interface GrantFileSummary {
  file: string;
  format: string;
  rowsRead: number;
  accepted: number;
  rejected: number;
  merged: number;
  superseded: number;
  warnings: number;
  acceptedPence: number;
}

export interface GrantIngestSummary {
  files: GrantFileSummary[];
  grants: number;
  rejected: number;
  warnings: number;
  totalPence: number;
  inPlacePence: number;
  rejectsReport: string;
  /** The kit's result (what `chest ingest` prints at the end). */
  result: IngestResult;
}

/** Read, validate and load every file, then place and attribute the money. Throws InputError (nothing changed) if a file cannot be read. */
export async function ingestGrants(db: Db, files: readonly (string | InputFile)[], options: GrantStageOptions): Promise<GrantIngestSummary> {
  const { log } = options;
  const rawDir = options.rawDir ?? process.env.CHEST_RAW ?? "data/raw";
  const postcodes = options.postcodes === undefined ? process.env.CHEST_POSTCODES || null : options.postcodes;

  let clock = performance.now();
  const lap = (what: string) => {
    const now = performance.now();
    log.progress(`grants: ${what} (${((now - clock) / 1000).toFixed(1)} s)`);
    clock = now;
  };

  // 1. Read and check every file in ingest order, decide corrections across files, fill the staging tables (intake.ts).
  const intake = await stageGrantFiles(db, asInputFiles("grants", files).sort((x, y) => x.seq - y.seq), log, options.intake);
  lap(`read and checked ${n(files.length)} file(s): ${n(intake.grants)} grant(s)`);

  // 2. Place the money (LSOAs), then attribute it to funders.
  await locateGrants(db, { place: options.place, rawDir, postcodes, log, nextIssue: intake.issues + 1 });
  lap("placed the money in LSOAs");
  await attributeFunders(db, options.place);
  lap("attributed the money to funders");
  await finishTables(db);
  await checkTotals(db);
  await commentTables(db);
  lap("checked the totals");
  for (const spec of stagingTables) await db.run(`DROP TABLE IF EXISTS ${spec.name}`);

  // 3. Report: problems, corrections, and the warnings that matter.
  const issues = await recordIssues(
    db,
    "grants",
    `SELECT r.file, r."row", r."column", r.value, r.reason, r.severity, r.sheet, r.grant_id
     FROM grants_rejects r LEFT JOIN grant_files f USING (file) ORDER BY f.seq NULLS LAST, r.row NULLS FIRST, r.n`,
    options.reportsDir,
    ["sheet", "grant_id"],
  );
  const changes = await recordChanges(db, "grants", `SELECT identifier, old_json::JSON AS old_json, new_json::JSON AS new_json, old_file, new_file, rule FROM grants_change_pairs`, options.reportsDir);
  await db.run(`DROP TABLE grants_change_pairs`);
  const summary = await summarise(db, issues.report);
  const placedBy = await db.all<{ method: string; count: number; pence: number }>(
    `SELECT location_method AS method, count(*)::INTEGER AS count, sum(amount_pence)::DOUBLE AS pence FROM grants GROUP BY 1 ORDER BY 3 DESC, 1`,
  );
  summary.result = {
    kind: "grants",
    files: summary.files.map((f) => ({ file: f.file, rowsRead: f.rowsRead, accepted: f.accepted, rejected: f.rejected, warnings: f.warnings })),
    rowsRead: summary.files.reduce((a, f) => a + f.rowsRead, 0),
    accepted: summary.grants,
    rejected: summary.rejected,
    warnings: issues.warnings,
    warningsByReason: issues.byReason,
    placed: placedBy.map((p) => ({ method: p.method, count: p.count, pounds: p.pence / 100 })),
    notices: await grantNotices(db, options.place, Boolean(postcodes)),
    changes: { records: changes.records, fields: changes.fields, report: changes.records ? changes.report : null },
    reports: [issues.report],
  };
  for (const f of summary.files)
    log.info(
      `grants: ${f.file}: ${n(f.rowsRead)} read, ${n(f.accepted)} accepted (${formatPounds(f.acceptedPence)}), ${n(f.rejected)} rejected${f.merged ? `, ${n(f.merged)} merged` : ""}, ${n(f.warnings)} warning${f.warnings === 1 ? "" : "s"}`,
    );
  log.info(
    `grants: ${n(summary.grants)} grants, ${formatPounds(summary.totalPence)}; ${formatPounds(summary.inPlacePence)} placed in ${options.place.name}; ${n(summary.rejected)} rejected row(s), ${n(summary.warnings)} warning(s): ${issues.report}`,
  );
  return summary;
}

async function summarise(db: Db, rejectsReport: string): Promise<GrantIngestSummary> {
  const files = await db.all<GrantFileSummary>(`
    SELECT file, format, rows_read AS "rowsRead", accepted, rejected, merged, superseded, warnings, accepted_pence::DOUBLE AS "acceptedPence"
    FROM grant_files ORDER BY seq`);
  const [t] = await db.all<{ grants: number; total: number; placed: number; warnings: number }>(`
    SELECT count(*)::INTEGER AS grants, coalesce(sum(amount_pence), 0)::DOUBLE AS total, coalesce(sum(in_place_pence), 0)::DOUBLE AS placed,
      (SELECT count(*) FROM grants_rejects WHERE severity = 'warning')::INTEGER AS warnings
    FROM grants`);
  return {
    files,
    result: undefined as unknown as IngestResult,
    grants: t.grants,
    rejected: files.reduce((a, f) => a + f.rejected, 0),
    warnings: t.warnings,
    totalPence: t.total,
    inPlacePence: t.placed,
    rejectsReport,
  };
}

/** The kind's stage that `chest ingest grants` and `chest build` run (declared in kind.ts). */
export function grantsStage(files: readonly (string | InputFile)[], ctx: GrantContext): KindStage {
  return {
    name: `grants: ${files.length} file${files.length === 1 ? "" : "s"}`,
    run: async (db) => (await ingestGrants(db, files, { place: ctx.place, log: ctx.log, reportsDir: ctx.reportsDir, rawDir: ctx.rawDir, postcodes: ctx.postcodes })).result,
  };
}
