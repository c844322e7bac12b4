// Test helpers: the shared mirror, tampered copies of it, and a database built from it — once per set of inputs, then copied for each test.
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "../../pipelines/build/build.ts";
import { cachedBuild } from "./build-cache.ts";
import { fetchSources } from "../../pipelines/fetch/fetch.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { loadPlace } from "../../pipelines/place/load.ts";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
/** The mirror: CHEST_MIRROR when set (worktrees sit deeper than ../shared), else ../shared/data beside the checkout. */
export const mirrorDir = process.env.CHEST_MIRROR ? `${process.env.CHEST_MIRROR.replace(/\/$/, "")}/` : fileURLToPath(new URL("../../../shared/data/", import.meta.url));

export function tempDir(prefix = "chest-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A copy of the mirror made of symbolic links, with some files replaced (content) or left out (null).
 * Keys are paths inside the mirror, e.g. "iod2025/File_7_….csv".
 */
export function tamperedMirror(changes: Record<string, string | Buffer | null>): string {
  const dir = tempDir("chest-mirror-");
  const walk = (from: string) => {
    for (const name of readdirSync(from)) {
      const path = join(from, name);
      const rel = relative(mirrorDir, path);
      if (statSync(path).isDirectory()) walk(path);
      else if (!(rel in changes)) {
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        symlinkSync(path, join(dir, rel));
      }
    }
  };
  walk(mirrorDir);
  for (const [rel, content] of Object.entries(changes)) {
    if (content === null) continue;
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

/** Fetch from the mirror into dir/raw and build dir/chest.duckdb for a place. */
async function buildInto(dir: string, placeFile: string, mirror: string) {
  const rawDir = join(dir, "raw");
  const dbPath = join(dir, "chest.duckdb");
  const place = loadPlace(placeFile);
  await fetchSources({ place, rawDir, mirror, log: silentLogger });
  await build({ place, rawDir, dbPath, log: silentLogger });
  return { dir, rawDir, dbPath, place };
}

/** Fetch from the mirror and build a database for a place, in a fresh temporary folder (no cache). */
export function buildFromMirrorUncached(placeFile = join(repoRoot, "data/places/north-east-london.json"), mirror = mirrorDir) {
  return buildInto(tempDir(), placeFile, mirror);
}

/** Every file under dir (relative path, size, mtime), sorted; symbolic links followed. */
function listing(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const info = statSync(path);
    if (info.isDirectory()) out.push(...listing(path, base));
    else out.push(`${relative(base, path)} ${info.size} ${info.mtimeMs}`);
  }
  return out;
}

/**
 * What a build depends on: the place file, the mirror's files (names, sizes, times), and the code that fetches and
 * builds (pipelines/, geo/, src/lib/, package-lock.json). Any change gives a new key, so a cached build is never stale.
 */
export function buildKey(placeFile: string, mirror: string): string {
  const hash = createHash("sha256");
  hash.update(readFileSync(placeFile));
  hash.update(realpathSync(mirror));
  for (const line of listing(mirror)) hash.update(line);
  for (const dir of ["pipelines", "geo", "src/lib"]) {
    for (const file of listing(join(repoRoot, dir)).map((l) => l.split(" ")[0]!)) hash.update(file).update(readFileSync(join(repoRoot, dir, file)));
  }
  hash.update(readFileSync(join(repoRoot, "package-lock.json")));
  return hash.digest("hex").slice(0, 16);
}

/**
 * The cached build for a place (read-only: raw/ and chest.duckdb), built once per key by whichever test process asks
 * first while the others wait (test/support/build-cache.ts).
 */
export function sharedBuild(placeFile = join(repoRoot, "data/places/north-east-london.json"), mirror = mirrorDir): Promise<string> {
  return cachedBuild(`mirror-${buildKey(placeFile, mirror)}`, async (dir) => {
    await buildInto(dir, placeFile, mirror);
  });
}

/**
 * A fresh copy (its own folder, raw files and database) of the build for a place, built once per key and cached:
 * the whole test run shares one fetch + build of north east London instead of one per test file. Tampered mirrors
 * are temporary folders with their own keys, so they always build for real.
 */
export async function buildFromMirror(placeFile = join(repoRoot, "data/places/north-east-london.json"), mirror = mirrorDir) {
  return { ...copyOfBuild(await sharedBuild(placeFile, mirror)), place: loadPlace(placeFile) };
}

/** A fresh temporary folder with its own copy of a cached build's raw/ and chest.duckdb, for a test to change freely. */
export function copyOfBuild(cached: string): { dir: string; rawDir: string; dbPath: string } {
  const dir = tempDir();
  cpSync(join(cached, "raw"), join(dir, "raw"), { recursive: true });
  cpSync(join(cached, "chest.duckdb"), join(dir, "chest.duckdb"));
  return { dir, rawDir: join(dir, "raw"), dbPath: join(dir, "chest.duckdb") };
}

export function copyDir(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
}
