// Reads a monitoring return (a CSV of one part, or the XLSX template with all three sheets) into rows of text cells, refusing identifier columns: through the kit's bounded reader, its delimited reader (any encoding or delimiter) and its XLSX check.
import { InputError } from "../errors.ts";
import { readBounded } from "../kit/bounds.ts";
import { headerKey, raggedReason, readDelimited } from "../kit/delimited.ts";
import { readWorkbook, type Cell } from "../kit/workbook.ts";
import { identifierColumn } from "../referrals/vocabulary.ts";
import { columns, sheetKindOf, sheetKinds, type SheetKind } from "./format.ts";

export interface ReturnRow {
  /** Spreadsheet row number (header = 1). */
  line: number;
  cells: Record<string, string>;
  /** Set when a CSV row has more or fewer fields than its header: the row is rejected with this reason, its cells not read. */
  ragged?: string;
}

export interface ReturnSheet {
  kind: SheetKind;
  /** Sheet name (XLSX) or null (CSV). */
  sheet: string | null;
  rows: ReturnRow[];
  /** Headers not read (never stored). */
  ignored: string[];
}

const sheetTitles: Record<SheetKind, string> = { returns: "Returns", reach: "Reach", participants: "Participants" };
export { sheetTitles };

function cellText(c: Cell): string {
  if (c === null || c === undefined) return "";
  if (c instanceof Date) return c.toISOString().slice(0, 10);
  return String(c).trim();
}

/** Check a header row and turn the body into rows keyed by column name. */
function toSheet(label: string, sheet: string | null, header: string[], body: { line: number; cells: Cell[]; ragged?: string | null }[]): ReturnSheet {
  const where = sheet ? `sheet "${sheet}"` : "the header";
  const refused = header.flatMap((h) => {
    const what = identifierColumn(h);
    return what ? [`"${h}" (${what})`] : [];
  });
  if (refused.length)
    throw new InputError(label, `refused: ${where} has ${refused.join(", ")}: Chest Atlas never stores names, NHS numbers or contact details. Remove ${refused.length > 1 ? "those columns" : "that column"} and use a made-up participant code.`);
  const names = header.map(headerKey);
  const kind = sheetKindOf(names);
  if (!kind) throw new InputError(label, `${where} is not part of a monitoring return: expected the columns of Returns (sessions_delivered), Reach (age_band, residents) or Participants (participant_code)`);
  const known = new Set(columns[kind].map((c) => c.name));
  const missing = columns[kind].filter((c) => c.required && !names.includes(c.name)).map((c) => c.name);
  if (missing.length) throw new InputError(label, `${where} (${kind}) lacks the column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`);
  const dup = names.find((n, i) => known.has(n) && names.indexOf(n) !== i);
  if (dup) throw new InputError(label, `${where} has the column ${dup} twice`);
  // A pre-filled Returns row (grant and quarter only) that nobody filled in is not a return.
  const filled = kind === "returns" ? (cells: Cell[]) => names.some((n, i) => (n === "sessions_delivered" || n === "submitted_on") && cellText(cells[i]) !== "") : () => true;
  const rows = body
    .filter((r) => r.cells.some((c) => cellText(c) !== "") && (r.ragged || filled(r.cells)))
    .map((r) =>
      r.ragged
        ? { line: r.line, cells: {}, ragged: r.ragged }
        : { line: r.line, cells: Object.fromEntries(names.flatMap((n, i) => (known.has(n) ? [[n, cellText(r.cells[i])]] : []))) },
    );
  return { kind, sheet, rows, ignored: header.filter((_, i) => !known.has(names[i])) };
}

function readCsv(bytes: Buffer, label: string): ReturnSheet[] {
  const [head, ...body] = readDelimited(bytes, label).records;
  if (!head) throw new InputError(label, "the file is empty");
  const width = head.fields.length;
  return [toSheet(label, null, head.fields.map((h) => h.trim()), body.map((r) => ({ line: r.row, cells: r.fields, ragged: raggedReason(r, width) })))];
}

async function readXlsx(bytes: Buffer, label: string): Promise<ReturnSheet[]> {
  const sheets = await readWorkbook(bytes, label);
  const titles = new Map(sheetKinds.map((k) => [sheetTitles[k].toLowerCase(), k]));
  const parts = sheets.filter((s) => titles.has(s.sheet.trim().toLowerCase()));
  if (!parts.length) throw new InputError(label, `has none of the sheets Returns, Reach or Participants (found ${sheets.map((s) => `"${s.sheet}"`).join(", ")})`);
  return parts.map((s) =>
    toSheet(label, s.sheet, (s.data[0] ?? []).map(cellText), s.data.slice(1).map((cells, i) => ({ line: i + 2, cells }))),
  );
}

/** Every part of a return file (read within the kit's bounds); throws InputError with one message when the file cannot be read or is refused. */
export async function readReturnFile(path: string, label: string): Promise<ReturnSheet[]> {
  const bytes = readBounded(path, label);
  const isZip = bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (isZip || /\.xlsx$/i.test(label)) return readXlsx(bytes, label);
  return readCsv(bytes, label);
}
