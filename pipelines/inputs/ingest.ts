// `chest ingest`, `chest inputs` and `chest inputs remove`: storing a file and loading it happen in one atomic step (the copy is written first, the database renamed into place last, and a copy the database does not list is removed at the next start).
import { rmSync } from "node:fs";
import { basename } from "node:path";
import { updateDatabase } from "../build/update.ts";
import { openDb } from "../db/connection.ts";
import { InputError, MissingSourceError, UsageError } from "../errors.ts";
import type { InputContext, InputFile } from "../kit/kind.ts";
import { removePrepared } from "../kit/prepared.ts";
import type { IngestResult } from "../kit/result.ts";
import { inputKind, inputKindNames } from "./kinds.ts";
import { checkRegularFile, reconcileInputs, storeInput } from "./registry.ts";
import { inputStages } from "./stages.ts";
import { withDemoRounds } from "../place/demo-rounds.ts";
import { existsSync } from "node:fs";

export interface IngestOptions extends InputContext {
  dbPath: string;
  inputsDir: string;
}

/** Check, store and load files of one kind. A file that fails is never stored; on any failure the database is unchanged. */
export async function ingestFiles(kindName: string, files: string[], options: IngestOptions): Promise<IngestResult[]> {
  const kind = inputKind(kindName);
  if (!kind) throw new UsageError(`first argument must be one of ${inputKindNames.join(", ")}, not "${kindName}"`);
  if (!files.length) throw new UsageError(`name at least one ${kindName} file`);
  if (!existsSync(options.dbPath)) throw new MissingSourceError(`${options.dbPath} does not exist: run \`chest build\` first`);
  const { log } = options;
  const current = await reconcileInputs(options.inputsDir, options.dbPath);
  const added: InputFile[] = [];
  try {
    for (const given of files) {
      checkRegularFile(given, { allowDirectory: kindName === "services" });
      const prepared = kind.prepare ? await kind.prepare(given) : given;
      let stored;
      try {
        stored = storeInput(options.inputsDir, kindName, prepared, [...current, ...added], basename(prepared === given ? given : prepared));
      } finally {
        if (prepared !== given) removePrepared(prepared);
      }
      if (stored.added) added.push(stored.file);
      log.info(stored.added ? `${given}: stored as ${stored.file.path}` : `${given}: already ingested (same content as ${stored.file.path}), nothing new`);
    }
    const results: IngestResult[] = [];
    await updateDatabase(options.dbPath, inputStages([...current, ...added], options, [kindName], results), log);
    return results;
  } catch (error) {
    // The database is unchanged; take back this run's copies too, so a bad file does not break later builds.
    for (const f of added) rmSync(f.path, { force: true });
    throw error;
  }
}

export interface InputRow {
  kind: string;
  id: string;
  seq: number;
  name: string;
  rows_read: number | null;
  accepted: number | null;
  rejected: number | null;
  ingested_at: string;
  sha256: string;
}

/** Every ingested file the database lists, in ingest order. */
export async function listInputs(dbPath: string): Promise<InputRow[]> {
  if (!existsSync(dbPath)) throw new MissingSourceError(`${dbPath} does not exist: run \`chest build\` first`);
  const db = await openDb(dbPath, { readOnly: true });
  try {
    const has = await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = 'input_file'`);
    if (!has.length) return [];
    return await db.all<InputRow>(`SELECT kind, id, seq, name, rows_read, accepted, rejected, ingested_at, sha256 FROM input_file ORDER BY seq`);
  } finally {
    db.close();
  }
}

/** Take one file out (by name or id): rebuild its kind's tables without it, then delete its copy. */
export async function removeInput(which: string, options: IngestOptions): Promise<InputFile> {
  const current = await reconcileInputs(options.inputsDir, options.dbPath);
  const matches = current.filter((f) => f.id === which || f.name === which || f.id.startsWith(which.toLowerCase()) && which.length >= 6);
  if (matches.length === 0) throw new InputError(which, "no ingested file has this name or id (see `chest inputs`)");
  if (matches.length > 1) throw new UsageError(`"${which}" names ${matches.length} ingested files (${matches.map((m) => `${m.kind} ${m.id}`).join(", ")}): give the id`);
  const [gone] = matches;
  const rest = current.filter((f) => f !== gone);
  // Removing the demo ledger takes the demo's synthetic rounds with it.
  const place = withDemoRounds(options.place, options.inputsDir, rest);
  await updateDatabase(options.dbPath, inputStages(rest, { ...options, place }, [gone.kind]), options.log);
  rmSync(gone.path, { force: true });
  options.log.info(`inputs: removed ${gone.kind} file ${gone.name} (${gone.id}); the ${gone.kind} tables were rebuilt without it`);
  return gone;
}
