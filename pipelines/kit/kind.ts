// What declaring an input kind means (see README.md here): a name, an optional check before a file is stored, the stage that rebuilds the kind's tables from its files, and optionally a demo generator and stages derived from it.
import type { Stage } from "../build/atomic.ts";
import type { Db } from "../db/connection.ts";
import type { Logger } from "../log.ts";
import type { Place } from "../place/schema.ts";
import type { DemoGenerator } from "../demo/generators.ts";
import type { IngestResult } from "./result.ts";
import { basename, join } from "node:path";

/** One ingested file as the database records it (input_file). */
export interface InputFile {
  /** First 12 hex digits of the file's sha256: the id `chest inputs` shows. */
  id: string;
  kind: string;
  /** The name the user gave the file. */
  name: string;
  /** The stored copy under data/inputs/<kind>/. */
  path: string;
  /** Ingest order across all kinds (1 = first): later ingests win over earlier ones. */
  seq: number;
}

export interface InputContext {
  place: Place;
  /** Where rejects and changes reports are written (data/out/rejects/ by default). */
  reportsDir: string;
  /** The fetched public files (lookups the readers need), data/raw by default. */
  rawDir?: string;
  /** A postcode directory the user supplies (ONSPD/NSPL layout), to locate addresses by postcode. */
  postcodes?: string | null;
  log: Logger;
}

/** A kind's stage: rebuilds the kind's tables from all its files (same files → same tables) and says what happened. */
export interface KindStage {
  name: string;
  run: (db: Db) => Promise<IngestResult>;
}

export interface InputKindDecl {
  name: string;
  /** What the files hold, for --help and `chest inputs`. */
  summary: string;
  /**
   * Check a given file can be read (bounded; throw InputError) and return the one file to store. Default: the file itself.
   * A file it makes must be written in preparedFolder() (kit/prepared.ts): the folder is removed once the file is stored.
   */
  prepare?: (file: string) => string | Promise<string>;
  stage: (files: InputFile[], ctx: InputContext) => KindStage;
  demo?: DemoGenerator;
  /** Stages recomputed whenever this kind's tables are (equity after grants). */
  derived?: (ctx: InputContext) => Stage[];
}

/** Files given as plain paths (tests, benchmarks) become InputFiles in the order given. */
export function asInputFiles(kind: string, files: readonly (string | InputFile)[]): InputFile[] {
  return files.map((f, i) =>
    typeof f === "string" ? { id: String(i + 1), kind, name: storedName(f), path: f, seq: i + 1 } : f,
  );
}

/** The folder that keeps one kind's stored files: <inputs>/<kind> (data/inputs/grants, …). */
export function storedFolder(inputsDir: string, kind: string): string {
  return join(inputsDir, kind);
}

/** The name a user gave a stored file (data/inputs/<kind>/<seq>-<sha12>--<name>, or the older <sha12>--<name>). */
export function storedName(path: string): string {
  return basename(path).replace(/^(\d{6}-)?[0-9a-f]{12}--/, "");
}
