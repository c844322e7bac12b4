// Re-running some stages on an existing database: work on a copy and rename it into place only when every stage succeeded.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { MissingSourceError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { runStagesAtomically, type Stage } from "./atomic.ts";

export async function updateDatabase(dbPath: string, stages: Stage[], log: Logger): Promise<void> {
  const target = resolve(dbPath);
  if (!existsSync(target)) throw new MissingSourceError(`${dbPath} does not exist: run \`chest build\` first`);
  await runStagesAtomically(target, stages, log, "copy");
}
