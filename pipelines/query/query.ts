// `chest query`: a read-only SQL query for analysts, printed as an aligned table or as CSV.
import { csvText } from "../../src/lib/csv.ts";
import { existsSync } from "node:fs";
import { openDb } from "../db/connection.ts";
import { ChestError, InputError, MissingSourceError } from "../errors.ts";

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

export async function runQuery(dbPath: string, sql: string): Promise<QueryResult> {
  if (!existsSync(dbPath)) throw new MissingSourceError(`${dbPath} does not exist: run \`chest build\` first`);
  const db = await openDb(dbPath, { readOnly: true });
  try {
    const reader = await db.conn.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRowsJson() as unknown[][] };
  } catch (e) {
    const message = (e as Error).message.split("\n")[0];
    if (/read-only|read only/i.test(message)) throw new InputError("query", `the database is opened read-only: ${message}`);
    throw new ChestError(`query failed: ${message}`, 3);
  } finally {
    db.close();
  }
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function toCsv({ columns, rows }: QueryResult): string {
  return csvText(columns, rows.map((r) => r.map((v) => (typeof v === "number" || typeof v === "bigint" ? v : v === null || v === undefined ? null : cell(v)))));
}

/** A number as printed, raw (29269) or grouped the UK way (29,269): right-aligned in a table. */
const grouped = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/;
const isNumber = (text: string) => !Number.isNaN(Number(grouped.test(text) ? text.replaceAll(",", "") : text));

export function toTable({ columns, rows }: QueryResult, maxRows = 200): string {
  const shown = rows.slice(0, maxRows).map((r) => r.map(cell));
  const widths = columns.map((c, i) => Math.min(40, Math.max(c.length, ...shown.map((r) => r[i].length))));
  const clip = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s);
  const numeric = columns.map((_, i) => shown.every((r) => r[i] === "" || isNumber(r[i])));
  const line = (r: string[]) => r.map((s, i) => (numeric[i] ? clip(s, widths[i]).padStart(widths[i]) : clip(s, widths[i]).padEnd(widths[i]))).join("  ");
  const out = [line(columns), widths.map((w) => "─".repeat(w)).join("  "), ...shown.map(line)];
  out.push(`(${rows.length.toLocaleString("en-GB")} row${rows.length === 1 ? "" : "s"}${rows.length > maxRows ? `, first ${maxRows} shown; use --csv for all` : ""})`);
  return out.join("\n") + "\n";
}
