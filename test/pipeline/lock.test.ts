// The run lock: a second writing run is refused naming the first (exit code 6) and nothing is lost; a stale lock from a dead pid is taken over; temporary files of killed runs are cleared; a second `chest site` is refused the same way (dist.lock).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireRunLock, clearStaleTemporaries, LockedError, lockPathOf, pidAlive } from "../../pipelines/build/lock.ts";
import { openDb } from "../../pipelines/db/connection.ts";
import { memoryLogger } from "../../pipelines/log.ts";
import { buildFromMirror, repoRoot, tempDir } from "../support/pipeline.ts";

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const sleeper = (): ChildProcess => spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
/** A pid that was running a moment ago and is not now. */
function deadPid(): number {
  const run = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  const pid = Number(run.stdout);
  expect(pidAlive(pid)).toBe(false);
  return pid;
}

describe("acquireRunLock", () => {
  let other: ChildProcess;
  beforeAll(() => void (other = sleeper()));
  afterAll(() => void other.kill());

  it("refuses while a live process holds the lock, naming its command and pid, with exit code 6", () => {
    const db = join(tempDir(), "chest.duckdb");
    writeFileSync(lockPathOf(db), JSON.stringify({ pid: other.pid, command: "chest build", started: "2026-12-01T03:00:00.000Z" }));
    let error: unknown;
    try {
      acquireRunLock(db, "chest ingest grants x.csv");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).exitCode).toBe(6);
    expect((error as Error).message).toBe(`${db} is in use by "chest build" (pid ${other.pid}, started 2026-12-01T03:00:00.000Z): wait for it to finish; only one command may write the database at a time`);
    expect(JSON.parse(readFileSync(lockPathOf(db), "utf8")).pid).toBe(other.pid); // the holder's lock is untouched
  });

  it("takes over a stale lock left by a dead pid, and releases it", () => {
    const db = join(tempDir(), "chest.duckdb");
    const dead = deadPid();
    writeFileSync(lockPathOf(db), JSON.stringify({ pid: dead, command: "chest ingest referrals r.csv", started: "2026-12-01T02:00:00.000Z" }));
    const log = memoryLogger();
    const lock = acquireRunLock(db, "chest build", log);
    expect(JSON.parse(readFileSync(lockPathOf(db), "utf8"))).toMatchObject({ pid: process.pid, command: "chest build" });
    expect(log.lines.join("\n")).toContain(`recovered a stale lock left by "chest ingest referrals r.csv" (pid ${dead}, no longer running)`);
    expect(() => acquireRunLock(db, "chest demo")).toThrow(/already locked by this process \(chest build\)/);
    lock.release();
    lock.release();
    expect(existsSync(lockPathOf(db))).toBe(false);
    expect(readdirSync(join(db, ".."))).toEqual([]); // nothing left aside
  });
});

describe("clearStaleTemporaries", () => {
  it("removes *.tmp-<pid> databases and *.part-<pid> copies of dead runs, and keeps live runs' and ordinary files", () => {
    const dir = tempDir();
    const live = sleeper();
    try {
      const dead = deadPid();
      mkdirSync(join(dir, "inputs", "grants"), { recursive: true });
      const files = {
        deadDb: join(dir, `chest.duckdb.tmp-${dead}`),
        deadWal: join(dir, `chest.duckdb.tmp-${dead}.wal`),
        deadCopy: join(dir, "inputs", "grants", `abc.csv.part-${dead}`),
        liveDb: join(dir, `chest.duckdb.tmp-${live.pid}`),
        ordinary: join(dir, "inputs", "grants", "abc.csv"),
        lookalike: join(dir, "notes.tmp-draft"),
      };
      for (const f of Object.values(files)) writeFileSync(f, "x");
      const removed = clearStaleTemporaries([dir]);
      expect(removed.sort()).toEqual([files.deadCopy, files.deadDb, files.deadWal].sort());
      for (const f of [files.liveDb, files.ordinary, files.lookalike]) expect(existsSync(f)).toBe(true);
    } finally {
      live.kill();
    }
  });
});

describe("two ingests at once (the CLI)", () => {
  const cli = (args: string[]) => [join(repoRoot, "pipelines/bin/chest.js"), ...args];
  let built: Awaited<ReturnType<typeof buildFromMirror>>;
  let dir: string;
  const ledger = (name: string, prefix: string, n: number) => {
    const header = "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,Recipient Org:Name,Beneficiary Location:0:Geographic Code,Funding Org:0:Identifier,Funding Org:0:Name";
    const rows = Array.from({ length: n }, (_, i) => `360G-${prefix}-${i},Grant ${i},Test,GBP,${1000 + i},2024-03-17,360G-org-${i},Fictional Group ${i},E01003543,360G-testchest,Test Chest`);
    const path = join(dir, name);
    writeFileSync(path, [header, ...rows].join("\n") + "\n");
    return path;
  };
  beforeAll(async () => {
    built = await buildFromMirror();
    dir = tempDir();
  }, 120_000);

  it("refuses the second with exit code 6 naming the first; nothing is lost, and the second goes in afterwards", async () => {
    const big = ledger("big.csv", "big", 15_000);
    const small = ledger("small.csv", "small", 5);
    const inputs = join(dir, "inputs");
    const args = (file: string) => ["ingest", "grants", file, "--db", built.dbPath, "--raw", built.rawDir, "--inputs", inputs, "--place", join(repoRoot, "data/places/north-east-london.json"), "--quiet"];
    const first = spawn(process.execPath, cli(args(big)), { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    let firstErr = "";
    first.stderr!.on("data", (d) => (firstErr += d));
    const firstDone = new Promise<number | null>((resolve) => first.on("exit", resolve));
    const lock = lockPathOf(built.dbPath);
    const t0 = Date.now();
    while (!existsSync(lock) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(lock)).toBe(true);
    const before = sha(built.dbPath);

    const second = spawnSync(process.execPath, cli(args(small)), { cwd: dir, encoding: "utf8" });
    expect(second.status, second.stderr).toBe(6);
    expect(second.stderr).toMatch(new RegExp(`chest: .*chest\\.duckdb is in use by "chest ingest grants .*big\\.csv.*" \\(pid ${first.pid}, started `));
    const stillRunning = first.exitCode === null;
    if (stillRunning) expect(sha(built.dbPath)).toBe(before); // the refused run wrote nothing

    expect(await firstDone, firstErr).toBe(0);
    expect(existsSync(lock)).toBe(false);
    const again = spawnSync(process.execPath, cli(args(small)), { cwd: dir, encoding: "utf8" });
    expect(again.status, again.stderr).toBe(0);
    const db = await openDb(built.dbPath, { readOnly: true });
    try {
      const rows = await db.all<{ prefix: string; n: number }>(`SELECT split_part(grant_id, '-', 2) AS prefix, count(*)::INTEGER AS n FROM grants GROUP BY 1 ORDER BY 1`);
      expect(rows).toEqual([{ prefix: "big", n: 15_000 }, { prefix: "small", n: 5 }]);
    } finally {
      db.close();
    }
    expect(readdirSync(join(inputs, "grants"))).toHaveLength(2);
    expect(readdirSync(join(built.dbPath, "..")).filter((f) => /\.(tmp|part|lock)/.test(f))).toEqual([]);
  }, 240_000);
});

describe("two site builds at once (the CLI)", () => {
  it("refuses the second with exit code 6 naming the first, before it touches the loaders' cache or dist/", () => {
    const cwd = tempDir();
    const holder = sleeper();
    try {
      const cached = join(cwd, "src", ".observablehq", "cache", "data", "overview.json");
      mkdirSync(join(cached, ".."), { recursive: true });
      writeFileSync(cached, '{"from":"the first build"}');
      mkdirSync(join(cwd, "dist"));
      writeFileSync(join(cwd, "dist", "index.html"), "the previous site");
      writeFileSync(join(cwd, "dist.lock"), JSON.stringify({ pid: holder.pid, command: "chest site --db a.duckdb", started: "2026-12-01T20:00:00.000Z" }));
      const second = spawnSync(process.execPath, [join(repoRoot, "pipelines/bin/chest.js"), "site", "--db", "b.duckdb"], { cwd, encoding: "utf8" });
      expect(second.status, second.stderr).toBe(6);
      expect(second.stderr).toContain(`chest: ${join(cwd, "dist")} is in use by "chest site --db a.duckdb" (pid ${holder.pid}, started 2026-12-01T20:00:00.000Z): wait for it to finish; only one command may build the site`);
      expect(readFileSync(cached, "utf8")).toBe('{"from":"the first build"}');
      expect(readFileSync(join(cwd, "dist", "index.html"), "utf8")).toBe("the previous site");
      expect(JSON.parse(readFileSync(join(cwd, "dist.lock"), "utf8")).pid).toBe(holder.pid);
    } finally {
      holder.kill();
    }
  });
});
