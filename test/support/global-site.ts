// Vitest global setup: make sure Chromium is there, then build the demo database (real public data + synthetic inputs)
// and the whole dashboard once, offline, and serve it. The build runs in the background while the test files that do
// not need it run (the sequencer starts no file that needs it before it is expected); files that need it wait in
// demoSite() (test/support/demo-site.ts).
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { runDemo } from "../../pipelines/demo/run.ts";

import { silentLogger } from "../../pipelines/log.ts";
import { serveStatic } from "../../pipelines/site/serve.ts";
import { buildFromMirror, repoRoot, tempDir } from "./pipeline.ts";
import { ensureChromium } from "./chromium.ts";
import type { DemoSiteState } from "./demo-site.ts";
import { removeRunTemp } from "./run-temp.ts";
import { buildSiteGuarded } from "./site.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The file global setup writes once the demo site is served (or its build failed): a DemoSiteState as JSON. */
    siteStateFile: string;
  }
}

async function buildDemoSite(networkLog: string): Promise<{ state: DemoSiteState; close: () => Promise<void> }> {
  // The first build of north east London in this run; test files calling buildFromMirror() get copies of it (test/support/pipeline.ts).
  const built = await buildFromMirror();
  await runDemo({
    place: built.place,
    dbPath: built.dbPath,
    inputsDir: join(built.dir, "inputs"),
    demoDir: join(built.dir, "demo"),
    reportsDir: join(built.dir, "rejects"),
    rawDir: built.rawDir,
    seed: 20251,
    log: silentLogger,
    // CHEST_DEMO_KINDS=grants,services limits the synthetic inputs (while one kind is being worked on).
    kinds: process.env.CHEST_DEMO_KINDS ? (process.env.CHEST_DEMO_KINDS.split(",") as string[]) : undefined,
  });
  const site = await buildSiteGuarded(built.dbPath, networkLog);
  if (site.code !== 0) throw new Error(`the dashboard did not build:\n${site.stderr.slice(-4000)}`);
  const server = await serveStatic(join(repoRoot, "dist"), 0);
  return { state: { url: server.url, dbPath: built.dbPath, network: site.network, buildLog: site.stderr }, close: () => server.close() };
}

export default async function setup(project: TestProject) {
  try {
    ensureChromium();
  } catch (error) {
    // Without the site, most runs are non-browser tests: say it, don't stop them.
    if (process.env.CHEST_SKIP_SITE !== "1") throw error;
    process.stderr.write(`test setup: ${(error as Error).message}\n`);
  }
  if (process.env.CHEST_SKIP_SITE === "1") return removeRunTemp;
  const dir = tempDir("chest-site-");
  const stateFile = join(dir, "state.json");
  project.provide("siteStateFile", stateFile);
  // Not awaited: the workers start on other files meanwhile. The state is written by rename, so a reader sees all of it or nothing.
  const publish = (state: DemoSiteState | { error: string }) => {
    writeFileSync(`${stateFile}.tmp`, JSON.stringify(state));
    renameSync(`${stateFile}.tmp`, stateFile);
  };
  const started = performance.now();
  const written = buildDemoSite(join(dir, "network.log")).then(
    (site) => {
      publish(site.state);
      // How long the site took to be ready (test/support/file-times.ts keeps it for the sequencer).
      mkdirSync(join(repoRoot, "test", "output"), { recursive: true });
      writeFileSync(join(repoRoot, "test", "output", "demo-site-seconds.txt"), `${Math.round((performance.now() - started) / 1000)}\n`);
      return site;
    },
    (error: unknown) => {
      publish({ error: (error as Error).stack ?? String(error) });
      return undefined;
    },
  );
  return async () => {
    const site = await written;
    await site?.close();
    removeRunTemp();
  };
}
