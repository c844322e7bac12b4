// Test helpers: the shared mirror, tampered copies of it, and a database built from it in a temporary folder.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "../../pipelines/build/build.ts";
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

/** Fetch from the mirror and build a database for a place, in a fresh temporary folder. */
export async function buildFromMirror(placeFile = join(repoRoot, "data/places/north-east-london.json"), mirror = mirrorDir) {
  const dir = tempDir();
  const rawDir = join(dir, "raw");
  const dbPath = join(dir, "chest.duckdb");
  const place = loadPlace(placeFile);
  await fetchSources({ place, rawDir, mirror, log: silentLogger });
  await build({ place, rawDir, dbPath, log: silentLogger });
  return { dir, rawDir, dbPath, place };
}

export function copyDir(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
}
