// Bulk-loading rows built in JavaScript into a DuckDB table through the appender (no SQL text per row).
import type { Db } from "../db/connection.ts";
import { ident } from "../db/sql.ts";

export type ColumnType = "VARCHAR" | "INTEGER" | "BIGINT" | "DOUBLE" | "BOOLEAN";

export interface TableSpec {
  name: string;
  columns: [name: string, type: ColumnType][];
}

export async function createTable(db: Db, spec: TableSpec): Promise<void> {
  await db.run(`DROP TABLE IF EXISTS ${ident(spec.name)}`);
  await db.run(`CREATE TABLE ${ident(spec.name)} (${spec.columns.map(([n, t]) => `${ident(n)} ${t}`).join(", ")})`);
}

/** Append rows (arrays in column order; null/undefined → NULL) to an existing table. */
export async function appendRows(db: Db, spec: TableSpec, rows: Iterable<unknown[]>): Promise<number> {
  const appender = await db.conn.createAppender(spec.name);
  let count = 0;
  try {
    for (const row of rows) {
      spec.columns.forEach(([, type], i) => {
        const v = row[i];
        if (v === null || v === undefined) return appender.appendNull();
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
