// Runs the site's data loaders (<root>/data/*.ts, each one runLoader() call) in this one process against one open database,
// instead of one Node process per loader: for the site build (outputs where Framework keeps fresh loader outputs, so
// Framework starts none itself) and for re-pointing a built site at another database.
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Logger } from "../log.ts";
import { databasePath, withDatabase } from "../publish/database.ts";
import { collectLoaders, type Produce } from "../publish/loader.ts";

/** Each loader's work, by file, as collected when its module was first imported (a module runs only once per process). */
const collected = new Map<string, Produce>();
let importing: string | undefined;

/** The loaders under a data folder: named for what they write (areas.arrow.ts writes areas.arrow). */
export async function loaderFiles(dataDir: string): Promise<string[]> {
  if (!existsSync(dataDir)) return [];
  const entries = await readdir(dataDir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && /\.[a-z0-9]+\.ts$/i.test(e.name)).map((e) => path.join(e.parentPath, e.name)).sort();
}

async function produceOf(loader: string): Promise<Produce | undefined> {
  collectLoaders((_name, produce) => {
    if (importing) collected.set(importing, produce);
  });
  if (!collected.has(loader)) {
    importing = loader;
    try {
      await import(pathToFileURL(loader).href);
    } finally {
      importing = undefined;
    }
  }
  return collected.get(loader);
}

export interface LoaderJob {
  /** The loader module (a runLoader() loader: importing it must do nothing else). */
  loader: string;
  /** Where its output goes (written to a temporary name, then renamed). */
  out: string;
}

/**
 * Run each loader's publish function, one after another on one read-only connection to the database (CHEST_DB), and
 * write its output. Returns the jobs that failed with why; the others' outputs are written.
 */
export async function runLoaders(jobs: readonly LoaderJob[], log: Logger): Promise<{ job: LoaderJob; message: string }[]> {
  const failed: { job: LoaderJob; message: string }[] = [];
  const produces = new Map<LoaderJob, Produce | undefined>();
  for (const job of jobs) produces.set(job, await produceOf(job.loader));
  await withDatabase(async (db) => {
    for (const job of jobs) {
      const produce = produces.get(job);
      if (!produce) {
        failed.push({ job, message: "not a runLoader() loader" });
        continue;
      }
      try {
        const out = await produce(db);
        await mkdir(path.dirname(job.out), { recursive: true });
        await writeFile(`${job.out}.${process.pid}`, out);
        await rename(`${job.out}.${process.pid}`, job.out);
        log.progress(`${path.basename(job.out)}: ${Buffer.byteLength(out).toLocaleString("en-GB")} bytes`);
      } catch (error) {
        failed.push({ job, message: (error as Error).message });
      }
    }
  });
  return failed;
}

/**
 * Run every data loader under <root>/data in this process and write each output into <root>/.observablehq/cache, where
 * Framework takes it as fresh. A loader that fails here is logged and left for Framework to run (and report) as it
 * would have anyway. Returns the number of outputs written.
 */
export async function preloadData(root: string, log: Logger): Promise<number> {
  // No database yet: each loader, run by Framework, says so itself.
  if (!existsSync(databasePath())) return 0;
  const cacheDir = path.join(root, ".observablehq", "cache");
  const jobs = (await loaderFiles(path.join(root, "data"))).map((loader) => ({ loader, out: path.join(cacheDir, path.relative(root, loader).replace(/\.ts$/, "")) }));
  const failed = await runLoaders(jobs, log);
  for (const { job, message } of failed) log.progress(`data loader ${path.relative(root, job.loader)}: ${message} (left to Framework)`);
  return jobs.length - failed.length;
}
