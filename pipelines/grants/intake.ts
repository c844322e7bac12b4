// The front half of the grants stage: every file read and checked into candidate tables (CSV ledgers set-based in DuckDB, checks.ts; JSON packages, workbooks and CSVs that need the lenient reader row by row, validate.ts), corrections across files decided, and the staging tables filled for locate/funders.
import type { Db } from "../db/connection.ts";
import type { InputFile } from "../kit/kind.ts";
import { literal } from "../db/sql.ts";
import { onOneThread, ROW_GROUP_ROWS } from "../db/threads.ts";
import { appendRows, createTable, type TableDecl } from "../kit/table.ts";
import type { Logger } from "../log.ts";
import { dropRawTables, RAW_TABLE, readCsvLedger, type BulkLedger } from "./bulk.ts";
import { checkSql, createCheckMacros } from "./checks.ts";
import { readGrantFile, type ReadIssue, type ReadResult } from "./read.ts";
import { rebuildGrantJson } from "./rebuild.ts";
import { tableDoc } from "./tables.ts";
import { validateGrant, type Grant360 } from "./validate.ts";

// Staging tables, read by locate.ts and funders.ts and dropped at the end of the stage (the contract with them).
export const stgGrant: TableDecl = {
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
    ["gk", "INTEGER"],
  ],
};
export const stgLocation: TableDecl = {
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
export const stgRecipientCode: TableDecl = {
  name: "grants_stg_recipient_code",
  columns: [
    ["grant_id", "VARCHAR"],
    ["seq", "INTEGER"],
    ["geo_code", "VARCHAR"],
  ],
};
export const stgProgramme: TableDecl = {
  name: "grants_stg_programme",
  columns: [
    ["grant_id", "VARCHAR"],
    ["seq", "INTEGER"],
    ["code", "VARCHAR"],
    ["title", "VARCHAR"],
  ],
};
export const stgFile: TableDecl = {
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
export const stagingTables = [stgGrant, stgLocation, stgRecipientCode, stgProgramme, stgFile];
export const changePairsSpec: TableDecl = {
  name: "grants_change_pairs",
  columns: [["identifier", "VARCHAR"], ["old_json", "VARCHAR"], ["new_json", "VARCHAR"], ["old_file", "VARCHAR"], ["new_file", "VARCHAR"], ["rule", "VARCHAR"]],
};

// Working tables of the intake: every problem (with the order it was found in), every accepted grant of every file
// (candidates: the same Identifier may be in several files), their lists, and each file's facts.
const issueTable: TableDecl = {
  name: "grants_iss",
  columns: [
    ["file_seq", "INTEGER"],
    ["phase", "INTEGER"],
    ["ord_row", "INTEGER"],
    ["sub", "INTEGER"],
    ["file", "VARCHAR"],
    ["sheet", "VARCHAR"],
    ["row", "INTEGER"],
    ["column", "VARCHAR"],
    ["value", "VARCHAR"],
    ["severity", "VARCHAR"],
    ["reason", "VARCHAR"],
    ["grant_id", "VARCHAR"],
  ],
};
/**
 * Where a grant came from and what decides corrections (grant_json: the grant's JSON, for the row-by-row files only;
 * a checked ledger's grants are rebuilt from the file when an Identifier is in another file too), then the staging
 * columns (stgGrant's, in its order).
 */
const candTable: TableDecl = {
  name: "grants_cand",
  columns: [
    ["file_seq", "INTEGER"],
    ["seq", "INTEGER"],
    ["file", "VARCHAR"],
    ["sheet", "VARCHAR"],
    ["row", "INTEGER"],
    ["json", "BOOLEAN"],
    ["id_label", "VARCHAR"],
    ["grant_id", "VARCHAR"],
    ["date_modified", "VARCHAR"],
    ["amount_pence", "BIGINT"],
    ["grant_json", "VARCHAR"],
    ...stgGrant.columns.filter(([n]) => !["grant_id", "file_seq", "amount_pence", "source_file", "source_sheet", "source_row", "date_modified", "gk"].includes(n)),
  ],
};
const key = [["file_seq", "INTEGER"], ["row", "INTEGER"], ["seq", "INTEGER"]] as const;
const candLocation: TableDecl = {
  name: "grants_cand_location",
  columns: [...key, ["name", "VARCHAR"], ["geo_code", "VARCHAR"], ["geo_code_type", "VARCHAR"], ["country_code", "VARCHAR"], ["source_column", "VARCHAR"]],
};
const candCode: TableDecl = { name: "grants_cand_code", columns: [...key, ["geo_code", "VARCHAR"]] };
const candProgramme: TableDecl = { name: "grants_cand_programme", columns: [...key, ["code", "VARCHAR"], ["title", "VARCHAR"]] };
const candFunder: TableDecl = { name: "grants_cand_funder", columns: [...key, ["org_id", "VARCHAR"], ["org_name", "VARCHAR"]] };
const fileTable: TableDecl = {
  name: "grants_intake_file",
  columns: [["seq", "INTEGER"], ["file", "VARCHAR"], ["stored_as", "VARCHAR"], ["format", "VARCHAR"], ["encoding", "VARCHAR"], ["sheet", "VARCHAR"], ["rows_read", "INTEGER"]],
};
const workTables = [issueTable, candTable, candLocation, candCode, candProgramme, candFunder, fileTable];
const temp = { schema: "main", catalog: "temp" };

/** Issue order: whole-file and reading notes (phase 0) before the records' (phase 1, by row, then in the order found). */
const DUPLICATE_KEPT = 1_000_000;
const CORRECTION = 1_000_001;

function showValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  let text: string;
  if (value instanceof Date) text = value.toISOString();
  else if (typeof value === "object") text = JSON.stringify(value);
  else text = String(value);
  return text.length > 200 ? `${text.slice(0, 197)}…` : text;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : v === undefined || v === null ? null : String(v));

interface FileIn {
  fileSeq: number;
  seq: number;
  file: string;
  path: string;
}

/** Rows for the working tables, from the JavaScript path. */
class Sink {
  issues: unknown[][] = [];
  cands: unknown[][] = [];
  locations: unknown[][] = [];
  codes: unknown[][] = [];
  programmes: unknown[][] = [];
  funders: unknown[][] = [];
  issue(f: FileIn, phase: number, ordRow: number, sub: number, i: ReadIssue) {
    this.issues.push([f.fileSeq, phase, ordRow, sub, f.file, i.sheet, i.row, i.column, showValue(i.value), i.severity, i.reason, i.grantId ?? null]);
  }
  async flush(db: Db) {
    await appendRows(db, issueTable, this.issues, temp);
    await appendRows(db, candTable, this.cands, temp);
    await appendRows(db, candLocation, this.locations, temp);
    await appendRows(db, candCode, this.codes, temp);
    await appendRows(db, candProgramme, this.programmes, temp);
    await appendRows(db, candFunder, this.funders, temp);
  }
}

/** What an accepted grant (validate.ts) contributes to the candidate tables. */
function candidateRows(sink: Sink, f: FileIn, g: Grant360, amountPence: number, sheet: string | null, row: number, json: boolean, label: (p: (string | number)[]) => string) {
  const org = g.recipientOrganization?.[0] as Record<string, unknown> | undefined;
  const ind = g.recipientIndividual as Record<string, unknown> | undefined;
  const funders = (g.fundingOrganization ?? []) as Record<string, unknown>[];
  const programmes = ((g.grantProgramme as Record<string, unknown>[] | undefined) ?? []) as Record<string, unknown>[];
  const planned = ((g.plannedDates as Record<string, unknown>[] | undefined) ?? [])[0];
  const themes = ((g.classifications as Record<string, unknown>[] | undefined) ?? []).map((c) => str(c.title) ?? str(c.code)).filter(Boolean);
  sink.cands.push([
    f.fileSeq, f.seq, f.file, sheet, row, json, label(["id"]), g.id, str(g.dateModified), amountPence, JSON.stringify(g),
    g.title, g.description, g.currency, g.awardDate, str(planned?.startDate), str(planned?.endDate), typeof planned?.duration === "number" ? planned.duration : null,
    org ? "organisation" : "individual", str(org ? org.id : ind?.id), str(org ? org.name : ind?.name), str(org?.charityNumber), str(org?.companyNumber), str(org?.postalCode),
    str(funders[0]?.id), str(funders[0]?.name), funders.length, str(programmes[0]?.code), str(programmes[0]?.title), themes.length ? themes.join("; ") : null, str(g.dataSource),
  ]);
  ((g.beneficiaryLocation as Record<string, unknown>[] | undefined) ?? []).forEach((l, i) =>
    sink.locations.push([f.fileSeq, row, i, str(l.name), str(l.geoCode), str(l.geoCodeType), str(l.countryCode), label(["beneficiaryLocation", i, "geoCode"])]),
  );
  ((org?.location as Record<string, unknown>[] | undefined) ?? []).forEach((l, i) => str(l.geoCode) !== null && sink.codes.push([f.fileSeq, row, i, str(l.geoCode)]));
  programmes.forEach((p, i) => sink.programmes.push([f.fileSeq, row, i, str(p.code), str(p.title)]));
  funders.forEach((o, i) => sink.funders.push([f.fileSeq, row, i, str(o.id), str(o.name)]));
}

/** A file read by read.ts, validated grant by grant (validate.ts). */
function validateRecords(sink: Sink, f: FileIn, result: ReadResult): void {
  result.issues.forEach((issue, k) => sink.issue(f, 0, k, 0, issue));
  // Identifiers accepted so far from this file: a later copy that contradicts (or adds nothing to) an accepted one is
  // rejected; a copy whose earlier copies were all rejected is kept.
  const acceptedHere = new Map<string, number>();
  const unit = result.format === "json" ? "grant" : "row";
  for (const record of result.records) {
    const dup = record.duplicate;
    const at = (sub: number, i: Omit<ReadIssue, "row" | "sheet">) => sink.issue(f, 1, record.row, sub, { ...i, row: record.row, sheet: record.sheet });
    if (dup && acceptedHere.has(dup.id)) {
      const kept = acceptedHere.get(dup.id)!;
      at(0, { column: record.label(["id"]), value: dup.id, reason: kept === dup.firstRow ? dup.reason : `duplicate Identifier: ${unit} ${kept} of this file has the same Identifier`, severity: "error", grantId: dup.id });
      continue;
    }
    const v = validateGrant(record.raw);
    const id = v.ok ? v.accepted.grant.id : typeof record.raw.id === "string" ? record.raw.id.trim() : str(record.raw.id);
    v.issues.forEach((i, k) => at(k, { column: record.label(i.path), value: i.value, reason: i.reason, severity: i.severity, grantId: id }));
    if (!v.ok) continue;
    if (dup) at(DUPLICATE_KEPT, { column: record.label(["id"]), value: dup.id, reason: `the same Identifier as ${unit} ${dup.firstRow} of this file, which was rejected; this copy is kept`, severity: "warning", grantId: dup.id });
    acceptedHere.set(v.accepted.grant.id, record.row);
    candidateRows(sink, f, v.accepted.grant, v.accepted.amountPence, record.sheet, record.row, result.format === "json", record.label);
  }
}

/**
 * A checked ledger's table (grants_chk_<file>) and, per list the staging tables need, the SELECT of its accepted
 * grants' items: file_seq, row, grant_id, gk, seq, then the columns of the candidate table the row-by-row path fills.
 */
interface Checked {
  table: string;
  file: FileIn;
  items: Map<string, string>;
}

/** A CSV ledger loaded by bulk.ts, checked set-based (checks.ts) into the working tables. */
async function checkLedger(db: Db, f: FileIn, bulk: BulkLedger, today: string): Promise<Checked> {
  const sink = new Sink();
  bulk.issues.forEach((issue, k) => sink.issue(f, 0, k, 0, issue));
  const check = checkSql(bulk.layout, RAW_TABLE);
  // On one thread the rows come out in the order read; a larger ledger, checked with more, is sorted by row (its
  // ingest order), as the joins of the check's lookups can give whole row groups back in another order (300,000 rows,
  // two threads: 0.84-0.90 s sorted, 1.05-1.08 s checked row by row without the lookups).
  const oneThread = bulk.rowsRead <= ROW_GROUP_ROWS;
  const chk = `grants_chk_${f.fileSeq}`;
  // One pass: every row checked; each grant's staging columns first (grants_stg_grant's order, file/sheet/row not yet
  // renamed), then what corrections and the lists need, and its problems; not its JSON, which the check builds only
  // when asked (rebuild.ts: the export, corrections across files). A ledger within one row group is checked by one
  // thread whatever the setting, and a second one only slows the statement down (100,000 grants on an idle machine:
  // 1.33–1.41 s on one thread, 1.73–1.82 s with two), so it runs on one.
  await onOneThread(db, oneThread, () => db.run(
    `CREATE OR REPLACE TEMP TABLE ${chk} AS
     SELECT grant_id, ${f.fileSeq}::INTEGER AS file_seq, coalesce(title_v, '') AS title, coalesce(description_v, '') AS description, currency_v AS currency,
       TRY_CAST(floor((pence / 100) * 100 + 0.5) AS BIGINT) AS amount_pence, award_date,
       planned.start AS planned_start, planned."end" AS planned_end, planned.months::DOUBLE AS planned_months,
       CASE WHEN has_org THEN 'organisation' ELSE 'individual' END AS recipient_type,
       CASE WHEN has_org THEN recipient_orgs[1].id ELSE ind_id END AS recipient_id, CASE WHEN has_org THEN recipient_orgs[1].name ELSE ind_name END AS recipient_name,
       recipient_orgs[1].charity AS recipient_charity_number, recipient_orgs[1].company AS recipient_company_number, recipient_orgs[1].postcode AS recipient_postcode,
       funders[1].id AS funding_org_id, funders[1].name AS funding_org_name, len(funders)::INTEGER AS funding_org_count,
       programmes[1].code AS programme_code, programmes[1].title AS programme_title,
       nullif(array_to_string(list_filter(list_transform(classes, lambda c: c.theme), lambda s: s IS NOT NULL), '; '), '') AS themes,
       $file AS file, NULL::VARCHAR AS sheet, "row", data_source, date_modified, NULL::INTEGER AS gk,
       ${f.seq}::INTEGER AS seq, false AS json, $idLabel AS id_label,
       issues, len(list_filter(issues, lambda i: i.s = 'error')) = 0 AS ok, locations, programmes, funders, recipient_codes
     FROM (${check.select})${oneThread ? "" : ` ORDER BY "row"`}`,
    { today, file: f.file, idLabel: bulk.layout.label(["id"]) },
  ));
  // Rows repeating an Identifier (read.ts kept them apart): rejected when an earlier copy of this file was accepted.
  const dropped: number[] = [];
  if (bulk.repeats.length) {
    const ok = new Map((await db.all<{ row: number; ok: boolean }>(`SELECT "row", ok FROM ${chk} WHERE "row" IN (SELECT unnest($rows::INTEGER[]))`, { rows: bulk.repeats.map((r) => r.row) })).map((r) => [r.row, r.ok]));
    const acceptedHere = new Map<string, number>();
    const idLabel = bulk.layout.label(["id"]);
    for (const record of bulk.repeats) {
      const dup = record.duplicate;
      const at = (sub: number, i: Omit<ReadIssue, "row" | "sheet">) => sink.issue(f, 1, record.row, sub, { ...i, row: record.row, sheet: null });
      if (dup && acceptedHere.has(dup.id)) {
        const kept = acceptedHere.get(dup.id)!;
        at(0, { column: idLabel, value: dup.id, reason: kept === dup.firstRow ? dup.reason : `duplicate Identifier: row ${kept} of this file has the same Identifier`, severity: "error", grantId: dup.id });
        dropped.push(record.row);
        continue;
      }
      if (!ok.get(record.row)) continue;
      if (dup) at(DUPLICATE_KEPT, { column: idLabel, value: dup.id, reason: `the same Identifier as row ${dup.firstRow} of this file, which was rejected; this copy is kept`, severity: "warning", grantId: dup.id });
      acceptedHere.set(String(record.cells[bulk.layout.idIndex]).trim(), record.row);
    }
  }
  await sink.flush(db);
  if (dropped.length) await db.run(`DELETE FROM ${chk} WHERE "row" IN (SELECT unnest($dropped::INTEGER[]))`, { dropped });
  await db.run(`INSERT INTO grants_iss
     SELECT file_seq, 1, "row", i.o, file, NULL, "row", i.col, grants_show(i.v), i.s, i.r, grant_id
     FROM (SELECT file_seq, file, "row", grant_id, unnest(issues) AS i FROM ${chk} WHERE len(issues) > 0)`);
  // The lists are unnested once the staging tables are filled (fillStaging): straight into them when this ledger is
  // the only source, else into the candidate tables first.
  const list = (name: string, fields: string, where = "true") =>
    `SELECT file_seq, "row", grant_id, gk, seq, ${fields} FROM (SELECT file_seq, "row", grant_id, gk, unnest(range(len(${name}))) AS seq, unnest(${name}) AS x FROM ${chk} WHERE ok) WHERE ${where}`;
  const labels = check.locationLabels.length ? `[${check.locationLabels.map(literal).join(", ")}][seq + 1]` : "NULL";
  const items = new Map([
    [candLocation.name, list("locations", `x.name, x.geo_code, x.geo_code_type, x.country_code, ${labels} AS source_column`)],
    [candCode.name, list("recipient_codes", "x.code AS geo_code", "x.code IS NOT NULL")],
    [candProgramme.name, list("programmes", "x.code, x.title")],
    [candFunder.name, list("funders", "x.id AS org_id, x.name AS org_name")],
  ]);
  await dropRawTables(db);
  return { table: chk, file: f, items };
}

/** Every file's accepted grants, one view: the row-by-row files' table and each checked ledger's. */
async function candidatesView(db: Db, checked: Checked[]): Promise<void> {
  const cols = candTable.columns.map(([c]) => `"${c}"`).join(", ");
  const chkCols = candTable.columns.map(([c]) => (c === "grant_json" ? "NULL::VARCHAR AS grant_json" : `"${c}"`)).join(", ");
  await db.run(`CREATE OR REPLACE TEMP VIEW grants_cands AS
    SELECT ${cols} FROM grants_cand${checked.map((c) => ` UNION ALL SELECT ${chkCols} FROM ${c.table} WHERE ok`).join("")}`);
}

interface Candidate {
  file_seq: number;
  seq: number;
  file: string;
  sheet: string | null;
  row: number;
  json: boolean;
  id_label: string;
  grant_id: string;
  date_modified: string | null;
  grant_json: string;
}

/** The kit's corrections rule for grants: the later Last Modified wins, else the later ingest. */
function decide(prev: Candidate, next: Candidate): { winner: Candidate; loser: Candidate; rule: string } {
  const a = Date.parse(String(prev.date_modified ?? ""));
  const b = Date.parse(String(next.date_modified ?? ""));
  if (Number.isFinite(a) && Number.isFinite(b) && a !== b)
    return b > a ? { winner: next, loser: prev, rule: "later Last Modified" } : { winner: prev, loser: next, rule: "older Last Modified ignored" };
  if (next.seq !== prev.seq) return next.seq > prev.seq ? { winner: next, loser: prev, rule: "later ingest" } : { winner: prev, loser: next, rule: "later ingest" };
  return next.row > prev.row ? { winner: next, loser: prev, rule: "later row" } : { winner: prev, loser: next, rule: "later row" };
}

/**
 * An Identifier accepted in more than one file: the versions in ingest order, the winner kept, each loser noted (and a
 * change pair when it differs). A checked ledger's versions are rebuilt from the file for their JSON (rebuild.ts).
 */
async function decideCorrections(db: Db, checked: Checked[]): Promise<void> {
  await db.run(`CREATE OR REPLACE TEMP TABLE grants_multi AS
    SELECT file_seq, "row", grant_id, grant_json IS NULL AS rebuilt FROM grants_cands WHERE grant_id IN (SELECT grant_id FROM grants_cands GROUP BY 1 HAVING count(*) > 1)`);
  const ledgers = checked.map((c) => ({ seq: c.file.fileSeq, file: c.file.file, path: c.file.path }));
  await rebuildGrantJson(db, ledgers, `SELECT file_seq, "row", grant_id FROM grants_multi WHERE rebuilt`);
  const cands = await db.all<Candidate>(`
    SELECT c.file_seq, c.seq, c.file, c.sheet, c."row", c.json, c.id_label, c.grant_id, c.date_modified,
      coalesce(c.grant_json, j.grant_json) AS grant_json
    FROM grants_cands c SEMI JOIN grants_multi USING (file_seq, "row") LEFT JOIN grants_json j USING (file_seq, "row")
    ORDER BY c.grant_id, c.file_seq, c."row"`);
  const issues: unknown[][] = [];
  const pairs: unknown[][] = [];
  const losers: unknown[][] = [];
  let kept: Candidate | null = null;
  for (const cand of cands) {
    if (!kept || kept.grant_id !== cand.grant_id) {
      kept = cand;
      continue;
    }
    const prev: Candidate = kept;
    const { winner, loser, rule } = decide(prev, cand);
    kept = winner;
    losers.push([loser.file_seq, loser.row]);
    const same = prev.grant_json === cand.grant_json;
    const where = `${winner.file}${winner.sheet ? ` (sheet ${winner.sheet})` : ""}, ${winner.json ? "grant" : "row"} ${winner.row}`;
    issues.push([
      cand.file_seq, 1, cand.row, CORRECTION, loser.file, loser.sheet, loser.row, loser.id_label, cand.grant_id, "warning",
      same ? `the same grant is also in ${where}, unchanged; that copy is kept (${rule})` : `corrected: a newer version of this grant is in ${where} (${rule}); this version is set aside`,
      cand.grant_id,
    ]);
    // The 360Giving fields as the user wrote them: a changed amount is its amountAwarded (its pence follow from it).
    if (!same) pairs.push([cand.grant_id, loser.grant_json, winner.grant_json, loser.file, winner.file, rule]);
  }
  await appendRows(db, issueTable, issues, temp);
  await createTable(db, changePairsSpec, { temp: true });
  await appendRows(db, changePairsSpec, pairs, temp);
  const loserTable: TableDecl = { name: "grants_loser", columns: [["file_seq", "INTEGER"], ["row", "INTEGER"]] };
  await createTable(db, loserTable, { temp: true });
  await appendRows(db, loserTable, losers, temp);
}

/**
 * Read and check every file (in ingest order) and fill the staging tables, grants_rejects, grant_funding_orgs and
 * grants_change_pairs. Throws InputError (nothing final changed) when a file cannot be read. Returns the number of
 * problems recorded (locate.ts numbers its own after them).
 */
export interface IntakeOptions {
  /** yyyy-mm-dd for the award-date warnings (default: today, UTC). */
  today?: string;
  /** false: every file row by row (read.ts + validate.ts), as tests use to compare the two ways; default true. */
  setBased?: boolean;
}

export async function stageGrantFiles(db: Db, files: InputFile[], log: Logger, options: IntakeOptions = {}): Promise<{ issues: number; grants: number }> {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  for (const t of workTables) await createTable(db, t, { temp: true });
  await createCheckMacros(db);
  /** The checked-ledger tables of this run (grants_chk_<file>). */
  const checked: Checked[] = [];
  try {
    await readFiles(db, files, log, today, options.setBased ?? true, checked);
  } catch (e) {
    await dropWork(db, checked);
    throw e;
  }
  await candidatesView(db, checked);
  await decideCorrections(db, checked);
  return fillStaging(db, checked);
}

async function dropWork(db: Db, checked: Checked[]): Promise<void> {
  await db.run(`DROP VIEW IF EXISTS grants_cands`);
  await dropRawTables(db);
  for (const t of [...workTables.map((w) => w.name), ...checked.map((c) => c.table), "grants_gk", "grants_loser", "grants_multi", "grants_json"]) await db.run(`DROP TABLE IF EXISTS ${t}`);
}

async function readFiles(db: Db, files: InputFile[], log: Logger, today: string, setBased: boolean, checked: Checked[]): Promise<void> {
  const facts: unknown[][] = [];
  for (const [fileSeq, input] of files.entries()) {
    const f: FileIn = { fileSeq, seq: input.seq, file: input.name, path: input.path };
    const bulk = setBased ? await readCsvLedger(db, f.path, f.file) : null;
    let notes: ReadIssue[];
    let format: string;
    if (bulk) {
      checked.push(await checkLedger(db, f, bulk, today));
      facts.push([fileSeq, f.file, f.path, "csv", bulk.encoding, null, bulk.rowsRead]);
      notes = bulk.issues;
      format = "csv";
    } else {
      const result = await readGrantFile(input.path, input.name);
      const sink = new Sink();
      validateRecords(sink, f, result);
      await sink.flush(db);
      facts.push([fileSeq, f.file, f.path, result.format, result.encoding, result.sheet, result.rowsRead]);
      notes = result.issues;
      format = result.format;
    }
    // Whole-file notes (encoding, extra or missing columns, sheets not read) are said on the console too.
    for (const issue of notes) if (issue.severity === "warning" && (issue.row === null || (issue.row === 1 && format !== "json"))) log.warn(`grants: ${f.file}: ${issue.reason}`);
  }
  await appendRows(db, fileTable, facts, temp);
}

/**
 * One checked ledger and nothing else: its table becomes grants_stg_grant in place (rejected rows deleted, gk set
 * before, the other columns dropped, three renamed) instead of copying every grant's text into a new table.
 */
async function checkedBecomesStaging(db: Db, chk: string): Promise<void> {
  await db.run(`DROP VIEW grants_cands`);
  await db.run(`DELETE FROM ${chk} WHERE NOT ok`);
  for (const c of ["seq", "json", "id_label", "issues", "ok", "locations", "programmes", "funders", "recipient_codes"]) await db.run(`ALTER TABLE ${chk} DROP COLUMN ${c}`);
  for (const [from, to] of [["file", "source_file"], ["sheet", "source_sheet"], ["row", "source_row"]]) await db.run(`ALTER TABLE ${chk} RENAME COLUMN "${from}" TO ${to}`);
  await db.run(`ALTER TABLE ${chk} RENAME TO ${stgGrant.name}`);
}

/** The winners in ingest order (gk), and the tables the rest of the stage reads. */
async function fillStaging(db: Db, checked: Checked[]): Promise<{ issues: number; grants: number }> {
  // gk: the winners numbered in ingest order (a narrow table: the wide rows are not sorted).
  await db.run(`CREATE OR REPLACE TEMP TABLE grants_gk AS
    SELECT file_seq, "row", grant_id, (row_number() OVER (ORDER BY file_seq, "row") - 1)::INTEGER AS gk
    FROM (SELECT file_seq, "row", grant_id FROM grants_cands ANTI JOIN grants_loser USING (file_seq, "row"))`);
  const [{ others }] = await db.all<{ others: number }>(`SELECT ((SELECT count(*) FROM grants_cand) + (SELECT count(*) FROM grants_loser))::INTEGER AS others`);
  const alone = checked.length === 1 && others === 0;
  for (const spec of stagingTables) if (!(alone && spec === stgGrant)) await createTable(db, spec, { temp: true });
  await createTable(db, tableDoc("grants_rejects"));
  await createTable(db, tableDoc("grant_funding_orgs"));
  // The lists' items: with one ledger alone, its accepted grants are the winners and their gk is set on its table.
  const only = alone ? checked[0] : null;
  if (only) await db.run(`UPDATE ${only.table} SET gk = k.gk FROM grants_gk k WHERE ${only.table}."row" = k."row"`);
  else for (const c of checked) for (const [cand, items] of c.items) await db.run(`INSERT INTO ${cand} SELECT * EXCLUDE (grant_id, gk) FROM (${items})`);
  const child = (table: string, cand: string, fields: string, withGk = false) =>
    db.run(only
      ? `INSERT INTO ${table} SELECT x.grant_id, x.seq, ${fields}${withGk ? ", x.gk" : ""} FROM (${only.items.get(cand)}) x ORDER BY x.gk, x.seq`
      : `INSERT INTO ${table} SELECT k.grant_id, x.seq, ${fields}${withGk ? ", k.gk" : ""} FROM ${cand} x JOIN grants_gk k USING (file_seq, "row") ORDER BY k.gk, x.seq`);
  await child("grants_stg_location", candLocation.name, "x.name, x.geo_code, x.geo_code_type, x.country_code, x.source_column", true);
  await child("grants_stg_recipient_code", candCode.name, "x.geo_code");
  await child("grants_stg_programme", candProgramme.name, "x.code, x.title");
  await child("grant_funding_orgs", candFunder.name, "x.org_id, x.org_name");
  if (only) await checkedBecomesStaging(db, only.table);
  else await db.run(`INSERT INTO grants_stg_grant
    SELECT grant_id, file_seq, title, description, currency, amount_pence, award_date, planned_start, planned_end, planned_months,
      recipient_type, recipient_id, recipient_name, recipient_charity_number, recipient_company_number, recipient_postcode,
      funding_org_id, funding_org_name, funding_org_count, programme_code, programme_title, themes, file, sheet, "row", data_source, date_modified, k.gk
    FROM grants_cands JOIN grants_gk k USING (file_seq, "row", grant_id)`);
  await db.run(`INSERT INTO grants_stg_file
    SELECT f.seq, f.file, f.stored_as, f.format, f.encoding, f.sheet, f.rows_read,
      (SELECT count(*) FROM grants_gk k WHERE k.file_seq = f.seq)::INTEGER,
      (SELECT count(DISTINCT i."row") FROM grants_iss i WHERE i.file_seq = f.seq AND i.severity = 'error' AND i."row" IS NOT NULL)::INTEGER,
      (SELECT count(*) FROM grants_iss i WHERE i.file_seq = f.seq AND i.phase = 0 AND i.severity = 'warning' AND starts_with(i.reason, 'merged into row'))::INTEGER,
      (SELECT count(*) FROM grants_loser l WHERE l.file_seq = f.seq)::INTEGER,
      (SELECT coalesce(sum(g.amount_pence), 0) FROM grants_stg_grant g WHERE g.file_seq = f.seq)::BIGINT
    FROM grants_intake_file f ORDER BY f.seq`);
  await db.run(`INSERT INTO grants_rejects
    SELECT (row_number() OVER (ORDER BY file_seq, phase, ord_row, sub))::INTEGER, file, sheet, "row", "column", value, severity, reason, grant_id
    FROM grants_iss ORDER BY file_seq, phase, ord_row, sub`);
  const [{ issues, grants }] = await db.all<{ issues: number; grants: number }>(
    `SELECT (SELECT count(*) FROM grants_iss)::INTEGER AS issues, (SELECT count(*) FROM grants_gk)::INTEGER AS grants`,
  );
  await dropWork(db, checked);
  return { issues, grants };
}
