// A copy stored by a run killed before its database was renamed into place is taken away when the next writing command starts, before anything reads the inputs folder: a build does not apply the demo's synthetic rounds for a demo ledger it will not load. A listing deletes nothing.
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../../pipelines/db/connection.ts";
import { inputFileTable } from "../../pipelines/inputs/stages.ts";
import { createTable } from "../../pipelines/kit/table.ts";
import { recordDemoRounds } from "../../pipelines/place/demo-rounds.ts";
import { OWNER_FILE } from "../../pipelines/inputs/registry.ts";
import { buildFromMirror, repoRoot, tempDir } from "../support/pipeline.ts";

const chest = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, "pipelines/bin/chest.js"), ...args], { cwd: repoRoot, encoding: "utf8", env: { ...process.env, TZ: "Europe/London" } });

describe("a copy left by a killed run", () => {
  let built: Awaited<ReturnType<typeof buildFromMirror>>;
  let inputs: string;
  let stray: string;
  /** What `chest demo` killed after storing its grant ledger leaves: the demo's rounds and a ledger copy the database does not list. */
  const leaveStray = () => {
    recordDemoRounds(built.place, inputs);
    mkdirSync(join(inputs, "grants"), { recursive: true });
    writeFileSync(stray, "Identifier,Title,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,Recipient Org:Name,Beneficiary Location:0:Geographic Code,Funding Org:0:Identifier,Funding Org:0:Name,Grant Programme:0:Code\n360G-CHESTDEMO-R1-001,Grant,GBP,1000,2024-03-17,360G-org,Group,E01003543,360G-f,Funder,CHESTDEMO-R1\n");
  };
  const common = () => ["--db", built.dbPath, "--inputs", inputs, "--raw", built.rawDir, "--quiet"];

  beforeAll(async () => {
    built = await buildFromMirror();
    inputs = join(built.dir, "inputs");
    stray = join(inputs, "grants", "000001-0123456789ab--demo-north-east-london-chest-ledger.csv");
    // A chest that has loaded no input yet lists none (the table every ingest and build writes).
    const db = await openDb(built.dbPath);
    try {
      await createTable(db, inputFileTable);
    } finally {
      db.close();
    }
  }, 300_000);

  it("is left alone by a listing (`chest inputs` deletes nothing), and listed nowhere", () => {
    leaveStray();
    const listed = chest(["inputs", ...common()]);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toContain("no files ingested yet");
    expect(existsSync(stray)).toBe(true);
  });

  it("does not bring the demo's synthetic rounds into the next build", async () => {
    leaveStray();
    const run = chest(["build", ...common()]);
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(stray)).toBe(false);
    const db = await openDb(built.dbPath, { readOnly: true });
    try {
      expect(await db.all(`SELECT round_id FROM outcome_round`)).toEqual([]);
      expect(await db.all(`SELECT * FROM input_file`)).toEqual([]);
    } finally {
      db.close();
    }
  }, 300_000);
});

describe("an inputs folder belongs to one database", () => {
  const ledger = (id: string) => {
    const file = join(tempDir(), `ledger-${id}.csv`);
    writeFileSync(file, `Identifier,Title,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,Recipient Org:Name,Beneficiary Location:0:Geographic Code,Funding Org:0:Identifier,Funding Org:0:Name\n360G-own-${id},Grant,GBP,1000,2024-03-17,360G-org,Group,E01003543,360G-f,Funder\n`);
    return file;
  };
  const stored = (inputs: string) => readdirSync(join(inputs, "grants")).sort();

  it("refuses a run on a copy of the database made elsewhere (which would delete what was ingested since), and keeps every copy", async () => {
    const built = await buildFromMirror();
    const inputs = join(built.dir, "inputs");
    const args = (db: string, dir = inputs) => ["--db", db, "--inputs", dir, "--raw", built.rawDir, "--quiet"];
    const first = chest(["ingest", "grants", ledger("a"), ...args(built.dbPath)]);
    expect(first.status, first.stderr).toBe(0);
    expect(readFileSync(join(inputs, OWNER_FILE), "utf8").trim()).toBe("../chest.duckdb");
    const older = join(tempDir(), "older-copy.duckdb");
    copyFileSync(built.dbPath, older);
    const second = chest(["ingest", "grants", ledger("b"), ...args(built.dbPath)]);
    expect(second.status, second.stderr).toBe(0);
    const both = stored(inputs);
    expect(both).toHaveLength(2);

    const refused = chest(["build", ...args(older)]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`holds the files ingested into ${built.dbPath}`);
    expect(refused.stderr).toContain("--inputs DIR");
    expect(stored(inputs)).toEqual(both);
    const listed = chest(["inputs", ...args(built.dbPath)]);
    expect(listed.stdout).toContain("ledger-b.csv");

    // The same chest copied whole (database and inputs folder together) owns its own copy of the folder.
    const whole = tempDir();
    cpSync(built.dir, whole, { recursive: true });
    const rebuilt = chest(["build", ...args(join(whole, "chest.duckdb"), join(whole, "inputs"))]);
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    expect(stored(join(whole, "inputs"))).toEqual(both);
    // A database that is gone for good gives its folder up to the next one run with it.
    const moved = join(tempDir(), "moved.duckdb");
    copyFileSync(join(whole, "chest.duckdb"), moved);
    rmSync(join(whole, "chest.duckdb"));
    const adopted = chest(["build", ...args(moved, join(whole, "inputs"))]);
    expect(adopted.status, adopted.stderr).toBe(0);
    expect(stored(join(whole, "inputs"))).toEqual(both);
  }, 300_000);
});
