// One writing run at a time: a lock file beside the database (naming the command and pid), stale-lock recovery, and clearing temporary files that killed runs left behind.
//
// Why: two ingests started together both exited 0 and one's rows were lost (each renamed its own temporary copy
// over the database). Every command that writes the database or data/inputs (ingest, build, demo, run) takes the
// lock first; `chest site` takes the same kind of lock on dist/ (dist.lock), as two site builds share the loaders'
// cache. The lock is `<database>.lock`, created exclusively (O_EXCL), holding {pid, command, started}. A lock
// whose pid is no longer running (a killed run) is stale: it is moved aside atomically and taken over. Temporary
// files named `*.tmp-<pid>` (databases being built) and `*.part-<pid>` (copies being written) whose pid is dead are
// removed at the next start, so kills do not accumulate them.
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ChestError, ExitCode } from "../errors.ts";
import type { Logger } from "../log.ts";

/** Another run holds the database. */
export class LockedError extends ChestError {
  readonly holder: LockInfo | null;
  constructor(message: string, holder: LockInfo | null) {
    super(message, ExitCode.busy);
    this.name = "LockedError";
    this.holder = holder;
  }
}

export interface LockInfo {
  pid: number;
  command: string;
  started: string;
}

export interface RunLock {
  path: string;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

export const lockPathOf = (dbPath: string): string => `${dbPath}.lock`;

/** Whether a process with this pid is running (EPERM: it is, but not ours). */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readLock(path: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(path, "utf8")) as LockInfo;
    return Number.isSafeInteger(info?.pid) ? { pid: info.pid, command: String(info.command), started: String(info.started) } : null;
  } catch {
    return null;
  }
}

function tryCreate(path: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    writeSync(fd, JSON.stringify(info));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** A lock file that cannot be read is stale once it is a few seconds old (a run killed between creating and writing it). */
const UNREADABLE_GRACE_MS = 5_000;

/**
 * Take the run lock for `dbPath`, naming `command` (e.g. "chest ingest grants ledger.csv"). Throws LockedError
 * (exit code 6) naming the running command and its pid when a live run holds it ("only one command may `what` at a
 * time"); takes over a stale lock.
 * The lock is released on release() and, as a last resort, when this process exits.
 */
export function acquireRunLock(dbPath: string, command: string, log?: Logger, what = "write the database"): RunLock {
  const path = lockPathOf(dbPath);
  mkdirSync(dirname(path), { recursive: true });
  const info: LockInfo = { pid: process.pid, command, started: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, info)) return heldLock(path);
    const holder = readLock(path);
    if (holder && holder.pid === process.pid) throw new LockedError(`${dbPath} is already locked by this process (${holder.command})`, holder);
    if (holder && pidAlive(holder.pid)) throw lockedBy(dbPath, holder, what);
    if (!holder) {
      let age = 0;
      try {
        age = Date.now() - statSync(path).mtimeMs;
      } catch {
        continue; // gone meanwhile: try again
      }
      if (age < UNREADABLE_GRACE_MS) throw new LockedError(`${dbPath} is being locked by another run just now (${path}); try again in a moment`, null);
    }
    if (takeOverStale(path, holder)) {
      log?.warn(`${path}: recovered a stale lock left by ${holder ? `"${holder.command}" (pid ${holder.pid}, no longer running)` : "a run killed while taking it"}`);
    }
  }
  throw new LockedError(`${dbPath}: could not take the lock ${path} (another run keeps taking it); try again`, readLock(path));
}

function lockedBy(dbPath: string, holder: LockInfo, what: string): LockedError {
  return new LockedError(
    `${dbPath} is in use by "${holder.command}" (pid ${holder.pid}, started ${holder.started}): ` +
      `wait for it to finish; only one command may ${what} at a time`,
    holder,
  );
}

/** Move a stale lock aside atomically; if what was moved turns out to be a live run's fresh lock, put it back. */
function takeOverStale(path: string, seen: LockInfo | null): boolean {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return false; // someone else moved it first
  }
  const moved = readLock(aside);
  const stillStale = seen === null ? moved === null || !pidAlive(moved.pid) : moved !== null && moved.pid === seen.pid && !pidAlive(moved.pid);
  if (!stillStale) {
    try {
      linkSync(aside, path); // put back, never over a newer lock
    } catch {
      /* a newer lock exists: the other run proceeds */
    }
  }
  rmSync(aside, { force: true });
  return stillStale;
}

function heldLock(path: string): RunLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off("exit", release);
    if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
  };
  process.on("exit", release);
  return { path, release };
}

/** Run `fn` holding the lock for `dbPath`, after clearing what killed runs left in `dirs` (and beside the database). */
export async function withRunLock<T>(dbPath: string, command: string, dirs: readonly string[], log: Logger, fn: () => Promise<T>): Promise<T> {
  const lock = acquireRunLock(dbPath, command, log);
  try {
    const removed = clearStaleTemporaries([dirname(dbPath), ...dirs]);
    if (removed.length) log.info(`removed ${removed.length} temporary file(s) left by killed runs: ${removed.map((p) => basename(p)).join(", ")}`);
    return await fn();
  } finally {
    lock.release();
  }
}

const TEMPORARY = /\.(?:tmp|part|stale)-(\d+)(?:\.wal)?$/;

/**
 * Remove `*.tmp-<pid>`, `*.part-<pid>` and `*.stale-<pid>` files (and their `.wal`) whose pid is not running, in
 * each folder and its subfolders (to a small depth). Call it holding the run lock. Returns the paths removed.
 */
export function clearStaleTemporaries(dirs: readonly string[], depth = 3): string[] {
  const removed: string[] = [];
  const seen = new Set<string>();
  const walk = (dir: string, left: number) => {
    if (seen.has(dir) || !existsSync(dir)) return;
    seen.add(dir);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const path = join(dir, name);
      let st;
      try {
        st = statSync(path, { throwIfNoEntry: false });
      } catch {
        continue;
      }
      if (!st) continue;
      if (st.isDirectory()) {
        if (left > 0) walk(path, left - 1);
        continue;
      }
      const m = TEMPORARY.exec(name);
      if (!m || !st.isFile()) continue;
      const pid = Number(m[1]);
      if (pid === process.pid || pidAlive(pid)) continue;
      rmSync(path, { force: true });
      removed.push(path);
    }
  };
  for (const d of dirs) walk(d, depth);
  return removed;
}
