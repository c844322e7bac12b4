// A folder built once per key and shared by every test file (and later runs): the first process to ask builds it under a
// lock while the others wait, so parallel test files never repeat the same slow build.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pidAlive } from "../../pipelines/build/lock.ts";

/**
 * Where finished builds are kept between test files (and runs): one folder per key, written by rename so readers never
 * see half a build. In $TMPDIR as the run started (CHEST_TEST_BUILDS, set with the run's own folder: run-temp.ts).
 */
export const buildCacheDir = process.env.CHEST_TEST_BUILDS ?? join(tmpdir(), "chest-test-builds");

/** The marker written last into a finished build. */
const DONE = ".built";

/** Remove cached builds untouched for a day (older code or mirror); recent ones may belong to another checkout's run. */
function pruneBuildCache(): void {
  for (const name of readdirSync(buildCacheDir)) {
    const path = join(buildCacheDir, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > 86_400_000) rmSync(path, { recursive: true, force: true });
    } catch {
      // another process removed it first
    }
  }
}


/** Take the lock folder for a key; false when a live process holds it (a dead holder's lock is broken). */
function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    writeFileSync(join(lock, "pid"), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    let holder = NaN;
    try {
      holder = Number(readFileSync(join(lock, "pid"), "utf8"));
    } catch {
      // the holder has not written its pid yet, or has just finished
    }
    // A lock with no pid for a minute, or whose process has gone, was left by a killed run.
    const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if ((Number.isFinite(holder) && !pidAlive(holder)) || (!Number.isFinite(holder) && age > 60_000)) rmSync(lock, { recursive: true, force: true });
    return false;
  }
}

/**
 * The folder for `key` under the build cache, made by `make(dir)` the first time any test process asks for it; later
 * callers (in this run or the next) get the finished folder at once, and callers during the build wait for it. Treat
 * the folder as read-only: copy what a test changes. `make` gets a fresh empty folder; a failed `make` leaves nothing behind.
 */
export async function cachedBuild(key: string, make: (dir: string) => Promise<void>): Promise<string> {
  const cached = join(buildCacheDir, key);
  const lock = `${cached}.lock`;
  mkdirSync(buildCacheDir, { recursive: true });
  for (;;) {
    if (existsSync(join(cached, DONE))) return cached;
    if (tryLock(lock)) break;
    await sleep(250);
  }
  try {
    if (existsSync(join(cached, DONE))) return cached;
    pruneBuildCache();
    const building = `${cached}.${process.pid}.tmp`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building, { recursive: true });
    try {
      await make(building);
      writeFileSync(join(building, DONE), new Date().toISOString());
      rmSync(cached, { recursive: true, force: true });
      renameSync(building, cached);
    } finally {
      rmSync(building, { recursive: true, force: true });
    }
    return cached;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
