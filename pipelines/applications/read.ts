// Reading one file of the applications kind (CSV in any encoding and delimiter through the kit, or the first sheet of an XLSX) into a header and text rows, and telling which of the three shapes it is: applications, panel scores or votes.
import { InputError } from "../errors.ts";
import { readBounded } from "../kit/bounds.ts";
import { delimiterNote, headerKey, raggedReason, readDelimited } from "../kit/delimited.ts";
import { WINDOWS_1252_NOTE } from "../kit/text.ts";
import { readWorkbook, type Cell } from "../kit/workbook.ts";
import type { RowInput } from "./validate.ts";
import { columnForTitle } from "./template.ts";

/** Applications files are small (a round has tens to hundreds of rows): read whole, at most this many bytes. */
export const MAX_APPLICATION_FILE_BYTES = 64 * 1024 * 1024;

export type FileShape = "applications" | "scores" | "votes";

export interface ReadFile {
  titles: string[];
  rows: RowInput[];
  /** What the kit noticed about how the file was written (encoding, delimiter), as warnings. */
  notes: string[];
}

function cellText(c: Cell): string {
  if (c === null || c === undefined) return "";
  if (c instanceof Date) return c.toISOString().slice(0, 10);
  return String(c);
}

/** Whether a sheet's first row reads as one of the three shapes: a scores or votes header, or at least one applications template title. */
function knownHeader(data: Cell[][]): boolean {
  const titles = (data[0] ?? []).map(cellText);
  return shapeOf(titles) !== "applications" || titles.some((t) => columnForTitle(t) !== undefined);
}

/** The sheet to read: the first whose header the kind knows (so a notes or instructions sheet in front is passed over), else the first with data. */
async function readXlsx(bytes: Buffer, label: string): Promise<ReadFile> {
  const sheets = await readWorkbook(bytes, label);
  const withData = sheets.filter((s) => s.data.some((r) => r.some((c) => cellText(c).trim() !== "")));
  const first = withData.find((s) => knownHeader(s.data)) ?? withData[0];
  if (!first) throw new InputError(label, "the workbook is empty");
  const others = sheets.filter((s) => s !== first).map((s) => `"${s.sheet}"`);
  const notes = others.length ? [`read the sheet "${first.sheet}"; the other sheets (${others.join(", ")}) were not read`] : [];
  return { titles: (first.data[0] ?? []).map(cellText), rows: first.data.slice(1).map((cells, i) => ({ fields: cells.map(cellText), row: i + 2 })), notes };
}

/** The file's header and rows (row numbers as a spreadsheet shows them: the header is row 1). */
export async function readApplicationFile(path: string, label: string): Promise<ReadFile> {
  const bytes = readBounded(path, label, MAX_APPLICATION_FILE_BYTES);
  if (/\.xls$/i.test(label)) throw new InputError(label, "old Excel .xls workbooks are not read: save it as .xlsx or CSV");
  const isZip = bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (isZip || /\.xlsx$/i.test(label)) return readXlsx(bytes, label);
  const read = readDelimited(bytes, label);
  const [head, ...body] = read.records;
  if (!head) throw new InputError(label, "the file is empty");
  const notes: string[] = [];
  if (read.encoding === "windows-1252") notes.push(WINDOWS_1252_NOTE);
  const separated = delimiterNote(read.delimiter);
  if (separated) notes.push(separated);
  return { titles: head.fields, rows: body.map((r) => ({ fields: r.fields, row: r.row, ragged: raggedReason(r, head.fields.length) })), notes };
}

/** Which shape a header is: votes (voter …), panel scores (member/assessor … criterion …) or applications (anything else, checked against the template). */
export function shapeOf(titles: readonly string[]): FileShape {
  const keys = new Set(titles.map(headerKey));
  if (["voter", "voter_id", "ballot"].some((k) => keys.has(k))) return "votes";
  if (["member", "panel_member", "assessor"].some((k) => keys.has(k)) && ["criterion", "criteria", "question"].some((k) => keys.has(k))) return "scores";
  return "applications";
}
