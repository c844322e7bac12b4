// What the database holds: whether a table exists (inputs such as grants may not have been ingested yet).
import type { Db } from "./connection.ts";

/** Whether a table or view of that name exists (information_schema: temporary ones count too). */
export async function hasTable(db: Db, name: string): Promise<boolean> {
  const rows = await db.all(`SELECT 1 FROM information_schema.tables WHERE table_name = $name`, { name });
  return rows.length > 0;
}
