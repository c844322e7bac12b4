// Stage 1: read each fetched CSV into a raw_* table with canonical column names, checking layout and row counts.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../db/connection.ts";
import { ident, literal } from "../db/sql.ts";
import { InputError, MissingSourceError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { matchLayout } from "../csv/header.ts";
import { readHeader } from "../kit/delimited.ts";
import { sources, type CsvSource } from "../sources.ts";

export function rawTable(sourceId: string): string {
  return `raw_${sourceId.replaceAll("-", "_")}`;
}

/** Turn DuckDB's CSV errors into one line that names the file. */
function explainCsvError(path: string, error: Error): InputError {
  const message = error.message;
  const line = /line:? (\d+)/i.exec(message)?.[1] ?? /Line: (\d+)/.exec(message)?.[1];
  const found = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (found) return new InputError(path, `row at line ${line ?? "?"} has ${found[2]} columns where ${found[1]} were expected (truncated or damaged file?)`, { cause: error });
  return new InputError(path, `cannot be read as CSV${line ? ` (line ${line})` : ""}: ${message.split("\n")[0]}`, { cause: error });
}

export async function loadRawCsv(db: Db, source: CsvSource, rawDir: string, log: Logger): Promise<number> {
  const path = join(rawDir, source.file);
  if (!existsSync(path)) throw new MissingSourceError(`${path} is missing: run \`chest fetch\` first (source ${source.id})`);
  // Headerless files (ODS epraccur) declare 1-based column positions; the columns are read as c1, c2, ….
  const width = source.headerless ? readHeader(path).header.length : 0;
  const { layout } = source.headerless ? { layout: source.layouts[0] } : matchLayout(readHeader(path).header, source.layouts, path);
  const select = Object.entries(layout.columns)
    .map(([canonical, header]) => `nullif(trim(${ident(source.headerless ? `c${header}` : header)}), '') AS ${ident(canonical)}`)
    .join(",\n       ");
  const table = rawTable(source.id);
  const short = source.headerless ? Object.values(layout.columns).filter((position) => !(Number(position) >= 1 && Number(position) <= width)) : [];
  if (short.length) throw new InputError(path, `has ${width} columns; the ${layout.name} layout reads column ${short.join(", ")}`);
  const header = source.headerless ? `header = false, names = [${Array.from({ length: width }, (_, i) => literal(`c${i + 1}`)).join(", ")}]` : "header = true";
  try {
    await db.run(`
      CREATE OR REPLACE TABLE ${ident(table)} AS
      SELECT ${select}
      FROM read_csv(${literal(path)}, ${header}, all_varchar = true, strict_mode = true, encoding = 'utf-8',
                    delim = ',', quote = '"', escape = '"')`);
  } catch (e) {
    throw explainCsvError(path, e as Error);
  }
  const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${ident(table)}`);
  if (source.expectedRows !== undefined && n !== source.expectedRows)
    throw new InputError(path, `has ${n.toLocaleString("en-GB")} data rows; the official file has ${source.expectedRows.toLocaleString("en-GB")} (truncated or filtered file?)`);
  log.progress(`${source.id}: ${n.toLocaleString("en-GB")} rows (${layout.name} layout)`);
  return n;
}

export async function loadAllRaw(db: Db, rawDir: string, log: Logger): Promise<void> {
  for (const source of sources) if (source.kind === "csv") await loadRawCsv(db, source, rawDir, log);
}
