// What a demo generator is given and returns; each kind declares its own generator (pipelines/inputs/kinds.ts lists the kinds).
import type { Db } from "../db/connection.ts";
import type { Logger } from "../log.ts";
import type { Place } from "../place/schema.ts";

export interface DemoContext {
  /** The built database, read-only use: lsoa, iod2025 and the tables earlier inputs created. */
  db: Db;
  place: Place;
  /** Folder to write the generated files into. */
  outDir: string;
  seed: number;
  /** The fetched public files (NHS practices, lookups), data/raw by default. */
  rawDir?: string;
  log: Logger;
}

/** Each generator writes its files and returns their paths. Generators run in this order: grants, services, referrals. */
export type DemoGenerator = (ctx: DemoContext) => Promise<string[]>;

export const SYNTHETIC_LABEL = "SYNTHETIC DEMO DATA — not real grants, referrals or services";
