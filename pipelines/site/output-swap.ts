// The site is built into a temporary folder beside dist/ and swapped in only on success, so a failed or killed build leaves the previous dist/ as it was.
import { existsSync } from "node:fs";
import { readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { pidAlive } from "../build/lock.ts";

const TEMP = /^(.+)\.(tmp|old)-(\d+)$/;


/** Where this process builds: "<dist>.tmp-<pid>", beside the output folder (so the final rename stays on one file system). */
export function temporaryOutput(outDir: string): string {
  return `${outDir}.tmp-${process.pid}`;
}

/**
 * Clear what killed builds left beside outDir: their temporary folders, and — if a kill fell between the two
 * renames of a swap — put the previous site back where it belongs.
 */
export async function clearStaleOutputs(outDir: string): Promise<void> {
  const parent = path.dirname(outDir);
  const base = path.basename(outDir);
  if (!existsSync(parent)) return;
  for (const name of await readdir(parent)) {
    const match = TEMP.exec(name);
    if (!match || match[1] !== base || pidAlive(Number(match[3]))) continue;
    const full = path.join(parent, name);
    if (match[2] === "old" && !existsSync(outDir)) await rename(full, outDir);
    else await rm(full, { recursive: true, force: true });
  }
}

/** Replace outDir with the finished build in builtDir: previous site aside, new one in, previous one removed. */
export async function swapIntoPlace(builtDir: string, outDir: string): Promise<void> {
  const aside = `${outDir}.old-${process.pid}`;
  const hadPrevious = existsSync(outDir);
  if (hadPrevious) await rename(outDir, aside);
  try {
    await rename(builtDir, outDir);
  } catch (error) {
    if (hadPrevious) await rename(aside, outDir);
    throw error;
  }
  if (hadPrevious) await rm(aside, { recursive: true, force: true });
}
