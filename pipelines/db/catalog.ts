// What the database holds: whether a table exists (inputs such as grants may not have been ingested yet).
import type { Db } from "./connection.ts";

/** Whether a table (not a temporary one) exists. */
export async function hasTable(db: Db, name: string): Promise<boolean> {
  const rows = await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = $name AND NOT temporary`, { name });
  return rows.length > 0;
}
