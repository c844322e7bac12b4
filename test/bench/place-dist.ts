// The built site re-pointed at another place for the pages benchmark: that place's database built once with the CLI
// (fetch, build, demo) under test/output/bench-<id>/, then every page-data file regenerated from it by its loader.
import { execFile, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { precompress } from "../../pipelines/site/precompress.ts";
import { loaderFor } from "../support/place-site.ts";
import { repoRoot } from "../support/pipeline.ts";

const run = promisify(execFile);

/** `chest fetch`, `build` and `demo` for the place into dir (skipped when dir already holds its database). */
function buildPlaceDatabase(place: string, dir: string): string {
  const db = join(dir, "chest.duckdb");
  if (existsSync(db)) return db;
  mkdirSync(dir, { recursive: true });
  const chest = (...args: string[]) =>
    execFileSync(process.execPath, ["--import", "tsx", join(repoRoot, "pipelines/cli/main.ts"), ...args, "--quiet"], { cwd: repoRoot, stdio: "inherit" });
  const raw = join(dir, "raw");
  const building = join(dir, "chest.building.duckdb");
  chest("fetch", "--place", place, "--raw", raw);
  chest("build", "--place", place, "--raw", raw, "--db", building, "--inputs", join(dir, "inputs"));
  chest("demo", "--place", place, "--raw", raw, "--db", building, "--inputs", join(dir, "inputs"));
  renameSync(building, db);
  return db;
}

export interface PlaceDist {
  dist: string;
  /** Page-data files whose loader failed for this place ("name: first line of the error"); they are left out of the copy. */
  failed: string[];
}

/**
 * The site in `dist` with its data regenerated for `place` (a place id or file, demo inputs included), in
 * test/output/bench-<place id>/dist. The database is kept between runs; the data files are rewritten and precompressed
 * (as `chest site` does) every time. A loader that fails is reported, not fatal: its file is removed, so the pages that
 * need it show their error.
 */
export async function placeDist(dist: string, place: string): Promise<PlaceDist> {
  const id = place.replace(/^.*\//, "").replace(/\.json$/, "");
  const dir = join(repoRoot, "test", "output", `bench-${id}`);
  const db = buildPlaceDatabase(place, dir);
  const out = join(dir, "dist");
  rmSync(out, { recursive: true, force: true });
  cpSync(dist, out, { recursive: true });
  const dataDir = join(out, "_file", "data");
  const jobs = readdirSync(dataDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !/\.(br|gz)$/.test(e.name))
    .map((e) => relative(dataDir, join(e.parentPath, e.name)))
    .flatMap((file) => (loaderFor(file) ? [{ file, loader: loaderFor(file)! }] : []));
  const failed: string[] = [];
  const written: string[] = [];
  const regenerate = async (): Promise<void> => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      // the precompressed copies hold the other place's bytes: made again below from the new file
      for (const ext of ["", ".br", ".gz"]) rmSync(join(dataDir, job.file + ext), { force: true });
      try {
        const { stdout } = await run(process.execPath, ["--import", "tsx", job.loader], { cwd: repoRoot, env: { ...process.env, CHEST_DB: db }, encoding: "buffer", maxBuffer: 1 << 30 });
        writeFileSync(join(dataDir, job.file), stdout);
        written.push(join(dataDir, job.file));
      } catch (error) {
        const stderr = String((error as { stderr?: Buffer }).stderr ?? error).trim().split("\n").at(-1);
        failed.push(stderr ?? job.file); // the loader names its file first: "outcomes-figures.json: …"
      }
    }
  };
  await Promise.all([regenerate(), regenerate()]);
  await precompress(written);
  process.stderr.write(`${id}: page data regenerated from ${db}${failed.length ? `; failed: ${failed.join("; ")}` : ""}\n`);
  return { dist: out, failed };
}
