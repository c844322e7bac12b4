// Each accepted grant's cleaned 360Giving JSON, and its values outside the standard, rebuilt from the stored input file by the path that read it (checks.ts for a CSV ledger, read.ts + validate.ts otherwise): what the export writes and what corrections across files compare. The ingest stores neither.
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import type { Db } from "../db/connection.ts";
import { onOneThread, ROW_GROUP_ROWS } from "../db/threads.ts";
import { IntegrityError, MissingSourceError } from "../errors.ts";
import { storedFolder } from "../kit/kind.ts";
import { appendRows, createTable, type TableDecl } from "../kit/table.ts";
import { dropRawTables, RAW_TABLE, readCsvLedger } from "./bulk.ts";
import { checkSql, createCheckMacros } from "./checks.ts";
import { readGrantFile } from "./read.ts";
import { validateGrant } from "./validate.ts";

/** A stored input file: its number in ingest order (grant_files.seq), the name the user gave it, and its stored copy. */
export interface StoredFile {
  seq: number;
  file: string;
  path: string;
}

/** The rebuilt grants (a temporary table): the file and row each came from, its Identifier, its JSON and its extra values. */
export const jsonTable: TableDecl = {
  name: "grants_json",
  columns: [["file_seq", "INTEGER"], ["row", "INTEGER"], ["grant_id", "VARCHAR"], ["grant_json", "VARCHAR"], ["extra_json", "VARCHAR"]],
};
const temp = { schema: "main", catalog: "temp" };
/** The award-date warnings' today: the checks need one, the JSON does not depend on it. */
const ANY_DAY = "2000-01-01";

export interface RebuildOptions {
  /** false: CSV ledgers are read row by row too (as the intake can); default true. */
  setBased?: boolean;
  /**
   * Folders that keep ingested files (`--inputs`), looked in when a stored copy is not at its recorded path: that path
   * is relative to the folder chest ran in at ingest (data/inputs/grants/…), so a run from elsewhere finds the copy as
   * <folder>/grants/<its name>.
   */
  inputsDirs?: readonly string[];
}

/** Where a file's stored copy is now: its recorded path, else the same name under one of the inputs folders. */
function storedCopy(f: StoredFile, inputsDirs: readonly string[]): string {
  const tried = [f.path, ...inputsDirs.map((d) => join(storedFolder(d, "grants"), basename(f.path)))];
  const found = tried.find((p) => existsSync(p));
  if (found) return found;
  throw new MissingSourceError(
    `grants: ${f.file}: its stored copy is not at ${[...new Set(tried)].join(" or ")}, so its grants' 360Giving JSON cannot be rebuilt. Run chest from the folder it was ingested in, or give --inputs the folder that keeps ingested files; if the copy was deleted, ingest the file again, or run chest build to drop its grants`,
  );
}

/**
 * Rebuild into grants_json the grants `wanted` names (a SELECT of file_seq, "row" and grant_id of accepted grants),
 * each from its file. Throws MissingSourceError when a stored copy is gone and IntegrityError when it no longer
 * holds the grant ingested from that row.
 */
export async function rebuildGrantJson(db: Db, files: StoredFile[], wanted: string, options: RebuildOptions = {}): Promise<void> {
  await createTable(db, jsonTable, { temp: true });
  await db.run(`CREATE OR REPLACE TEMP TABLE grants_json_want AS SELECT file_seq, "row", grant_id FROM (${wanted})`);
  try {
    const seqs = await db.all<{ seq: number }>(`SELECT DISTINCT file_seq AS seq FROM grants_json_want ORDER BY 1`);
    if (seqs.length) await createCheckMacros(db);
    for (const { seq } of seqs) {
      const f = files.find((x) => x.seq === seq);
      if (!f) throw new IntegrityError(`grants: no file numbered ${seq} in grant_files, where a grant says it came from: this is a bug, please report it`);
      await rebuildFile(db, { ...f, path: storedCopy(f, options.inputsDirs ?? []) }, options.setBased ?? true);
    }
    const [wrong] = await db.all<{ seq: number; row: number; grant_id: string }>(`
      SELECT w.file_seq AS seq, w."row", w.grant_id FROM grants_json_want w LEFT JOIN grants_json j USING (file_seq, "row")
      WHERE j.grant_id IS DISTINCT FROM w.grant_id ORDER BY 1, 2 LIMIT 1`);
    if (wrong) {
      const f = files.find((x) => x.seq === wrong.seq)!;
      throw new IntegrityError(
        `grants: ${f.file}: the stored copy (${f.path}) no longer holds grant ${wrong.grant_id} where it was read from (row ${wrong.row}): it changed after it was ingested; ingest the grants again (chest build)`,
      );
    }
  } finally {
    await db.run(`DROP TABLE IF EXISTS grants_json_want`);
  }
}

/** One file's wanted grants into grants_json. */
async function rebuildFile(db: Db, f: StoredFile, setBased: boolean): Promise<void> {
  const bulk = setBased ? await readCsvLedger(db, f.path, f.file) : null;
  if (bulk) {
    try {
      const rows = `(SELECT * FROM ${RAW_TABLE} SEMI JOIN (SELECT "row" FROM grants_json_want WHERE file_seq = $seq) USING ("row"))`;
      // On one thread for a ledger within one row group, as the intake checks it (twice the CPU with two, no faster).
      await onOneThread(db, bulk.rowsRead <= ROW_GROUP_ROWS, () =>
        db.run(`INSERT INTO grants_json SELECT $seq, "row", grant_id, grant_json, extra_json FROM (${checkSql(bulk.layout, rows).select})`, { seq: f.seq, today: ANY_DAY }),
      );
    } finally {
      await dropRawTables(db);
    }
    return;
  }
  const wanted = new Set((await db.all<{ row: number }>(`SELECT "row" FROM grants_json_want WHERE file_seq = $seq`, { seq: f.seq })).map((r) => r.row));
  const out: unknown[][] = [];
  for (const record of (await readGrantFile(f.path, f.file)).records) {
    if (!wanted.has(record.row)) continue;
    const v = validateGrant(record.raw);
    if (v.ok) out.push([f.seq, record.row, v.accepted.grant.id, JSON.stringify(v.accepted.grant), v.accepted.extras ? JSON.stringify(v.accepted.extras) : null]);
  }
  await appendRows(db, jsonTable, out, temp);
}

export interface StoredGrant {
  grant_id: string;
  /** The grant as a cleaned 360Giving object (JSON text). */
  grant_json: string;
  /** Values in the file outside the 360Giving standard, as read (JSON text), or null. */
  extra_json: string | null;
}

/** The ingested grants (all, or those in the place's rounds) rebuilt from their stored files, by award date and Identifier. */
export async function storedGrants(db: Db, scope: "rounds" | "all" = "all", options: RebuildOptions = {}): Promise<StoredGrant[]> {
  const where = scope === "rounds" ? "round_id IS NOT NULL" : "true";
  const [{ named }] = await db.all<{ named: boolean }>(`
    SELECT count(*) > 0 AS named FROM duckdb_columns() WHERE database_name = current_database() AND table_name = 'grants' AND column_name = 'source_seq'`);
  if (!named) throw new MissingSourceError("grants: this database was built before each grant named its stored file (grants.source_seq): run chest build, then export again");
  const files = await db.all<StoredFile>(`SELECT seq, file, stored_as AS path FROM grant_files ORDER BY seq`);
  await rebuildGrantJson(db, files, `SELECT source_seq AS file_seq, source_row AS "row", grant_id FROM grants WHERE ${where}`, options);
  try {
    return await db.all<StoredGrant>(`
      SELECT g.grant_id, j.grant_json, j.extra_json FROM grants g JOIN grants_json j ON j.file_seq = g.source_seq AND j."row" = g.source_row
      WHERE ${where} ORDER BY g.award_date, g.grant_id`);
  } finally {
    await db.run(`DROP TABLE IF EXISTS grants_json`);
  }
}
