// Running stages against a temporary database file and renaming it over the target only when every stage succeeded.
import { copyFileSync, existsSync, renameSync, rmSync } from "node:fs";
import { openDb, type Db } from "../db/connection.ts";
import type { Logger } from "../log.ts";

export type Stage = { name: string; run: (db: Db) => Promise<unknown> };

/**
 * Run `stages` on `target.tmp-<pid>` (a fresh file, or a copy of `target` when `startFrom` is "copy"), then rename it
 * over `target`. On any failure the temporary file is removed and `target` is left exactly as it was.
 */
export async function runStagesAtomically(target: string, stages: Stage[], log: Logger, startFrom: "empty" | "copy"): Promise<void> {
  const tmp = `${target}.tmp-${process.pid}`;
  const cleanUp = () => {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.wal`, { force: true });
  };
  cleanUp();
  if (startFrom === "copy") copyFileSync(target, tmp);
  const db = await openDb(tmp);
  try {
    for (const [i, stage] of stages.entries()) {
      log.info(`[${i + 1}/${stages.length}] ${stage.name}`);
      await stage.run(db);
    }
    await db.run("CHECKPOINT");
  } catch (e) {
    db.close();
    cleanUp();
    throw e;
  }
  db.close();
  if (existsSync(`${target}.wal`)) rmSync(`${target}.wal`);
  renameSync(tmp, target);
}
