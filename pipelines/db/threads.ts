// DuckDB's thread count for one piece of work: a statement over a table within one row group is scanned by one thread whatever the setting, and a second thread only waits.
import type { Db } from "./connection.ts";

/** DuckDB's rows per row group: a table no larger is scanned by one thread. */
export const ROW_GROUP_ROWS = 122_880;

/** Run `work` with DuckDB on one thread (when `when`), then put the thread count back. */
export async function onOneThread<T>(db: Db, when: boolean, work: () => Promise<T>): Promise<T> {
  const [{ threads }] = await db.all<{ threads: number }>(`SELECT current_setting('threads')::INTEGER AS threads`);
  if (!when || threads <= 1) return work();
  await db.run(`SET threads = 1`);
  try {
    return await work();
  } finally {
    await db.run(`SET threads = ${threads}`);
  }
}
