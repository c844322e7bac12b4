// `chest demo` is one atomic update: stopped part-way (here a failure at a chosen point, as a kill would be), it leaves the previous database byte for byte and takes back the copies it stored, instead of a database with some demo kinds loaded and need not recomputed for them.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runDemo } from "../../pipelines/demo/run.ts";
import { scanInputs } from "../../pipelines/inputs/registry.ts";
import type { Logger } from "../../pipelines/log.ts";
import { buildFromMirror } from "../support/pipeline.ts";

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("chest demo stopped part-way", () => {
  let built: Awaited<ReturnType<typeof buildFromMirror>>;
  beforeAll(async () => {
    built = await buildFromMirror();
  }, 300_000);

  it("leaves the previous database and no stored copy, after the grants and returns were generated and loaded", async () => {
    const before = sha(built.dbPath);
    const inputsDir = join(built.dir, "inputs");
    const seen: string[] = [];
    // Stop once the services are generated and stored: the grants and the monitoring returns are loaded by then.
    const log: Logger = {
      info(message) {
        seen.push(message);
        if (/^demo: services: \d+ synthetic file/.test(message)) throw new Error("stopped here");
      },
      warn() {},
      progress() {},
    };
    const run = runDemo({ place: built.place, dbPath: built.dbPath, inputsDir, demoDir: join(built.dir, "demo"), reportsDir: join(built.dir, "rejects"), rawDir: built.rawDir, seed: 20251, log, kinds: ["grants", "outcomes", "services"] });
    await expect(run).rejects.toThrow("stopped here");
    expect(seen.some((m) => /^demo: outcomes: \d+ synthetic file/.test(m))).toBe(true);
    expect(sha(built.dbPath)).toBe(before);
    expect(scanInputs(inputsDir)).toEqual([]);
    expect(readdirSync(built.dir).filter((n) => /\.(tmp|part)-/.test(n))).toEqual([]);
  }, 600_000);
});
