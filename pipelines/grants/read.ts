// Reading one 360Giving file (CSV, XLSX or JSON package) into grant objects that remember their row and column titles; a file that cannot be read is one InputError.
import { InputError } from "../errors.ts";
import { delimiterNote, readDelimited } from "../kit/delimited.ts";
import { decodeText, looksBinary, WINDOWS_1252_NOTE } from "../kit/text.ts";
import { checkJsonDepth, readBounded } from "../kit/bounds.ts";
import { readWorkbook, type Cell } from "../kit/workbook.ts";
import { columnFor, compactArrays, setPath, titleFor, type Column, type PathPart } from "./titles.ts";
import type { Severity } from "./validate.ts";

export type GrantFileFormat = "csv" | "xlsx" | "json";

/** One grant as read, before validation. */
export interface SourceRecord {
  raw: Record<string, unknown>;
  /** Spreadsheet row number (header = 1) or, for JSON, the grant's position in the package (1 = first). */
  row: number;
  sheet: string | null;
  /** The column title (spreadsheets) or JSON path (packages) for a path into the grant. */
  label: (path: PathPart[]) => string;
  /**
   * A repeat of an earlier Identifier in the same file that contradicts it or adds nothing: rejected with this reason
   * when an earlier copy is accepted; kept (validated as itself) when every earlier copy was rejected.
   */
  duplicate?: { id: string; firstRow: number; reason: string };
}

/** Something found while reading: a whole-file note (row null) or a row that cannot become a grant. */
export interface ReadIssue {
  row: number | null;
  sheet: string | null;
  column: string | null;
  value: unknown;
  reason: string;
  severity: Severity;
  grantId?: string | null;
}

export interface ReadResult {
  format: GrantFileFormat;
  encoding: string | null;
  sheet: string | null;
  /** Data rows (spreadsheets) or grants (JSON) found, before merging and validation. */
  rowsRead: number;
  records: SourceRecord[];
  issues: ReadIssue[];
}

function isBlank(v: Cell): boolean {
  return v === null || v === undefined || (typeof v === "string" && v.trim() === "");
}

function sameCell(a: Cell, b: Cell): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return String(a).trim() === String(b).trim();
}

const jsonLabel = (path: PathPart[]) => (path.length ? path.join("/") : "(grant)");

// ---------------------------------------------------------------- spreadsheets (CSV and the grants sheet of an XLSX)

interface Sheet {
  name: string | null;
  rows: { cells: Cell[]; row: number }[];
}

/** Columns whose absence makes a file unusable as a ledger (the whole file is refused). */
const essential: { label: string; test: (p: PathPart[]) => boolean }[] = [
  { label: "Identifier", test: (p) => p.length === 1 && p[0] === "id" },
  { label: "Amount Awarded", test: (p) => p.length === 1 && p[0] === "amountAwarded" },
  { label: "Currency", test: (p) => p.length === 1 && p[0] === "currency" },
  { label: "Award Date", test: (p) => p.length === 1 && p[0] === "awardDate" },
  {
    label: "Recipient Org:Identifier or Recipient Ind:Identifier",
    test: (p) => (p[0] === "recipientOrganization" && p.length === 3 && (p[2] === "id" || p[2] === "name")) || p[0] === "recipientIndividual",
  },
  { label: "Funding Org:Identifier (or Funding Org:Name)", test: (p) => p[0] === "fundingOrganization" && p.length === 3 && (p[2] === "id" || p[2] === "name") },
];

/** Columns the standard requires that a file may lack and still be read (each grant then gets a warning or a default). */
const expected: { label: string; test: (p: PathPart[]) => boolean }[] = [
  { label: "Title", test: (p) => p.length === 1 && p[0] === "title" },
  { label: "Description", test: (p) => p.length === 1 && p[0] === "description" },
  { label: "Funding Org:Name", test: (p) => p[0] === "fundingOrganization" && p[2] === "name" },
];

/** What the header row says: each column's field (null for extra, repeated or untitled columns), labels, and its notes. Throws InputError when a required column is missing. */
export interface HeaderLayout {
  header: string[];
  columns: (Column | null)[];
  label: (path: PathPart[]) => string;
  idIndex: number;
  issues: ReadIssue[];
}

export function analyseHeader(header: string[], headerRow: number, sheetName: string | null, file: string): HeaderLayout {
  const issues: ReadIssue[] = [];
  const columns: (Column | null)[] = header.map((h) => columnFor(h));
  const extra: string[] = [];
  const seen = new Map<string, number>();
  header.forEach((title, i) => {
    const col = columns[i];
    if (!col) {
      if (title.trim()) extra.push(title.trim());
      return;
    }
    const key = col.path.join("/");
    if (seen.has(key)) {
      issues.push({ row: headerRow, sheet: sheetName, column: title, value: title, reason: `the same field as column ${seen.get(key)! + 1} ("${header[seen.get(key)!]}"); this column is ignored`, severity: "warning" });
      columns[i] = null;
    } else seen.set(key, i);
  });
  const paths = columns.filter((c): c is Column => c !== null).map((c) => c.path);
  if (!paths.some((p) => p.length === 1 && p[0] === "id")) {
    const shown = header.slice(0, 6).map((h) => `"${h}"`).join(", ");
    throw new InputError(
      file,
      `${sheetName ? `sheet "${sheetName}": ` : ""}no "Identifier" column in the header row (row ${headerRow}); the first row must hold the 360Giving column titles (found ${shown || "nothing"})`,
    );
  }
  const missing = essential.filter((e) => !paths.some(e.test)).map((e) => `"${e.label}"`);
  if (missing.length) throw new InputError(file, `${sheetName ? `sheet "${sheetName}": ` : ""}missing required column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`);
  for (const e of expected)
    if (!paths.some(e.test))
      issues.push({ row: headerRow, sheet: sheetName, column: e.label, value: null, reason: `no "${e.label}" column: the standard requires it; grants are kept without it`, severity: "warning" });
  if (extra.length)
    issues.push({
      row: headerRow,
      sheet: sheetName,
      column: extra.join("; "),
      value: null,
      reason: `${extra.length} column${extra.length > 1 ? "s are" : " is"} not 360Giving field${extra.length > 1 ? "s" : ""} (${extra.map((e) => `"${e}"`).join(", ")}); kept with each grant as extra data, not used`,
      severity: "warning",
    });

  const labels = new Map<string, string>();
  columns.forEach((c, i) => c && labels.set(c.path.join("/"), header[i]));
  const label = (path: PathPart[]) => labels.get(path.join("/")) ?? (path.length ? titleFor(path, path.some((p) => typeof p === "number" && p > 0)) : "(row)");
  const idIndex = columns.findIndex((c) => c !== null && c.path.length === 1 && c.path[0] === "id");
  return { header, columns, label, idIndex, issues };
}

/** One grant's cells after merging, or a repeat kept apart (decided after validation: stage.ts). */
export interface RowGroup {
  cells: Cell[];
  row: number;
  duplicate?: SourceRecord["duplicate"];
}

/**
 * Group rows (not blank) by Identifier: a later row with the same Identifier may add values (the standard's
 * "multiple rows" method) but never contradict the first; otherwise it is a duplicate, kept apart.
 */
export function mergeRows(rows: { cells: Cell[]; row: number }[], layout: HeaderLayout, sheetName: string | null): { groups: RowGroup[]; issues: ReadIssue[] } {
  const { header, columns, idIndex } = layout;
  const issues: ReadIssue[] = [];
  const groups: RowGroup[] = [];
  const byId = new Map<string, RowGroup>();
  for (const { cells, row } of rows) {
    const id = isBlank(cells[idIndex]) ? null : String(cells[idIndex]).trim();
    const first = id === null ? undefined : byId.get(id);
    if (!first) {
      const group = { cells: [...cells], row };
      groups.push(group);
      if (id !== null) byId.set(id, group);
      continue;
    }
    const conflicts: string[] = [];
    let adds = false;
    cells.forEach((c, i) => {
      if (isBlank(c) || i >= header.length || (!columns[i] && !header[i].trim())) return;
      const before = first.cells[i];
      if (isBlank(before)) adds = true;
      else if (!sameCell(before, c)) conflicts.push(header[i]);
    });
    if (conflicts.length || !adds) {
      // Decided after validation (stage.ts): rejected if an earlier copy is accepted, else kept.
      const reason = conflicts.length
        ? `duplicate Identifier: row ${first.row} of this file has the same Identifier with different ${conflicts.slice(0, 4).map((c) => `"${c}"`).join(", ")}${conflicts.length > 4 ? " …" : ""}`
        : `duplicate Identifier: row ${first.row} of this file has the same Identifier and this row adds nothing to it`;
      groups.push({ cells: [...cells], row, duplicate: { id: id!, firstRow: first.row, reason } });
      continue;
    }
    cells.forEach((c, i) => {
      if (!isBlank(c) && isBlank(first.cells[i])) first.cells[i] = c;
    });
    issues.push({ row, sheet: sheetName, column: header[idIndex], value: id, reason: `merged into row ${first.row} (the standard's multiple-rows method: this row adds values for the same grant)`, severity: "warning", grantId: id });
  }
  return { groups, issues };
}

/** The note for values in columns without a title. */
export const unnamedIssue = (count: number, headerRow: number, sheetName: string | null): ReadIssue => ({
  row: headerRow,
  sheet: sheetName,
  column: null,
  value: null,
  reason: `${count} value(s) sit in columns with no title; they are ignored`,
  severity: "warning",
});

function readSheetRows(sheet: Sheet, file: string, format: GrantFileFormat, encoding: string | null): ReadResult {
  const sheetName = sheet.name;
  // Blank rows above the column titles are passed over (as the CSV reader passes over blank lines).
  const top = sheet.rows.findIndex((r) => !r.cells.every(isBlank));
  if (top < 0) throw new InputError(file, sheetName ? `sheet "${sheetName}" is empty` : "the file is empty");
  const header = sheet.rows[top].cells.map((c) => (c instanceof Date ? c.toISOString() : c === null || c === undefined ? "" : String(c)));
  const headerRow = sheet.rows[top].row;
  const layout = analyseHeader(header, headerRow, sheetName, file);
  const { columns, label } = layout;
  const issues: ReadIssue[] = [...layout.issues];

  const body: { cells: Cell[]; row: number }[] = [];
  const beyond: ReadIssue[] = [];
  const short: number[] = [];
  let unnamed = 0;
  for (const { cells, row } of sheet.rows.slice(top + 1)) {
    if (cells.every(isBlank)) continue;
    body.push({ cells, row });
    if (format === "csv" && cells.length < header.length) short.push(row);
    if (cells.length > header.length && cells.slice(header.length).some((c) => !isBlank(c)))
      beyond.push({ row, sheet: sheetName, column: null, value: null, reason: `the row has values beyond the last titled column (${header.length} columns); they are ignored`, severity: "warning" });
    cells.forEach((c, i) => {
      if (!isBlank(c) && i < header.length && !columns[i] && !header[i].trim()) unnamed++;
    });
  }
  const merged = mergeRows(body, layout, sheetName);
  // Row notes in row order (a row's note on extra values before its merge note).
  const rowIssues = [...beyond, ...merged.issues].sort((a, b) => a.row! - b.row! || (a.reason.startsWith("merged") ? 1 : 0) - (b.reason.startsWith("merged") ? 1 : 0));
  issues.push(...rowIssues);
  if (unnamed) issues.push(unnamedIssue(unnamed, headerRow, sheetName));
  if (short.length) issues.push(shortRowsIssue(short, header.length));

  const records: SourceRecord[] = merged.groups.map(({ cells, row, duplicate }) => {
    const raw: Record<string, unknown> = {};
    cells.forEach((c, i) => {
      if (isBlank(c) || i >= header.length) return;
      const col = columns[i];
      if (col) setPath(raw, col.path, c);
      else if (header[i].trim()) raw[header[i].trim()] = c;
    });
    compactArrays(raw);
    return duplicate ? { raw, row, sheet: sheetName, label, duplicate } : { raw, row, sheet: sheetName, label };
  });
  return { format, encoding, sheet: sheetName, rowsRead: body.length, records, issues };
}

/** CSV rows with fewer values than the header has columns: said once for the file, as the cause of the row errors that follow. */
function shortRowsIssue(rows: number[], columns: number): ReadIssue {
  const shown = rows.slice(0, 5).join(", ") + (rows.length > 5 ? ", …" : "");
  return {
    row: null,
    sheet: null,
    column: null,
    value: null,
    reason: `${rows.length.toLocaleString("en-GB")} row(s) have fewer values than the header's ${columns} columns (${rows.length === 1 ? "row" : "rows"} ${shown}): a line cut short, or a line break inside a value that is not in quotes? The missing values are read as empty`,
    severity: "warning",
  };
}

/** The whole-file notes of a CSV: a delimiter other than comma, an encoding other than UTF-8 (said first). */
export function csvNotes(encoding: string, delimiter: string): ReadIssue[] {
  const note = (reason: string): ReadIssue => ({ row: null, sheet: null, column: null, value: null, reason, severity: "warning" });
  const notes: ReadIssue[] = [];
  const separated = delimiterNote(delimiter);
  if (separated) notes.push(note(separated));
  if (encoding === "windows-1252") notes.push(note(WINDOWS_1252_NOTE));
  return notes;
}

function readCsv(bytes: Buffer, file: string): ReadResult {
  const read = readDelimited(bytes, file);
  const result = readSheetRows({ name: null, rows: read.records.map((r) => ({ cells: r.fields, row: r.row })) }, file, "csv", read.encoding);
  result.issues.unshift(...csvNotes(read.encoding, read.delimiter));
  return result;
}

// ---------------------------------------------------------------- XLSX

async function readXlsx(bytes: Buffer, file: string): Promise<ReadResult> {
  const sheets = await readWorkbook(bytes, file);
  const headerOf = (s: { data: Cell[][] }) => (s.data.find((r) => !r.every(isBlank)) ?? []).map((c) => (c === null || c === undefined ? "" : String(c).trim().toLowerCase()));
  const looksLikeGrants = (s: { data: Cell[][] }) => headerOf(s).includes("identifier") && headerOf(s).some((h) => h === "amount awarded" || h === "amountawarded");
  const main = sheets.find((s) => s.sheet.trim().toLowerCase() === "grants" && looksLikeGrants(s)) ?? sheets.find(looksLikeGrants) ?? sheets.find((s) => s.sheet.trim().toLowerCase() === "grants");
  if (!main) {
    if (sheets.every((s) => s.data.every((r) => r.every(isBlank)))) throw new InputError(file, "the workbook is empty");
    throw new InputError(file, `no grants sheet: none of the sheets (${sheets.map((s) => `"${s.sheet}"`).join(", ")}) has "Identifier" and "Amount Awarded" column titles in its first row (blank rows above are passed over)`);
  }
  const rows = main.data.map((cells, i) => ({ cells, row: i + 1 }));
  const result = readSheetRows({ name: main.sheet, rows }, file, "xlsx", null);
  readExtraSheets(sheets.filter((s) => s !== main), result);
  return result;
}

/** One-to-many sheets of the 360Giving template (Beneficiary Location, Classifications, …): each row adds one item to the grant with its Identifier. */
function readExtraSheets(sheets: { sheet: string; data: Cell[][] }[], result: ReadResult): void {
  const byId = new Map<string, SourceRecord>();
  for (const r of result.records) if (!r.duplicate && (typeof r.raw.id === "string" || typeof r.raw.id === "number")) byId.set(String(r.raw.id).trim(), r);
  for (const s of sheets) {
    const header = (s.data[0] ?? []).map((c) => (c === null || c === undefined ? "" : String(c)));
    if (s.sheet.trim().toLowerCase() === "meta" || header[0]?.trim().toLowerCase() !== "identifier") continue;
    const cols = header.map((h, i) => (i === 0 ? null : columnFor(h)));
    const fields = new Set(cols.filter((c): c is Column => c !== null).map((c) => c.path[0]));
    const body = s.data.slice(1).filter((r) => !r.every(isBlank));
    if (fields.size === 0 || body.length === 0) continue;
    const nested = cols.some((c) => c !== null && c.path.filter((p) => typeof p === "number").length > 1);
    if (fields.size !== 1 || nested) {
      result.issues.push({ row: null, sheet: s.sheet, column: null, value: null, reason: `sheet "${s.sheet}" is not read: only one-to-many sheets for a single list (such as Beneficiary Location) are supported`, severity: "warning" });
      continue;
    }
    const field = [...fields][0] as string;
    body.forEach((cells, k) => {
      const row = k + 2;
      const id = isBlank(cells[0]) ? "" : String(cells[0]).trim();
      const record = byId.get(id);
      if (!record) {
        result.issues.push({ row, sheet: s.sheet, column: header[0], value: id, reason: "no grant with this Identifier on the grants sheet; row ignored", severity: "warning" });
        return;
      }
      const item: Record<string, unknown> = {};
      cells.forEach((c, i) => {
        const col = cols[i];
        if (!col || isBlank(c)) return;
        const path = [...col.path];
        if (typeof path[1] === "number") path[1] = 0;
        setPath(item, path, c);
      });
      const added = (item[field] as unknown[] | undefined)?.[0];
      if (!added) return;
      const list = Array.isArray(record.raw[field]) ? (record.raw[field] as unknown[]) : [];
      list.push(added);
      record.raw[field] = list;
    });
  }
}

// ---------------------------------------------------------------- JSON packages

function readJson(bytes: Buffer, file: string): ReadResult {
  const decoded = decodeText(bytes);
  if (decoded.text.trim() === "") throw new InputError(file, "the file is empty");
  checkJsonDepth(decoded.text, file);
  let json: unknown;
  try {
    json = JSON.parse(decoded.text);
  } catch (e) {
    throw new InputError(file, `not valid JSON (${(e as Error).message.slice(0, 160)})`);
  }
  if (!json || typeof json !== "object" || Array.isArray(json) || !Array.isArray((json as { grants?: unknown }).grants))
    throw new InputError(file, 'not a 360Giving JSON package: expected an object with a "grants" list, {"grants": [ … ]}');
  const grants = (json as { grants: unknown[] }).grants;
  const issues: ReadIssue[] = [];
  if (grants.length === 0) issues.push({ row: null, sheet: null, column: "grants", value: null, reason: "the package has no grants (the standard expects at least one)", severity: "warning" });
  const records: SourceRecord[] = [];
  const seen = new Map<string, number>();
  grants.forEach((g, i) => {
    const row = i + 1;
    const id = g && typeof g === "object" && typeof (g as { id?: unknown }).id === "string" ? (g as { id: string }).id.trim() : null;
    const first = id ? seen.get(id) : undefined;
    if (id && first !== undefined) {
      const reason = `duplicate Identifier: grant ${first} of this file has the same Identifier`;
      records.push({ raw: (g ?? {}) as Record<string, unknown>, row, sheet: null, label: jsonLabel, duplicate: { id, firstRow: first, reason } });
      return;
    }
    if (id) seen.set(id, row);
    records.push({ raw: (g ?? {}) as Record<string, unknown>, row, sheet: null, label: jsonLabel });
  });
  return { format: "json", encoding: decoded.encoding, sheet: null, rowsRead: grants.length, records, issues };
}

// ---------------------------------------------------------------- any file

/** Which reader a file needs, from its first bytes (and its name for the old binary formats). */
export function sniffFormat(bytes: Buffer, name: string): GrantFileFormat {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    if (/\.ods$/i.test(name)) throw new InputError(name, "OpenDocument spreadsheets (.ods) are not read: save the grants sheet as .xlsx or CSV");
    return "xlsx";
  }
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])))
    throw new InputError(name, "old Excel .xls workbooks are not read: save it as .xlsx or CSV");
  if (looksBinary(bytes)) throw new InputError(name, `is not a CSV, JSON or XLSX file (it holds binary data: an image, a PDF or another format?)${/\.xlsx$/i.test(name) ? "; an .xlsx workbook is a zip archive, and this is not one" : ""}`);
  const head = decodeText(bytes.subarray(0, 4096)).text.trimStart();
  if (head.startsWith("{") || head.startsWith("[")) return "json";
  return "csv";
}

/** Read a 360Giving file. `file` is the name used in messages. Throws InputError when the file as a whole cannot be used. */
export async function readGrantFile(path: string, file: string = path): Promise<ReadResult> {
  const bytes = readBounded(path, file);
  if (bytes.length === 0) throw new InputError(file, "the file is empty");
  const format = sniffFormat(bytes, file);
  if (format === "xlsx") return readXlsx(bytes, file);
  if (format === "json") return readJson(bytes, file);
  return readCsv(bytes, file);
}
