// The files users ingest, kept under data/inputs/<kind>/<seq>-<sha12>--<name> and recorded in the database (input_file): the database is the authority, and a copy it does not list (left by a killed run) is removed at the next start.
import { createHash } from "node:crypto";
import { closeSync, copyFileSync, existsSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import { openDb } from "../db/connection.ts";
import { InputError, UsageError } from "../errors.ts";
import { storedFolder, storedName, type InputFile } from "../kit/kind.ts";

export const defaultInputsDir = "data/inputs";

const NAME = /^(?:(\d{6})-)?([0-9a-f]{12})--(.+)$/;

/** Every stored copy under inputsDir, in ingest order (older copies without a sequence number come first, by time). */
export function scanInputs(inputsDir: string): InputFile[] {
  if (!existsSync(inputsDir)) return [];
  const found: (InputFile & { mtime: number })[] = [];
  for (const kind of readdirSync(inputsDir).sort()) {
    const dir = storedFolder(inputsDir, kind);
    if (!lstatSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir).sort()) {
      const m = NAME.exec(name);
      if (!m || name.includes(".part-")) continue;
      const path = join(dir, name);
      found.push({ id: m[2], kind, name: m[3], path, seq: m[1] ? Number(m[1]) : 0, mtime: lstatSync(path).mtimeMs });
    }
  }
  found.sort((a, b) => a.seq - b.seq || a.mtime - b.mtime || (a.path < b.path ? -1 : 1));
  let seq = 0;
  return found.map(({ mtime: _, ...f }) => ({ ...f, seq: f.seq || ++seq }));
}

/** The ids the database lists as loaded (input_file), or null when there is no database or it predates the list. */
export async function loadedInputIds(dbPath: string): Promise<Set<string> | null> {
  if (!existsSync(dbPath)) return null;
  const db = await openDb(dbPath, { readOnly: true });
  try {
    const has = await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = 'input_file'`);
    if (!has.length) return null;
    const rows = await db.all<{ kind: string; id: string }>(`SELECT kind, id FROM input_file`);
    return new Set(rows.map((r) => `${r.kind}/${r.id}`));
  } finally {
    db.close();
  }
}

/** The file in an inputs folder naming, relative to the folder, the database whose stored copies it holds. */
export const OWNER_FILE = ".chest-database";

/**
 * An inputs folder holds one database's stored copies, and a writing run deletes the copies its database does not
 * list: so refuse a run on `dbPath` with a folder that another database, still there, has claimed (a copy of the
 * database made elsewhere, with the default --inputs, would have deleted every file ingested after the copy). The
 * folder is claimed for `dbPath` when no database has claimed it or the one that had is gone. The database is named
 * relative to the folder, so a chest copied or moved whole (database and inputs folder together) still owns its copy.
 */
export function claimInputs(inputsDir: string, dbPath: string): void {
  const db = resolve(dbPath);
  const marker = join(inputsDir, OWNER_FILE);
  const named = existsSync(marker) ? readFileSync(marker, "utf8").trim() : "";
  const owner = named ? resolve(inputsDir, named) : null;
  if (owner === db) return;
  if (owner && existsSync(owner))
    throw new UsageError(
      `${inputsDir} holds the files ingested into ${owner}, not into ${db}; a run on ${basename(db)} would delete them. ` +
        `Give ${basename(db)} an inputs folder of its own with --inputs DIR, or run with --db ${owner}`,
    );
  mkdirSync(inputsDir, { recursive: true });
  const tmp = `${marker}.part-${process.pid}`;
  writeFileSync(tmp, `${relative(resolve(inputsDir), db).split(sep).join("/")}\n`);
  renameSync(tmp, marker);
}

/**
 * The inputs the next run works from: the stored copies the database lists. Copies it does not list (a run killed
 * between storing the copy and renaming the database into place) and unfinished copies are deleted; with no list
 * yet (no database, or an older one) every stored copy is taken.
 */
export async function reconcileInputs(inputsDir: string, dbPath: string): Promise<InputFile[]> {
  const loaded = await loadedInputIds(dbPath);
  claimInputs(inputsDir, dbPath);
  if (existsSync(inputsDir))
    for (const kind of readdirSync(inputsDir)) {
      const dir = storedFolder(inputsDir, kind);
      if (!lstatSync(dir).isDirectory()) continue;
      for (const name of readdirSync(dir)) if (name.includes(".part-")) rmSync(join(dir, name), { force: true });
    }
  const stored = scanInputs(inputsDir);
  if (loaded === null) return stored;
  const kept: InputFile[] = [];
  for (const f of stored) {
    if (loaded.has(`${f.kind}/${f.id}`)) kept.push(f);
    else rmSync(f.path, { force: true });
  }
  return kept;
}

/** Refuse what is not a plain file before reading a byte of it: symbolic links, folders given where a file belongs, devices, pipes. */
export function checkRegularFile(file: string, options: { allowDirectory?: boolean } = {}): void {
  let st;
  try {
    st = lstatSync(file);
  } catch {
    throw new InputError(file, "file not found");
  }
  if (st.isSymbolicLink()) throw new InputError(file, "is a symbolic link: give the file itself (links are not followed, so an input cannot point outside what you chose)");
  if (st.isDirectory() && options.allowDirectory) return;
  if (!st.isFile()) throw new InputError(file, st.isDirectory() ? "is a folder, not a file" : "is not a regular file (a device, pipe or socket): give a file");
}

function sha256(file: string): string {
  const hash = createHash("sha256");
  const fd = openSync(file, "r");
  try {
    if (!fstatSync(fd).isFile()) throw new InputError(file, "is not a regular file");
    const buf = Buffer.alloc(1 << 20);
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/**
 * Store a copy of a (prepared) file for `kind` under the next ingest number, unless the same bytes are already among
 * `current`. The copy is written to a temporary name and renamed, so a kill leaves either nothing or a whole copy
 * (which the next start removes unless the database lists it).
 */
export function storeInput(inputsDir: string, kind: string, file: string, current: InputFile[], name = basename(file)): { file: InputFile; added: boolean } {
  checkRegularFile(file);
  const id = sha256(file).slice(0, 12);
  const same = current.find((f) => f.kind === kind && f.id === id);
  if (same) return { file: same, added: false };
  const seq = Math.max(0, ...current.map((f) => f.seq), ...scanInputs(inputsDir).map((f) => f.seq)) + 1;
  const dir = storedFolder(inputsDir, kind);
  mkdirSync(dir, { recursive: true });
  const target = join(dir, `${String(seq).padStart(6, "0")}-${id}--${name.replace(/[\\/]/g, "_")}`);
  const tmp = `${target}.part-${process.pid}`;
  copyFileSync(file, tmp);
  renameSync(tmp, target);
  return { file: { id, kind, name: storedName(target), path: target, seq }, added: true };
}

/** For tests and scripts: store a file with no database in play (returns the stored path). */
export function registerInput(inputsDir: string, kind: string, file: string): { path: string; added: boolean } {
  const r = storeInput(inputsDir, kind, file, scanInputs(inputsDir));
  return { path: r.file.path, added: r.added };
}

/** Stored copies of one kind, in ingest order. */
export function registeredInputs(inputsDir: string, kind: string): string[] {
  return scanInputs(inputsDir)
    .filter((f) => f.kind === kind)
    .map((f) => f.path);
}

/** The name a user gave the file, without the number and hash prefix. */
export const originalName = storedName;
