// The kit's one table declaration (name, description, columns with types and descriptions) and what every kind does with it: create, comment (COMMENT ON) and append rows from JavaScript through the appender.
import type { Db } from "../db/connection.ts";
import { ident, literal } from "../db/sql.ts";

/** Types a column may have; the appender writes the first five, the others are filled by SQL (INSERT … SELECT). */
export type ColumnType = "VARCHAR" | "INTEGER" | "BIGINT" | "DOUBLE" | "BOOLEAN" | "DATE" | "JSON" | "VARCHAR[]" | `DECIMAL(${number},${number})`;

export type ColumnDecl = readonly [name: string, type: ColumnType, description?: string];

export interface TableDecl {
  name: string;
  /** What one row is; stored with COMMENT ON TABLE (leave out for staging tables). */
  description?: string;
  columns: readonly ColumnDecl[];
}

/** A row for appendRows: values in column order, or by column name. */
export type Row = readonly unknown[] | Readonly<Record<string, unknown>>;

/** DROP and CREATE the table (empty), with its comments when it has a description. */
export async function createTable(db: Db, decl: TableDecl, options: { temp?: boolean } = {}): Promise<void> {
  await db.run(`DROP TABLE IF EXISTS ${ident(decl.name)}`);
  await db.run(`CREATE ${options.temp ? "TEMP " : ""}TABLE ${ident(decl.name)} (${decl.columns.map(([n, t]) => `${ident(n)} ${t}`).join(", ")})`);
  if (decl.description && !options.temp) await commentTable(db, decl);
}

/** Store the descriptions as DuckDB comments (visible in duckdb_tables() and duckdb_columns(), and in the data dictionary). */
export async function commentTable(db: Db, decl: TableDecl): Promise<void> {
  if (decl.description) await db.run(`COMMENT ON TABLE ${ident(decl.name)} IS ${literal(decl.description)}`);
  for (const [c, , d] of decl.columns) if (d) await db.run(`COMMENT ON COLUMN ${ident(decl.name)}.${ident(c)} IS ${literal(d)}`);
}

/**
 * Append rows to an existing table (null, undefined and non-finite numbers → NULL). Values go through DuckDB's
 * appender, never through SQL text. Returns the number of rows.
 */
export async function appendRows(db: Db, decl: TableDecl, rows: Iterable<Row>, options: { schema?: string; catalog?: string } = {}): Promise<number> {
  const appender = await db.conn.createAppender(decl.name, options.schema ?? null, options.catalog ?? null);
  let count = 0;
  try {
    for (const row of rows) {
      const byName = !Array.isArray(row);
      decl.columns.forEach(([name, type], i) => {
        const v = byName ? (row as Record<string, unknown>)[name] : (row as unknown[])[i];
        if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) return appender.appendNull();
        switch (type) {
          case "VARCHAR":
            return appender.appendVarchar(typeof v === "string" ? v : String(v));
          case "INTEGER":
            return appender.appendInteger(Number(v));
          case "BIGINT":
            return appender.appendBigInt(BigInt(v as number));
          case "DOUBLE":
            return appender.appendDouble(Number(v));
          case "BOOLEAN":
            return appender.appendBoolean(Boolean(v));
          default:
            throw new Error(`appendRows: column ${decl.name}.${name} is ${type}; fill it with SQL instead`);
        }
      });
      appender.endRow();
      count++;
    }
  } finally {
    appender.closeSync();
  }
  return count;
}

/** Create the table and append the rows in one call. */
export async function writeTable(db: Db, decl: TableDecl, rows: Iterable<Row>): Promise<number> {
  await createTable(db, decl);
  return appendRows(db, decl, rows);
}
