// Checking raw text columns before they are cast, so a bad value is reported with file, line, column and value.
import type { Db } from "../db/connection.ts";
import { ident } from "../db/sql.ts";
import { InputError } from "../errors.ts";

/** Throws naming the first value in `columns` that is not a number (line numbers count the header as line 1). */
export async function assertNumeric(db: Db, table: string, columns: string[], file: string, headers?: Record<string, string>): Promise<void> {
  if (!columns.length) return;
  const bad = await db.all<{ line: number; col: string; val: string }>(`
    SELECT line::INTEGER AS line, col, val
    FROM (SELECT row_number() OVER () + 1 AS line, ${columns.map(ident).join(", ")} FROM ${ident(table)})
    UNPIVOT (val FOR col IN (${columns.map(ident).join(", ")}))
    WHERE TRY_CAST(val AS DOUBLE) IS NULL
    ORDER BY line
    LIMIT 1`);
  if (bad.length) {
    const { line, col, val } = bad[0];
    throw new InputError(file, `line ${line}, column "${headers?.[col] ?? col}": value ${JSON.stringify(val)} is not a number`);
  }
}

/** Throws naming the first code that does not match a pattern. */
export async function assertCodes(db: Db, table: string, column: string, pattern: string, file: string, what: string): Promise<void> {
  const bad = await db.all<{ line: number; val: string }>(`
    SELECT line::INTEGER AS line, val FROM (
      SELECT row_number() OVER () + 1 AS line, ${ident(column)} AS val FROM ${ident(table)})
    WHERE val IS NULL OR NOT regexp_full_match(val, $pattern)
    ORDER BY line LIMIT 1`, { pattern });
  if (bad.length) throw new InputError(file, `line ${bad[0].line}: ${JSON.stringify(bad[0].val)} is not ${what}`);
}

/** Throws naming the first duplicated key. */
export async function assertUnique(db: Db, table: string, column: string, file: string): Promise<void> {
  const dup = await db.all<{ val: string; n: number }>(`
    SELECT ${ident(column)} AS val, count(*)::INTEGER AS n FROM ${ident(table)} GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT 1`);
  if (dup.length) throw new InputError(file, `${dup[0].val} appears ${dup[0].n} times; each code must appear once`);
}
