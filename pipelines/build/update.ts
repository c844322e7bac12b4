// Re-running some stages on an existing database: work on a copy and rename it into place only when every stage succeeded.
import { copyFileSync, existsSync, renameSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { openDb } from "../db/connection.ts";
import { MissingSourceError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Stage } from "./build.ts";

export async function updateDatabase(dbPath: string, stages: Stage[], log: Logger): Promise<void> {
  const target = resolve(dbPath);
  if (!existsSync(target)) throw new MissingSourceError(`${dbPath} does not exist: run \`chest build\` first`);
  const tmp = `${target}.tmp-${process.pid}`;
  copyFileSync(target, tmp);
  const db = await openDb(tmp);
  try {
    for (const stage of stages) {
      log.info(stage.name);
      await stage.run(db);
    }
    await db.run("CHECKPOINT");
  } catch (e) {
    db.close();
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.wal`, { force: true });
    throw e;
  }
  db.close();
  renameSync(tmp, target);
}
