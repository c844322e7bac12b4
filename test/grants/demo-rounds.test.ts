// The demo's synthetic rounds reach the database without being in the place file: the demo run and a later build give the same rounds, and a real ledger alone gets none.
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { build } from "../../pipelines/build/build.ts";
import { openDb } from "../../pipelines/db/connection.ts";
import { runDemo } from "../../pipelines/demo/run.ts";
import { grantSynthetic } from "../../pipelines/grants/publish.ts";
import { reconcileInputs, registerInput, scanInputs } from "../../pipelines/inputs/registry.ts";
import { inputStages } from "../../pipelines/inputs/stages.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { withDemoRounds } from "../../pipelines/place/demo-rounds.ts";
import { loadPlace } from "../../pipelines/place/load.ts";
import { buildFromMirror, repoRoot, tempDir } from "../support/pipeline.ts";

let built: Awaited<ReturnType<typeof buildFromMirror>>;
const inputsDir = () => join(built.dir, "inputs");
const placeFile = join(repoRoot, "data/places/north-east-london.json");

async function tables(dbPath: string) {
  const db = await openDb(dbPath, { readOnly: true });
  try {
    return {
      rounds: await db.all(`SELECT * FROM grant_rounds ORDER BY ALL`),
      grants: await db.all(`SELECT round_id, count(*)::INTEGER AS n, sum(amount_pence)::DOUBLE AS p FROM grants GROUP BY 1 ORDER BY 1`),
      synthetic: await grantSynthetic(db),
    };
  } finally {
    db.close();
  }
}

/** `chest build`: the place file re-read, the stored inputs loaded again. */
async function rebuild(dbPath: string, inputs: string) {
  const place = withDemoRounds(loadPlace(placeFile), inputs);
  const ctx = { place, reportsDir: join(built.dir, "rejects"), rawDir: built.rawDir, postcodes: null, log: silentLogger };
  await build({ place, rawDir: built.rawDir, dbPath, log: silentLogger }, inputStages(await reconcileInputs(inputs, dbPath), ctx, ["grants"]));
}

beforeAll(async () => {
  built = await buildFromMirror();
  await runDemo({ place: built.place, dbPath: built.dbPath, inputsDir: inputsDir(), demoDir: join(built.dir, "demo"), reportsDir: join(built.dir, "rejects"), rawDir: built.rawDir, seed: 20251, log: silentLogger, kinds: ["grants"] });
}, 600_000);

describe("the demo's rounds", () => {
  it("are in the demo database, with the synthetic banner's counts, though the place file has none", async () => {
    expect(built.place.rounds).toEqual([]);
    const t = await tables(built.dbPath);
    expect(t.grants).toEqual([
      { round_id: "demo-r1", n: 48, p: 24_000_000 },
      { round_id: "demo-r2", n: 52, p: 26_500_000 },
    ]);
    expect(t.synthetic).toEqual({ rounds: 2, grants: 100 });
  });

  it("survive a build that re-reads the place file: same inputs, same tables", async () => {
    const before = await tables(built.dbPath);
    await rebuild(built.dbPath, inputsDir());
    expect(await tables(built.dbPath)).toEqual(before);
  }, 600_000);

  it("do not reach a real ledger ingested with the real place file", async () => {
    const demo = scanInputs(inputsDir()).find((f) => f.kind === "grants")!;
    const own = join(tempDir(), "our-chest-ledger.csv");
    copyFileSync(demo.path, own);
    const inputs = join(tempDir(), "inputs");
    registerInput(inputs, "grants", own);
    const dbPath = join(tempDir(), "own.duckdb");
    await rebuild(dbPath, inputs);
    const t = await tables(dbPath);
    expect(t.rounds).toEqual([]);
    expect(t.grants).toEqual([{ round_id: null, n: 100, p: 50_500_000 }]);
    expect(t.synthetic.rounds).toBe(0);
  }, 600_000);
});
