// Vitest global setup: make sure Chromium is there, build the demo database (real public data + synthetic inputs) and the whole dashboard once, offline, and serve it.
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { runDemo } from "../../pipelines/demo/run.ts";

import { silentLogger } from "../../pipelines/log.ts";
import { serveStatic } from "../../pipelines/site/serve.ts";
import { buildFromMirror, repoRoot, tempDir } from "./pipeline.ts";
import { ensureChromium } from "./chromium.ts";
import { buildSiteGuarded } from "./site.ts";

declare module "vitest" {
  export interface ProvidedContext {
    siteUrl: string;
    siteDbPath: string;
    siteNetwork: string[];
    siteBuildLog: string;
  }
}

export default async function setup(project: TestProject) {
  try {
    ensureChromium();
  } catch (error) {
    // Without the site, most runs are non-browser tests: say it, don't stop them.
    if (process.env.CHEST_SKIP_SITE !== "1") throw error;
    process.stderr.write(`test setup: ${(error as Error).message}\n`);
  }
  if (process.env.CHEST_SKIP_SITE === "1") return;
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
  const site = await buildSiteGuarded(built.dbPath, join(tempDir(), "network.log"));
  if (site.code !== 0) throw new Error(`the dashboard did not build:\n${site.stderr.slice(-4000)}`);
  const server = await serveStatic(join(repoRoot, "dist"), 0);
  project.provide("siteUrl", server.url);
  project.provide("siteDbPath", built.dbPath);
  project.provide("siteNetwork", site.network);
  project.provide("siteBuildLog", site.stderr);
  return () => server.close();
}
