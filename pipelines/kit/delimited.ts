// The kit's one reader for delimited text files (every kind of input, and the official CSVs): encoding detection, delimiter sniffing, RFC 4180 records, header normalisation, and the bounds that keep a hostile file from using up memory.
import { closeSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { InputError } from "../errors.ts";
import { csvCell, csvText } from "../../src/lib/csv.ts";
import { binarySignature, decodeText, decodeWindows1252, sniffEncoding, type DecodedText } from "./text.ts";

export { csvCell, csvText };

export interface CsvRecord {
  /** Fields in order. */
  fields: string[];
  /** 1-based record number (the header is record 1), as a spreadsheet would number the row. */
  row: number;
  /** 1-based line on which the record starts. */
  line: number;
}

/**
 * Why a data record cannot be read cell by cell against a header `width` fields wide (it has more or fewer fields: a
 * value holding the delimiter outside quotes, or a damaged row), or null when it can. Every kind that reads rows
 * rejects such a row with this reason instead of reading its cells out of place (extra cells dropped, missing ones
 * taken as empty).
 */
export function raggedReason(record: Pick<CsvRecord, "fields" | "line">, width: number): string | null {
  if (record.fields.length === width) return null;
  const reason = `has ${record.fields.length} fields where the header has ${width}: a value with the delimiter in it that is not in quotes, or a damaged row`;
  // A quote opened and closed in the wrong place takes the lines between into this row: say so, as rows are inside it.
  return record.fields.some((f) => /[\r\n]/.test(f))
    ? `${reason}; it runs over several lines from line ${record.line}: check the quotes there (the rows on those lines are inside it, not read)`
    : reason;
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "CsvSyntaxError";
  }
}

/**
 * Parse CSV text into records. A quote opens a quoted field only at the start of a field; a stray quote
 * inside an unquoted field is kept as a character (as spreadsheet programs do). Text after a closing quote
 * is appended to the field. An unterminated quoted field is an error naming the line where it opened.
 * Blank lines are skipped but still counted in `row`, so row numbers match what a spreadsheet shows.
 */
export function parseCsv(text: string, delimiter: Delimiter = ",", maxRecordChars = MAX_RECORD_CHARS): CsvRecord[] {
  const d = delimiter.charCodeAt(0);
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  let row = 0;
  while (i < n) {
    const startLine = line;
    const recordStart = i;
    row++;
    const fields: string[] = [];
    let field = "";
    let endOfRecord = false;
    while (!endOfRecord) {
      if (i < n && text.charCodeAt(i) === 34 /* " */ && field === "") {
        // Quoted field.
        i++;
        const openLine = line;
        let chunkStart = i;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q === -1) throw new CsvSyntaxError(`a quoted field opened on line ${openLine} is never closed`, openLine);
          // Count newlines inside the quoted chunk for line numbering.
          for (let k = i; k < q; k++) if (text.charCodeAt(k) === 10) line++;
          if (text.charCodeAt(q + 1) === 34) {
            field += text.slice(chunkStart, q + 1);
            i = q + 2;
            chunkStart = i;
            continue;
          }
          field += text.slice(chunkStart, q);
          i = q + 1;
          break;
        }
        // Anything up to the next delimiter is kept (lenient about `"a"b`).
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === d || c === 10 || c === 13) break;
          field += text[i];
          i++;
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === d || c === 10 || c === 13) break;
          j++;
        }
        field += text.slice(i, j);
        i = j;
      }
      // Delimiter or end of record.
      if (i >= n) {
        fields.push(field);
        endOfRecord = true;
      } else {
        const c = text.charCodeAt(i);
        if (c === d) {
          fields.push(field);
          field = "";
          i++;
        } else {
          fields.push(field);
          if (c === 13 && text.charCodeAt(i + 1) === 10) i += 2;
          else i++;
          line++;
          endOfRecord = true;
        }
      }
    }
    if (i - recordStart > maxRecordChars) throw new CsvSyntaxError(`the record starting on line ${startLine} is longer than ${maxRecordChars.toLocaleString("en-GB")} characters (a damaged file, or a quote that is never closed)`, startLine);
    if (fields.length === 1 && fields[0] === "") continue; // blank line
    records.push({ fields, row, line: startLine });
  }
  return records;
}


export type Delimiter = "," | ";" | "\t" | "|";

/** The longest record (row) any reader accepts, in characters; a longer one is refused with its line, never dropped. */
export const MAX_RECORD_CHARS = 1_000_000;

/**
 * The delimiter of a delimited text: of comma, semicolon, tab and bar, the one that splits the first lines
 * (outside quotes) into the same number of fields (more than one), preferring more fields; comma when none does.
 */
export function sniffDelimiter(text: string): Delimiter {
  const lines: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < text.length && lines.length < 20 && i < 65536; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === "\n" || ch === "\r")) {
      if (cur !== "") lines.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (cur !== "" && lines.length < 20) lines.push(cur);
  let best: { d: Delimiter; fields: number } | null = null;
  for (const d of [",", ";", "\t", "|"] as Delimiter[]) {
    const counts = lines.map((l) => countOutsideQuotes(l, d) + 1);
    if (!counts.length || counts[0] < 2) continue;
    const consistent = counts.filter((c) => c === counts[0]).length >= Math.ceil(counts.length * 0.8);
    if (consistent && (!best || counts[0] > best.fields)) best = { d, fields: counts[0] };
  }
  return best?.d ?? ",";
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === d) n++;
  }
  return n;
}

/** Split one line (a header) into fields with RFC 4180 quoting. */
export function splitCsvLine(line: string, delimiter: Delimiter = ","): string[] {
  const [record] = parseCsv(line, delimiter);
  return record ? record.fields : [""];
}

/** A header as written, tidied: byte-order mark, surrounding space and runs of white space. */
export function tidyHeader(header: string): string {
  return header.replace(/^\uFEFF/, "").replace(/\s+/g, " ").trim();
}

/** A header as a key for matching: lower case, every run of other characters one underscore ("Referral Date" → referral_date). */
export function headerKey(header: string): string {
  return tidyHeader(header)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

export interface DelimitedText {
  encoding: DecodedText["encoding"];
  bom: boolean;
  delimiter: Delimiter;
  records: CsvRecord[];
}

/** Refuse bytes that start like a workbook, document or image, naming what they are. */
export function refuseNotText(bytes: Uint8Array, file: string): void {
  const found = binarySignature(bytes);
  if (found) throw new InputError(file, `is ${found}, not a delimited text file (CSV)`);
}

/** Decode and parse a whole delimited file already in memory. Throws InputError naming the file for an unreadable one. */
export function readDelimited(bytes: Uint8Array, file: string, delimiter?: Delimiter): DelimitedText {
  refuseNotText(bytes, file);
  const decoded = decodeText(bytes);
  if (decoded.text.trim() === "") throw new InputError(file, "the file is empty");
  const d = delimiter ?? sniffDelimiter(decoded.text);
  try {
    return { encoding: decoded.encoding, bom: decoded.bom, delimiter: d, records: parseCsv(decoded.text, d) };
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new InputError(file, `not readable as CSV: ${e.message}`);
    throw e;
  }
}

export interface HeaderSniff {
  /** The header's fields as written (without the byte-order mark). */
  header: string[];
  encoding: DecodedText["encoding"];
  delimiter: Delimiter;
}

/** The header line of a file (any encoding, any delimiter), from its first 64 KB. Empty files are an error. */
export function readHeader(path: string, label = path): HeaderSniff {
  const fd = openSync(path, "r");
  let head: Buffer;
  let whole: boolean;
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    whole = n < buf.length;
    head = buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
  if (head.length === 0) throw new InputError(label, "the file is empty");
  refuseNotText(head, label);
  const encoding = sniffEncoding(head, whole);
  let text = decodeText(encoding === "utf-8" || encoding === "windows-1252" ? head.subarray(0, whole ? head.length : Math.max(0, head.length - 4)) : head).text;
  text = text.replace(/^\uFEFF/, "");
  const delimiter = sniffDelimiter(text);
  const end = text.search(/\r?\n/);
  const first = end === -1 ? text : text.slice(0, end);
  return { header: splitCsvLine(first, delimiter), encoding, delimiter };
}

/** What DuckDB's read_csv needs to read a large delimited file the kit has sniffed: a UTF-8 path, the delimiter, and a clean-up. */
export interface BulkCsv {
  path: string;
  delimiter: Delimiter;
  encoding: DecodedText["encoding"];
  cleanup: () => void;
}

/**
 * Prepare a large delimited file for DuckDB (which reads UTF-8 only): sniff the encoding and delimiter from its head,
 * and for UTF-16 or Windows-1252 write a UTF-8 copy beside it, streamed in 1 MB pieces (never the whole file in memory).
 */
export function bulkCsv(path: string, label = path, forceEncoding?: DecodedText["encoding"]): BulkCsv {
  const sniff = readHeader(path, label);
  const encoding = forceEncoding ?? sniff.encoding;
  if (encoding === "utf-8") return { path, delimiter: sniff.delimiter, encoding, cleanup: () => {} };
  const out = join(tmpdir(), `chest-utf8-${process.pid}-${Date.now()}-${basename(path)}`);
  const fd = openSync(path, "r");
  const wfd = openSync(out, "w");
  try {
    const decoder = encoding === "windows-1252" ? null : new TextDecoder(encoding);
    const buf = Buffer.alloc(1 << 20);
    let first = true;
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      let piece = buf.subarray(0, n);
      if (first && encoding !== "windows-1252" && piece.length >= 2 && (piece[0] === 0xff || piece[0] === 0xfe)) piece = piece.subarray(2);
      first = false;
      const text = decoder ? decoder.decode(piece, { stream: true }) : decodeWindows1252(piece);
      writeSync(wfd, Buffer.from(text, "utf8"));
    }
    if (decoder) writeSync(wfd, Buffer.from(decoder.decode(), "utf8"));
  } finally {
    closeSync(fd);
    closeSync(wfd);
  }
  return { path: out, delimiter: sniff.delimiter, encoding, cleanup: () => rmSync(out, { force: true }) };
}

export interface CsvTable {
  header: string[];
  /** One object per data row, keyed by header name; empty cells are absent. */
  rows: Record<string, string>[];
}

/** A delimited table with a header row as row objects (data package tables). Throws Error for an empty file or a repeated column name. */
export function parseTable(text: string, delimiter?: Delimiter): CsvTable {
  text = text.replace(/^\uFEFF/, "");
  const records = parseCsv(text, delimiter ?? sniffDelimiter(text)).map((r) => r.fields);
  if (records.length === 0) throw new Error("the file is empty");
  const header = records[0].map((h) => h.trim());
  const seen = new Set<string>();
  for (const h of header) {
    if (h !== "" && seen.has(h)) throw new Error(`column "${h}" appears twice in the header`);
    seen.add(h);
  }
  const rows = records.slice(1).map((values) => {
    const row: Record<string, string> = {};
    header.forEach((h, j) => {
      const v = values[j];
      if (h !== "" && v !== undefined && v.trim() !== "") row[h] = v;
    });
    return row;
  });
  return { header, rows };
}

/** What a reader tells the user when the columns were not separated by commas, or null when they were. */
export function delimiterNote(delimiter: string): string | null {
  return delimiter === "," ? null : `the columns are separated by ${delimiter === "\t" ? "tabs" : `"${delimiter}"`}, not commas; read that way`;
}

/** Rows to CSV text (CRLF, formula-safe; no byte-order mark): csvText under the name the grant code knows. */
export function toCsv(header: readonly string[], rows: Iterable<readonly unknown[]>): string {
  return csvText(header, rows);
}
