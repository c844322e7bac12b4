// One transaction around a piece of work: one commit instead of one per statement, and nothing kept if it fails.
import type { Db } from "./connection.ts";

/**
 * Run work inside BEGIN … COMMIT (ROLLBACK and rethrow on error). Tables created inside it get transaction-local
 * row ids until the commit: work that reads `rowid` as a position must run on tables created before it.
 */
export async function inTransaction<T>(db: Db, work: () => Promise<T>): Promise<T> {
  await db.run("BEGIN TRANSACTION");
  let result: T;
  try {
    result = await work();
  } catch (e) {
    await db.run("ROLLBACK");
    throw e;
  }
  await db.run("COMMIT");
  return result;
}
