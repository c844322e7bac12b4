// Writing a CSV report straight from DuckDB (`COPY … TO`), cell for cell the bytes src/lib/csv.ts's csvCell and csvText write: formula-safe, RFC 4180 quoting, CRLF, a UTF-8 byte-order mark.
import { renameSync, rmSync } from "node:fs";
import type { Db } from "../db/connection.ts";
import { literal } from "../db/sql.ts";
import { WS } from "./text.ts";
import { csvCell } from "../../src/lib/csv.ts";

/** JavaScript's `\s` (what csvCell tests for leading and trailing space) as an RE2 class: kit/text.ts's WS. */
const JS_SPACE = `[${WS}]`;

/**
 * csvCell(text) as SQL, for a VARCHAR expression: NULL → empty; text a spreadsheet would run as a formula gets a
 * leading apostrophe, unless it is a plain negative number; quoted (quotes doubled) when it holds a comma, semicolon,
 * quote or line break or starts or ends with space.
 */
export function csvCellSql(text: string): string {
  const v = `(${text})`;
  const formula = `(regexp_matches(${v}, '^[=+\\-@\\t\\r]') AND NOT regexp_matches(${v}, '^-([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?$'))`;
  const mark = `CASE WHEN ${formula} THEN '''' ELSE '' END`;
  // The apostrophe is neither space nor a character that needs quotes, so the tests look at the text as given.
  const quoted = `(regexp_matches(${v}, '[",;\\r\\n]|${JS_SPACE}$') OR (regexp_matches(${v}, '^${JS_SPACE}') AND NOT ${formula}))`;
  return `CASE WHEN ${v} IS NULL THEN '' WHEN ${quoted} THEN '"' || ${mark} || replace(${v}, '"', '""') || '"' ELSE ${mark} || ${v} END`;
}

/**
 * Write `path` whole (a temporary file renamed into place): a UTF-8 byte-order mark and the header, then one line
 * per row of `select` in the order of the SQL expressions `order` (over its columns). `cells` are VARCHAR
 * expressions over `select`'s columns, each written as csvCell would; lines end CRLF. Nothing passes through JavaScript.
 */
export async function copyCsv(db: Db, path: string, header: readonly string[], cells: readonly string[], select: string, order: readonly string[]): Promise<void> {
  const line = cells.map(csvCellSql).join(` || ',' || `);
  const head = literal("\ufeff" + header.map((h) => csvCell(h)).join(","));
  const keys = order.map((_, i) => `_o${i}`);
  const tmp = `${path}.part-${process.pid}`;
  try {
    await db.run(`COPY (
      SELECT line FROM (
        SELECT 0 AS _k, ${keys.map((k) => `NULL AS ${k}`).join(", ")}, ${head} AS line
        UNION ALL SELECT 1, ${order.map((o, i) => `${o} AS ${keys[i]}`).join(", ")}, ${line} FROM (${select})
      ) ORDER BY _k, ${keys.join(", ")}
    ) TO ${literal(tmp)} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', NEW_LINE '\r\n')`);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
