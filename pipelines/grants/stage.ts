// The grants input stage: read every registered 360Giving file, validate, reject with reasons, then rebuild the grant tables from scratch (same files → same tables).
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Stage } from "../build/build.ts";
import type { Db } from "../db/connection.ts";
import { IntegrityError } from "../errors.ts";
import type { InputContext } from "../inputs/stages.ts";
import { originalName } from "../inputs/registry.ts";
import type { Logger } from "../log.ts";
import type { Place } from "../place/schema.ts";
import { formatPounds } from "../../src/lib/grants-money.ts";
import { appendRows, createTable, type TableSpec } from "./append.ts";
import { toCsv } from "./csv.ts";
import { attributeFunders } from "./funders.ts";
import { locateGrants } from "./locate.ts";
import { readGrantFile, type ReadIssue } from "./read.ts";
import { commentTables, createDocumentedTable, tableDoc } from "./tables.ts";
import { validateGrant, type Grant360 } from "./validate.ts";

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

export type GrantContext = InputContext & { rawDir?: string; postcodes?: string | null };

export const rejectsFileName = "grants-rejects.csv";

export interface GrantFileSummary {
  file: string;
  format: string;
  rowsRead: number;
  accepted: number;
  rejected: number;
  merged: number;
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
}

// Staging tables, filled from JavaScript and dropped at the end.
const stgGrant: TableSpec = {
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
const stgLocation: TableSpec = {
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
const stgRecipientCode: TableSpec = {
  name: "grants_stg_recipient_code",
  columns: [
    ["grant_id", "VARCHAR"],
    ["seq", "INTEGER"],
    ["geo_code", "VARCHAR"],
  ],
};
const stgProgramme: TableSpec = {
  name: "grants_stg_programme",
  columns: [
    ["grant_id", "VARCHAR"],
    ["seq", "INTEGER"],
    ["code", "VARCHAR"],
    ["title", "VARCHAR"],
  ],
};
const stgFile: TableSpec = {
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
    ["accepted_pence", "BIGINT"],
  ],
};
const rejectsSpec: TableSpec = {
  name: "grants_rejects",
  columns: tableDoc("grants_rejects").columns.map(([n, t]) => [n, t as "VARCHAR"]),
};
const fundingOrgSpec: TableSpec = {
  name: "grant_funding_orgs",
  columns: tableDoc("grant_funding_orgs").columns.map(([n, t]) => [n, t as "VARCHAR"]),
};

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
export async function ingestGrants(db: Db, files: string[], options: GrantStageOptions): Promise<GrantIngestSummary> {
  const { log } = options;
  const rawDir = options.rawDir ?? process.env.CHEST_RAW ?? "data/raw";
  const postcodes = options.postcodes === undefined ? process.env.CHEST_POSTCODES || null : options.postcodes;

  let clock = performance.now();
  const lap = (what: string) => {
    const now = performance.now();
    log.progress(`grants: ${what} (${((now - clock) / 1000).toFixed(1)} s)`);
    clock = now;
  };

  // 1. Read every file first: an unreadable file stops everything before the database is touched.
  const reads = [];
  for (const path of files) {
    const file = originalName(path);
    reads.push({ path, file, result: await readGrantFile(path, file) });
  }

  lap(`read ${reads.length} file(s)`);

  // 2. Validate, in file order; a grant Identifier belongs to the first accepted grant that has it.
  const rejects: unknown[][] = [];
  const grantRows: unknown[][] = [];
  const locationRows: unknown[][] = [];
  const recipientCodeRows: unknown[][] = [];
  const programmeRows: unknown[][] = [];
  const funderRows: unknown[][] = [];
  const fileRows: unknown[][] = [];
  const claimed = new Map<string, { file: string; row: number; sheet: string | null; json: boolean }>();
  let n = 0;
  const addIssue = (file: string, i: ReadIssue) =>
    rejects.push([++n, file, i.sheet, i.row, i.column, showValue(i.value), i.severity, i.reason, i.grantId ?? null]);

  for (const [fileSeq, { path, file, result }] of reads.entries()) {
    let accepted = 0;
    let acceptedPence = 0;
    const rejectedRows = new Set<number>();
    const merged = result.issues.filter((i) => i.severity === "warning" && i.reason.startsWith("merged into row")).length;
    for (const issue of result.issues) {
      addIssue(file, issue);
      // Whole-file notes (encoding, extra or missing columns, sheets not read) are said on the console too.
      if (issue.severity === "warning" && (issue.row === null || (issue.row === 1 && result.format !== "json"))) log.warn(`grants: ${file}: ${issue.reason}`);
      if (issue.severity === "error" && issue.row !== null) rejectedRows.add(issue.row);
    }
    for (const record of result.records) {
      const v = validateGrant(record.raw);
      const id = v.ok ? v.accepted.grant.id : typeof record.raw.id === "string" ? record.raw.id.trim() : str(record.raw.id);
      const issues: ReadIssue[] = v.issues.map((i) => ({ row: record.row, sheet: record.sheet, column: record.label(i.path), value: i.value, reason: i.reason, severity: i.severity, grantId: id }));
      if (v.ok) {
        const first = claimed.get(v.accepted.grant.id);
        if (first) {
          const where = first.file === file ? `row ${first.row} of this file` : `${first.file}${first.sheet ? ` (sheet ${first.sheet})` : ""}, ${first.json ? "grant" : "row"} ${first.row}`;
          issues.unshift({ row: record.row, sheet: record.sheet, column: record.label(["id"]), value: id, reason: `duplicate Identifier: already ingested from ${where}; this one is rejected`, severity: "error", grantId: id });
        }
      }
      for (const issue of issues) addIssue(file, issue);
      if (!v.ok || claimed.has(v.accepted.grant.id)) {
        rejectedRows.add(record.row);
        continue;
      }
      const { grant, amountPence, extras } = v.accepted;
      claimed.set(grant.id, { file, row: record.row, sheet: record.sheet, json: result.format === "json" });
      const rows = stagingRows(grant, amountPence, extras, fileSeq, file, record.sheet, record.row, record.label, grantRows.length);
      grantRows.push(rows.grantRow);
      locationRows.push(...rows.locations);
      recipientCodeRows.push(...rows.recipientCodes);
      programmeRows.push(...rows.programmeRows);
      funderRows.push(...rows.funderRows);
      accepted++;
      acceptedPence += amountPence;
    }
    fileRows.push([fileSeq, file, path.split(/[\\/]/).pop(), result.format, result.encoding, result.sheet, result.rowsRead, accepted, rejectedRows.size, merged, acceptedPence]);
  }

  lap(`validated ${grantRows.length} grant(s)`);

  // 3. Load. Every table is dropped and rebuilt, so the result depends only on the files.
  for (const spec of [stgGrant, stgLocation, stgRecipientCode, stgProgramme, stgFile]) await createTable(db, spec);
  await createDocumentedTable(db, "grants_rejects");
  await createDocumentedTable(db, "grant_funding_orgs");
  await appendRows(db, stgGrant, grantRows);
  await appendRows(db, stgLocation, locationRows);
  await appendRows(db, stgRecipientCode, recipientCodeRows);
  await appendRows(db, stgProgramme, programmeRows);
  await appendRows(db, stgFile, fileRows);
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

  // 5. Report.
  const rejectsReport = await writeRejectsReport(db, options.reportsDir);
  const summary = await summarise(db, rejectsReport);
  for (const f of summary.files)
    log.info(
      `grants: ${f.file}: ${f.rowsRead} read, ${f.accepted} accepted (${formatPounds(f.acceptedPence)}), ${f.rejected} rejected${f.merged ? `, ${f.merged} merged` : ""}, ${f.warnings} warning${f.warnings === 1 ? "" : "s"}`,
    );
  log.info(
    `grants: ${summary.grants} grants, ${formatPounds(summary.totalPence)}; ${formatPounds(summary.inPlacePence)} placed in ${options.place.name}; ${summary.rejected} rejected row(s), ${summary.warnings} warning(s): ${rejectsReport}`,
  );
  return summary;
}

/** The final `grants` and `grant_files` tables from the staging tables and what locate/funders worked out. */
async function finishTables(db: Db): Promise<void> {
  await createDocumentedTable(db, "grants");
  await db.run(`
    INSERT INTO grants
    SELECT
      g.grant_id, g.title, g.description, g.currency, g.amount_pence,
      (g.amount_pence::DECIMAL(18,0) / 100)::DECIMAL(18,2) AS amount_gbp,
      g.award_date::DATE, g.planned_start, g.planned_end, g.planned_months,
      g.recipient_type, g.recipient_id, g.recipient_name, g.recipient_charity_number, g.recipient_company_number, g.recipient_postcode,
      g.funding_org_id, g.funding_org_name, g.funding_org_count, g.programme_code, g.programme_title,
      r.round_id, g.themes,
      p.location_method, p.in_place_pence, p.outside_pence, g.amount_pence - p.in_place_pence - p.outside_pence,
      b.recipient_lsoa21cd, b.recipient_lad_code, b.recipient_base_method, b.recipient_in_place,
      g.source_file, g.source_sheet, g.source_row, g.data_source, g.date_modified, g.grant_json::JSON, g.extra_json::JSON
    FROM grants_stg_grant g
    JOIN grants_placed p USING (grant_id)
    LEFT JOIN grants_round r USING (grant_id)
    LEFT JOIN grants_recipient_base b USING (grant_id)
    ORDER BY g.file_seq, g.source_row`);
  await createDocumentedTable(db, "grant_files");
  await db.run(`
    INSERT INTO grant_files
    SELECT f.seq, f.file, f.stored_as, f.format, f.encoding, f.sheet, f.rows_read, f.accepted, f.rejected, f.merged,
      (SELECT count(*) FROM grants_rejects r WHERE r.file = f.file AND r.severity = 'warning')::INTEGER,
      f.accepted_pence
    FROM grants_stg_file f ORDER BY f.seq`);
  for (const t of ["grants_placed", "grants_round", "grants_recipient_base"]) await db.run(`DROP TABLE IF EXISTS ${t}`);
}

/** The money must add up: placed + outside + unattributed = amount, LSOA rows = placed, funder rows = amount (each per grant, to the penny). */
async function checkTotals(db: Db): Promise<void> {
  const [c] = await db.all<{ bad_split: number; bad_lsoa: number; bad_funder: number; negative: number }>(`
    SELECT
      (SELECT count(*) FROM grants WHERE unattributed_pence < 0 OR in_place_pence < 0 OR outside_pence < 0)::INTEGER AS negative,
      (SELECT count(*) FROM grants WHERE in_place_pence + outside_pence + unattributed_pence <> amount_pence)::INTEGER AS bad_split,
      (SELECT count(*) FROM grants g LEFT JOIN (SELECT grant_id, sum(amount_pence) s FROM grant_lsoa GROUP BY 1) l USING (grant_id)
        WHERE coalesce(l.s, 0) <> g.in_place_pence)::INTEGER AS bad_lsoa,
      (SELECT count(*) FROM grants g LEFT JOIN (SELECT grant_id, sum(amount_pence) s FROM grant_funder_type GROUP BY 1) f USING (grant_id)
        WHERE coalesce(f.s, 0) <> g.amount_pence)::INTEGER AS bad_funder`);
  if (c.negative || c.bad_split || c.bad_lsoa || c.bad_funder)
    throw new IntegrityError(
      `grant money does not add up (grants with negative parts ${c.negative}, split ≠ amount ${c.bad_split}, LSOA rows ≠ placed ${c.bad_lsoa}, funder rows ≠ amount ${c.bad_funder}): this is a bug, please report it`,
    );
}

async function writeRejectsReport(db: Db, reportsDir: string): Promise<string> {
  const rows = await db.all<Record<string, string | number | null>>(`
    SELECT r.file, r.sheet, r.row, r."column", r.value, r.severity, r.reason, r.grant_id
    FROM grants_rejects r LEFT JOIN grant_files f USING (file)
    ORDER BY f.seq NULLS LAST, r.row NULLS FIRST, r.n`);
  const header = ["file", "sheet", "row", "column", "value", "severity", "reason", "grant_id"];
  const path = join(reportsDir, rejectsFileName);
  mkdirSync(reportsDir, { recursive: true });
  const tmp = `${path}.part-${process.pid}`;
  writeFileSync(tmp, "\uFEFF" + toCsv(header, rows.map((r) => header.map((h) => r[h]))));
  renameSync(tmp, path);
  return path;
}

async function summarise(db: Db, rejectsReport: string): Promise<GrantIngestSummary> {
  const files = await db.all<GrantFileSummary>(`
    SELECT file, format, rows_read AS "rowsRead", accepted, rejected, merged, warnings, accepted_pence::DOUBLE AS "acceptedPence"
    FROM grant_files ORDER BY seq`);
  const [t] = await db.all<{ grants: number; total: number; placed: number; warnings: number }>(`
    SELECT count(*)::INTEGER AS grants, coalesce(sum(amount_pence), 0)::DOUBLE AS total, coalesce(sum(in_place_pence), 0)::DOUBLE AS placed,
      (SELECT count(*) FROM grants_rejects WHERE severity = 'warning')::INTEGER AS warnings
    FROM grants`);
  return {
    files,
    grants: t.grants,
    rejected: files.reduce((a, f) => a + f.rejected, 0),
    warnings: t.warnings,
    totalPence: t.total,
    inPlacePence: t.placed,
    rejectsReport,
  };
}

/** The Stage that `chest ingest grants` and `chest build` run (see register.ts). */
export function grantsStage(files: string[], ctx: GrantContext): Stage {
  return {
    name: `grants: ${files.length} file${files.length === 1 ? "" : "s"}`,
    run: async (db) => {
      await ingestGrants(db, files, { place: ctx.place, log: ctx.log, reportsDir: ctx.reportsDir, rawDir: ctx.rawDir, postcodes: ctx.postcodes });
    },
  };
}
