// Reading a 360Giving CSV ledger into DuckDB as text (bulkCsv + read_csv): the raw table grants_raw (row, c0…cN), the header's notes, and the rows that repeat an Identifier merged as read.ts does. Null when the file needs the JavaScript reader's leniency.
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import type { Db } from "../db/connection.ts";
import { literal } from "../db/sql.ts";
import { readBounded } from "../kit/bounds.ts";
import { bulkCsv, MAX_RECORD_CHARS, readHeader } from "../kit/delimited.ts";
import { appendRows, createTable } from "../kit/table.ts";
import { analyseHeader, csvNotes, mergeRows, sniffFormat, unnamedIssue, type HeaderLayout, type ReadIssue, type RowGroup } from "./read.ts";
import { rawColumn } from "./checks.ts";
import { grantFields } from "./titles.ts";

export const RAW_TABLE = "grants_raw";

export interface BulkLedger {
  layout: HeaderLayout;
  encoding: string;
  /** Whole-file and header notes, merges (in row order), values in untitled columns: in read.ts's order. */
  issues: ReadIssue[];
  rowsRead: number;
  /** Rows that repeat an Identifier (merged ones removed), in row order, for the duplicate rule after validation. */
  repeats: RowGroup[];
}

/** A blank line before the last line: DuckDB skips it, but it counts in the row numbers people see. */
function hasInnerBlankLine(bytes: Buffer): boolean {
  if (bytes[0] === 0x0a || (bytes[0] === 0x0d && bytes[1] === 0x0a)) return true;
  for (const gap of [Buffer.from("\n\n"), Buffer.from("\n\r\n")]) {
    const at = bytes.indexOf(gap);
    if (at >= 0 && bytes.subarray(at).some((b) => b !== 0x0a && b !== 0x0d && b !== 0x20 && b !== 0x09)) return true;
  }
  return false;
}

/** Spaces between a closing quote and the delimiter or line end ("a" ,): read.ts keeps them, DuckDB drops them. */
function spaceAfterQuote(bytes: Buffer, delimiter: string): boolean {
  const d = delimiter.charCodeAt(0);
  const blank = (b: number) => b === 0x20 || (b === 0x09 && d !== 0x09);
  for (const pattern of d === 0x09 ? [Buffer.from('" ')] : [Buffer.from('" '), Buffer.from('"\t')]) {
    for (let at = bytes.indexOf(pattern); at >= 0; at = bytes.indexOf(pattern, at + 1)) {
      let k = at + 1;
      while (blank(bytes[k])) k++;
      if (k >= bytes.length || bytes[k] === d || bytes[k] === 0x0a || bytes[k] === 0x0d) return true;
    }
  }
  return false;
}

/** Extra columns JavaScript objects would order or merge differently from the SQL (array-index-like or repeated titles, field names). */
function awkwardExtras(layout: HeaderLayout): boolean {
  const names = new Set(grantFields.map((f) => f.name));
  const seen = new Set<string>();
  for (const [i, h] of layout.header.entries()) {
    const title = h.trim();
    if (layout.columns[i] || title === "") continue;
    if (seen.has(title) || names.has(title) || /^(0|[1-9]\d*)$/.test(title) || title === "__proto__") return true;
    seen.add(title);
  }
  return false;
}

/**
 * Load the file into grants_raw. Null (nothing loaded) when DuckDB cannot read it as a strict CSV or when it has
 * something only the JavaScript reader numbers or keeps as before (blank lines inside, a quoted header, awkward extra
 * titles): the caller then reads it with read.ts. Throws InputError for a file that is empty or lacks required columns.
 */
export async function readBulkCsv(db: Db, path: string, file: string): Promise<BulkLedger | null> {
  // The same bounds as read.ts (a regular file, not a link, within the size a reader takes).
  const original = readBounded(path, file);
  if (original.length === 0) return null; // read.ts says it is empty
  const sniff = readHeader(path, file);
  const first = sniff.header;
  if (first.some((h) => h.includes('"') || h.includes("\n") || h.includes("\r"))) return null;
  const csv = bulkCsv(path, file);
  try {
    const bytes = csv.path === path ? original : readFileSync(csv.path);
    if (bytes.subarray(0, Math.min(bytes.length, 64 * 1024)).toString("utf8").split(/\r?\n/, 1)[0].includes('"')) return null;
    if (hasInnerBlankLine(bytes)) return null;
    if (spaceAfterQuote(bytes, csv.delimiter)) return null;
    if (bytes.toString("utf8", 0, Math.min(bytes.length, 4096)).replace(/^\uFEFF/, "").trim() === "") return null; // read.ts says it is empty
    const layout = analyseHeader(first, 1, null, file);
    if (awkwardExtras(layout)) return null;
    const source = (parallel: boolean, padding: boolean) => `read_csv(${literal(csv.path)}, header = true, auto_detect = false,
          columns = {${first.map((_, i) => `'${rawColumn(i)}': 'VARCHAR'`).join(", ")}},
          strict_mode = true, null_padding = ${padding}, parallel = ${parallel}, encoding = 'utf-8', delim = ${literal(csv.delimiter)}, quote = '"', escape = '"',
          max_line_size = ${MAX_RECORD_CHARS * 4})`;
    const read = (parallel: boolean) => db.run(`CREATE OR REPLACE TEMP TABLE grants_raw0 AS SELECT * FROM ${source(parallel, true)}`);
    let parallel = true;
    try {
      await read(true);
    } catch (e) {
      // Short rows (padded) with line breaks inside quotes need the single-threaded reader.
      if (!/parallel/i.test((e as Error).message)) return null;
      parallel = false;
      try {
        await read(false);
      } catch {
        return null;
      }
    }
    // A row cut short (fewer values than titles) reads as one whose last cells are empty: read.ts says which rows they
    // are. Only a file with an empty last cell somewhere is read again, unpadded, to tell the two apart.
    const last = rawColumn(first.length - 1);
    if ((await db.all(`SELECT 1 FROM grants_raw0 WHERE ${last} IS NULL LIMIT 1`)).length) {
      try {
        await db.all(`SELECT count(*) FROM ${source(parallel, false)}`);
      } catch {
        return null;
      }
    }
    // Row numbers as a spreadsheet shows them (header = 1), from the order read (a view: the text is not copied).
    await db.run(`CREATE OR REPLACE TEMP VIEW ${RAW_TABLE} AS SELECT (rowid + 2)::INTEGER AS "row", * FROM grants_raw0`);

    const cols = first.map((_, i) => rawColumn(i));
    const notBlank = (c: string) => `coalesce(grants_trim(${c}), '') <> ''`;
    const untitled = first.map((h, i) => (!layout.columns[i] && h.trim() === "" ? cols[i] : null)).filter((c): c is string => c !== null);
    const [counts] = await db.all<{ rows: number; unnamed: number }>(`
      SELECT count(*)::INTEGER AS rows, ${untitled.length ? untitled.map((c) => `count(*) FILTER (WHERE ${notBlank(c)})`).join(" + ") : "0"}::INTEGER AS unnamed
      FROM ${RAW_TABLE} WHERE ${cols.map(notBlank).join(" OR ")}`);

    // Rows that repeat an Identifier: merged (or kept apart) by read.ts's rule, in JavaScript, then put back.
    const id = cols[layout.idIndex];
    const repeated = await db.all<Record<string, string | number | null>>(`
      SELECT r.* FROM ${RAW_TABLE} r
      JOIN (SELECT grants_trim(${id}) AS id FROM ${RAW_TABLE} WHERE ${notBlank(id)} GROUP BY 1 HAVING count(*) > 1) d ON grants_trim(r.${id}) = d.id
      ORDER BY r."row"`);
    let repeats: RowGroup[] = [];
    const mergeIssues: ReadIssue[] = [];
    if (repeated.length) {
      const merged = mergeRows(
        repeated.map((r) => ({ row: Number(r.row), cells: cols.map((c) => r[c] as string | null) })),
        layout,
        null,
      );
      mergeIssues.push(...merged.issues);
      repeats = merged.groups;
      // The rows as merged replace the rows as read.
      const fixed = { name: "grants_rawfix", columns: [["row", "INTEGER"], ...cols.map((c) => [c, "VARCHAR"] as const)] } as const;
      await createTable(db, fixed, { temp: true });
      await appendRows(db, fixed, merged.groups.map((g) => [g.row, ...g.cells.map((c) => (c === null || c === undefined ? null : String(c)))]), { schema: "main", catalog: "temp" });
      await db.run(`CREATE OR REPLACE TEMP TABLE grants_rawfix_rows AS SELECT unnest($rows::INTEGER[]) AS "row"`, { rows: repeated.map((r) => Number(r.row)) });
      await db.run(`CREATE OR REPLACE TEMP VIEW ${RAW_TABLE} AS
        SELECT * FROM (SELECT (rowid + 2)::INTEGER AS "row", * FROM grants_raw0) ANTI JOIN grants_rawfix_rows USING ("row")
        UNION ALL SELECT * FROM grants_rawfix`);
    }
    const issues: ReadIssue[] = csvNotes(csv.encoding, csv.delimiter);
    issues.push(...layout.issues, ...mergeIssues);
    if (counts.unnamed) issues.push(unnamedIssue(counts.unnamed, 1, null));
    return { layout, encoding: csv.encoding, issues, rowsRead: counts.rows, repeats };
  } finally {
    csv.cleanup();
  }
}

/** A CSV for the set-based path, loaded into grants_raw (null: not a CSV, or one read.ts must read). */
export async function readCsvLedger(db: Db, path: string, file: string): Promise<BulkLedger | null> {
  const fd = openSync(path, "r");
  const head = Buffer.alloc(4096);
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (n === 0 || sniffFormat(head.subarray(0, n), file) !== "csv") return null;
  return readBulkCsv(db, path, file);
}

/** Drop grants_raw and the tables behind it. */
export async function dropRawTables(db: Db): Promise<void> {
  await db.run(`DROP VIEW IF EXISTS ${RAW_TABLE}`);
  for (const t of ["grants_raw0", "grants_rawfix", "grants_rawfix_rows"]) await db.run(`DROP TABLE IF EXISTS ${t}`);
}
