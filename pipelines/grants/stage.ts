// The grants input stage: read every registered 360Giving file, validate, reject with reasons, then rebuild the grant tables from scratch (same files → same tables).
import type { Db } from "../db/connection.ts";
import { asInputFiles, type InputContext, type InputFile, type KindStage } from "../kit/kind.ts";
import { recordIssues } from "../kit/issues.ts";
import { recordChanges } from "../kit/changes.ts";
import type { IngestResult } from "../kit/result.ts";
import { appendRows, createTable, type TableDecl } from "../kit/table.ts";
import type { Logger } from "../log.ts";
import type { Place } from "../place/schema.ts";
import { formatPounds } from "./money.ts";
import { grantNotices } from "./notices.ts";
import { attributeFunders } from "./funders.ts";
import { locateGrants } from "./locate.ts";
import { readGrantFile, type ReadIssue } from "./read.ts";
import { checkTotals, finishTables } from "./finish.ts";
import { commentTables, tableDoc } from "./tables.ts";
import { validateGrant, type AcceptedGrant, type Grant360 } from "./validate.ts";
import type { SourceRecord } from "./read.ts";

export interface GrantStageOptions {
  place: Place;
  log: Logger;
  /** Folder for grants-rejects.csv (data/out/rejects by default in the CLI). */
  reportsDir: string;
  /** Fetched files (for the LSOA 2011 → 2021 lookup and the national code lists); default CHEST_RAW or data/raw. */
  rawDir?: string;
  /** A postcode directory (ONSPD/NSPL layout: pcds and lsoa21cd/lsoa21 columns); default CHEST_POSTCODES; none when empty. */
  postcodes?: string | null;
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

/** An accepted grant and where it came from, while corrections are decided. */
interface Candidate extends AcceptedGrant {
  fileSeq: number;
  seq: number;
  file: string;
  record: SourceRecord;
  json: boolean;
}

/** The kit's corrections rule for grants: the later Last Modified wins, else the later ingest. */
function decide(prev: Candidate, next: Candidate): { winner: Candidate; loser: Candidate; rule: string } {
  const a = Date.parse(String(prev.grant.dateModified ?? ""));
  const b = Date.parse(String(next.grant.dateModified ?? ""));
  if (Number.isFinite(a) && Number.isFinite(b) && a !== b)
    return b > a ? { winner: next, loser: prev, rule: "later Last Modified" } : { winner: prev, loser: next, rule: "older Last Modified ignored" };
  if (next.seq !== prev.seq) return next.seq > prev.seq ? { winner: next, loser: prev, rule: "later ingest" } : { winner: prev, loser: next, rule: "later ingest" };
  return next.record.row > prev.record.row ? { winner: next, loser: prev, rule: "later row" } : { winner: prev, loser: next, rule: "later row" };
}

// Staging tables, filled from JavaScript and dropped at the end.
const stgGrant: TableDecl = {
  name: "grants_stg_grant",
  columns: [
    ["grant_id", "VARCHAR"],
    ["file_seq", "INTEGER"],
    ["title", "VARCHAR"],
    ["description", "VARCHAR"],
    ["currency", "VARCHAR"],
    ["amount_pence", "BIGINT"],
    ["award_date", "VARCHAR"],
    ["planned_start", "VARCHAR"],
    ["planned_end", "VARCHAR"],
    ["planned_months", "DOUBLE"],
    ["recipient_type", "VARCHAR"],
    ["recipient_id", "VARCHAR"],
    ["recipient_name", "VARCHAR"],
    ["recipient_charity_number", "VARCHAR"],
    ["recipient_company_number", "VARCHAR"],
    ["recipient_postcode", "VARCHAR"],
    ["funding_org_id", "VARCHAR"],
    ["funding_org_name", "VARCHAR"],
    ["funding_org_count", "INTEGER"],
    ["programme_code", "VARCHAR"],
    ["programme_title", "VARCHAR"],
    ["themes", "VARCHAR"],
    ["source_file", "VARCHAR"],
    ["source_sheet", "VARCHAR"],
    ["source_row", "INTEGER"],
    ["data_source", "VARCHAR"],
    ["date_modified", "VARCHAR"],
    ["grant_json", "VARCHAR"],
    ["extra_json", "VARCHAR"],
    ["gk", "INTEGER"],
  ],
};
const stgLocation: TableDecl = {
  name: "grants_stg_location",
  columns: [
    ["grant_id", "VARCHAR"],
    ["seq", "INTEGER"],
    ["name", "VARCHAR"],
    ["geo_code", "VARCHAR"],
    ["geo_code_type", "VARCHAR"],
    ["country_code", "VARCHAR"],
    ["source_column", "VARCHAR"],
    ["gk", "INTEGER"],
  ],
};
const stgRecipientCode: TableDecl = {
  name: "grants_stg_recipient_code",
  columns: [
    ["grant_id", "VARCHAR"],
    ["seq", "INTEGER"],
    ["geo_code", "VARCHAR"],
  ],
};
const stgProgramme: TableDecl = {
  name: "grants_stg_programme",
  columns: [
    ["grant_id", "VARCHAR"],
    ["seq", "INTEGER"],
    ["code", "VARCHAR"],
    ["title", "VARCHAR"],
  ],
};
const stgFile: TableDecl = {
  name: "grants_stg_file",
  columns: [
    ["seq", "INTEGER"],
    ["file", "VARCHAR"],
    ["stored_as", "VARCHAR"],
    ["format", "VARCHAR"],
    ["encoding", "VARCHAR"],
    ["sheet", "VARCHAR"],
    ["rows_read", "INTEGER"],
    ["accepted", "INTEGER"],
    ["rejected", "INTEGER"],
    ["merged", "INTEGER"],
    ["superseded", "INTEGER"],
    ["accepted_pence", "BIGINT"],
  ],
};
const rejectsSpec = tableDoc("grants_rejects");
const changePairsSpec: TableDecl = {
  name: "grants_change_pairs",
  columns: [["identifier", "VARCHAR"], ["old_json", "VARCHAR"], ["new_json", "VARCHAR"], ["old_file", "VARCHAR"], ["new_file", "VARCHAR"], ["rule", "VARCHAR"]],
};
const fundingOrgSpec = tableDoc("grant_funding_orgs");
/** Where the appender finds a temporary table. */
const temp = { schema: "main", catalog: "temp" };

function showValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  let text: string;
  if (value instanceof Date) text = value.toISOString();
  else if (typeof value === "object") text = JSON.stringify(value);
  else text = String(value);
  return text.length > 200 ? `${text.slice(0, 197)}…` : text;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : v === undefined || v === null ? null : String(v));

/** What a cleaned grant contributes to the staging tables. */
function stagingRows(
  g: Grant360,
  amountPence: number,
  extras: Record<string, unknown> | null,
  fileSeq: number,
  file: string,
  sheet: string | null,
  row: number,
  label: (p: (string | number)[]) => string,
  gk: number,
) {
  const id = g.id;
  const org = g.recipientOrganization?.[0] as Record<string, unknown> | undefined;
  const ind = g.recipientIndividual as Record<string, unknown> | undefined;
  const funders = (g.fundingOrganization ?? []) as Record<string, unknown>[];
  const programmes = ((g.grantProgramme as Record<string, unknown>[] | undefined) ?? []) as Record<string, unknown>[];
  const planned = ((g.plannedDates as Record<string, unknown>[] | undefined) ?? [])[0];
  const themes = ((g.classifications as Record<string, unknown>[] | undefined) ?? []).map((c) => str(c.title) ?? str(c.code)).filter(Boolean);
  const grantRow = [
    id,
    fileSeq,
    g.title,
    g.description,
    g.currency,
    amountPence,
    g.awardDate,
    str(planned?.startDate),
    str(planned?.endDate),
    typeof planned?.duration === "number" ? planned.duration : null,
    org ? "organisation" : "individual",
    str(org ? org.id : ind?.id),
    str(org ? org.name : ind?.name),
    str(org?.charityNumber),
    str(org?.companyNumber),
    str(org?.postalCode),
    str(funders[0]?.id),
    str(funders[0]?.name),
    funders.length,
    str(programmes[0]?.code),
    str(programmes[0]?.title),
    themes.length ? themes.join("; ") : null,
    file,
    sheet,
    row,
    str(g.dataSource),
    str(g.dateModified),
    JSON.stringify(g),
    extras ? JSON.stringify(extras) : null,
    gk,
  ];
  const locations = ((g.beneficiaryLocation as Record<string, unknown>[] | undefined) ?? []).map((l, i) => [
    id,
    i,
    str(l.name),
    str(l.geoCode),
    str(l.geoCodeType),
    str(l.countryCode),
    label(["beneficiaryLocation", i, "geoCode"]),
    gk,
  ]);
  const recipientCodes = ((org?.location as Record<string, unknown>[] | undefined) ?? [])
    .map((l, i) => [id, i, str(l.geoCode)])
    .filter((r) => r[2] !== null);
  const programmeRows = programmes.map((p, i) => [id, i, str(p.code), str(p.title)]);
  const funderRows = funders.map((f, i) => [id, i, str(f.id), str(f.name)]);
  return { grantRow, locations, recipientCodes, programmeRows, funderRows };
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

  // 1. Read every file first, in ingest order: an unreadable file stops everything before the database is touched.
  const reads = [];
  for (const f of asInputFiles("grants", files).sort((x, y) => x.seq - y.seq)) reads.push({ path: f.path, file: f.name, seq: f.seq, result: await readGrantFile(f.path, f.name) });

  lap(`read ${reads.length} file(s)`);

  // 2. Validate, in ingest order. An Identifier seen again in a later file is a correction: the version with the later
  // Last Modified wins, else the later ingest (the kit's rule, pipelines/kit/changes.ts); the other is set aside.
  const rejects: unknown[][] = [];
  const changePairs: unknown[][] = [];
  const kept = new Map<string, Candidate>();
  let n = 0;
  const addIssue = (file: string, i: ReadIssue) =>
    rejects.push([++n, file, i.sheet, i.row, i.column, showValue(i.value), i.severity, i.reason, i.grantId ?? null]);
  const perFile = reads.map(() => ({ rejectedRows: new Set<number>(), superseded: 0 }));

  for (const [fileSeq, { file, seq, result }] of reads.entries()) {
    for (const issue of result.issues) {
      addIssue(file, issue);
      // Whole-file notes (encoding, extra or missing columns, sheets not read) are said on the console too.
      if (issue.severity === "warning" && (issue.row === null || (issue.row === 1 && result.format !== "json"))) log.warn(`grants: ${file}: ${issue.reason}`);
      if (issue.severity === "error" && issue.row !== null) perFile[fileSeq].rejectedRows.add(issue.row);
    }
    // Identifiers accepted so far from this file: a later copy that contradicts (or adds nothing to) an accepted one is
    // rejected; a copy whose earlier copies were all rejected is kept.
    const acceptedHere = new Map<string, number>();
    for (const record of result.records) {
      const dup = record.duplicate;
      if (dup && acceptedHere.has(dup.id)) {
        const kept = acceptedHere.get(dup.id)!;
        const reason = kept === dup.firstRow ? dup.reason : `duplicate Identifier: ${result.format === "json" ? "grant" : "row"} ${kept} of this file has the same Identifier`;
        addIssue(file, { row: record.row, sheet: record.sheet, column: record.label(["id"]), value: dup.id, reason, severity: "error", grantId: dup.id });
        perFile[fileSeq].rejectedRows.add(record.row);
        continue;
      }
      const v = validateGrant(record.raw);
      const id = v.ok ? v.accepted.grant.id : typeof record.raw.id === "string" ? record.raw.id.trim() : str(record.raw.id);
      for (const i of v.issues) addIssue(file, { row: record.row, sheet: record.sheet, column: record.label(i.path), value: i.value, reason: i.reason, severity: i.severity, grantId: id });
      if (!v.ok) {
        perFile[fileSeq].rejectedRows.add(record.row);
        continue;
      }
      if (dup)
        addIssue(file, {
          row: record.row,
          sheet: record.sheet,
          column: record.label(["id"]),
          value: dup.id,
          reason: `the same Identifier as ${result.format === "json" ? "grant" : "row"} ${dup.firstRow} of this file, which was rejected; this copy is kept`,
          severity: "warning",
          grantId: dup.id,
        });
      acceptedHere.set(v.accepted.grant.id, record.row);
      const cand: Candidate = { ...v.accepted, fileSeq, seq, file, record, json: result.format === "json" };
      const prev = kept.get(cand.grant.id);
      if (!prev) {
        kept.set(cand.grant.id, cand);
        continue;
      }
      const { winner, loser, rule } = decide(prev, cand);
      kept.set(cand.grant.id, winner);
      perFile[loser.fileSeq].superseded++;
      const same = JSON.stringify(prev.grant) === JSON.stringify(cand.grant);
      const where = `${winner.file}${winner.record.sheet ? ` (sheet ${winner.record.sheet})` : ""}, ${winner.json ? "grant" : "row"} ${winner.record.row}`;
      addIssue(loser.file, {
        row: loser.record.row,
        sheet: loser.record.sheet,
        column: loser.record.label(["id"]),
        value: cand.grant.id,
        reason: same ? `the same grant is also in ${where}, unchanged; that copy is kept (${rule})` : `corrected: a newer version of this grant is in ${where} (${rule}); this version is set aside`,
        severity: "warning",
        grantId: cand.grant.id,
      });
      if (!same) changePairs.push([cand.grant.id, JSON.stringify({ amount_pence: loser.amountPence, ...loser.grant }), JSON.stringify({ amount_pence: winner.amountPence, ...winner.grant }), loser.file, winner.file, rule]);
    }
  }

  const grantRows: unknown[][] = [];
  const locationRows: unknown[][] = [];
  const recipientCodeRows: unknown[][] = [];
  const programmeRows: unknown[][] = [];
  const funderRows: unknown[][] = [];
  const acceptedOf = reads.map(() => ({ accepted: 0, pence: 0 }));
  for (const c of [...kept.values()].sort((a, b) => a.fileSeq - b.fileSeq || a.record.row - b.record.row)) {
    const rows = stagingRows(c.grant, c.amountPence, c.extras, c.fileSeq, c.file, c.record.sheet, c.record.row, c.record.label, grantRows.length);
    grantRows.push(rows.grantRow);
    locationRows.push(...rows.locations);
    recipientCodeRows.push(...rows.recipientCodes);
    programmeRows.push(...rows.programmeRows);
    funderRows.push(...rows.funderRows);
    acceptedOf[c.fileSeq].accepted++;
    acceptedOf[c.fileSeq].pence += c.amountPence;
  }
  const fileRows = reads.map(({ path, file, result }, fileSeq) => {
    const merged = result.issues.filter((i) => i.severity === "warning" && i.reason.startsWith("merged into row")).length;
    const { accepted, pence } = acceptedOf[fileSeq];
    return [fileSeq, file, path.split(/[\\/]/).pop(), result.format, result.encoding, result.sheet, result.rowsRead, accepted, perFile[fileSeq].rejectedRows.size, merged, perFile[fileSeq].superseded, pence];
  });

  lap(`validated ${grantRows.length} grant(s)`);

  // 3. Load. Every table is dropped and rebuilt, so the result depends only on the files.
  // Staging tables are temporary (in memory): only the final tables are written to the database file.
  for (const spec of [stgGrant, stgLocation, stgRecipientCode, stgProgramme, stgFile]) await createTable(db, spec, { temp: true });
  await createTable(db, rejectsSpec);
  await createTable(db, fundingOrgSpec);
  await appendRows(db, stgGrant, grantRows, temp);
  await appendRows(db, stgLocation, locationRows, temp);
  await appendRows(db, stgRecipientCode, recipientCodeRows, temp);
  await appendRows(db, stgProgramme, programmeRows, temp);
  await appendRows(db, stgFile, fileRows, temp);
  await appendRows(db, rejectsSpec, rejects);
  await appendRows(db, fundingOrgSpec, funderRows);

  lap("loaded into the database");

  // 4. Place the money (LSOAs), then attribute it to funders.
  await locateGrants(db, { place: options.place, rawDir, postcodes, log, nextIssue: n + 1 });
  lap("placed the money in LSOAs");
  await attributeFunders(db, options.place);
  lap("attributed the money to funders");
  await finishTables(db);
  await checkTotals(db);
  await commentTables(db);
  lap("checked the totals");
  for (const spec of [stgGrant, stgLocation, stgRecipientCode, stgProgramme, stgFile]) await db.run(`DROP TABLE IF EXISTS ${spec.name}`);

  // 5. Report: problems, corrections, and the warnings that matter.
  const issues = await recordIssues(
    db,
    "grants",
    `SELECT r.file, r."row", r."column", r.value, r.reason, r.severity, r.sheet, r.grant_id
     FROM grants_rejects r LEFT JOIN grant_files f USING (file) ORDER BY f.seq NULLS LAST, r.row NULLS FIRST, r.n`,
    options.reportsDir,
    ["sheet", "grant_id"],
  );
  await createTable(db, changePairsSpec, { temp: true });
  await appendRows(db, changePairsSpec, changePairs, temp);
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
      `grants: ${f.file}: ${f.rowsRead} read, ${f.accepted} accepted (${formatPounds(f.acceptedPence)}), ${f.rejected} rejected${f.merged ? `, ${f.merged} merged` : ""}, ${f.warnings} warning${f.warnings === 1 ? "" : "s"}`,
    );
  log.info(
    `grants: ${summary.grants} grants, ${formatPounds(summary.totalPence)}; ${formatPounds(summary.inPlacePence)} placed in ${options.place.name}; ${summary.rejected} rejected row(s), ${summary.warnings} warning(s): ${issues.report}`,
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
