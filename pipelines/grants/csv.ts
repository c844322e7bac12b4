// An RFC 4180 CSV reader and writer for grant ledgers: quoted fields, doubled quotes, embedded newlines, CRLF or LF.

export interface CsvRecord {
  /** Fields in order. */
  fields: string[];
  /** 1-based record number (the header is record 1), as a spreadsheet would number the row. */
  row: number;
  /** 1-based line on which the record starts. */
  line: number;
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
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  let row = 0;
  while (i < n) {
    const startLine = line;
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
          if (c === 44 || c === 10 || c === 13) break;
          field += text[i];
          i++;
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 44 || c === 10 || c === 13) break;
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
        if (c === 44) {
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
    if (fields.length === 1 && fields[0] === "") continue; // blank line
    records.push({ fields, row, line: startLine });
  }
  return records;
}

/** Quote a field only when it needs it (comma, quote, CR or LF, or leading/trailing space). */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows to CSV text with CRLF line endings (RFC 4180). */
export function toCsv(header: string[], rows: unknown[][]): string {
  const lines = [header.map(csvField).join(",")];
  for (const row of rows) lines.push(row.map(csvField).join(","));
  return lines.join("\r\n") + "\r\n";
}
