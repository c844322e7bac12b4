// Registry of the seeded synthetic demo inputs (grants ledger, referrals, service directory) that `chest demo` makes.
import type { Db } from "../db/connection.ts";
import type { Logger } from "../log.ts";
import type { Place } from "../place/schema.ts";
import type { InputKind } from "../inputs/registry.ts";

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

export const demoGenerators: Partial<Record<InputKind, DemoGenerator>> = {};

export const demoOrder: InputKind[] = ["grants", "outcomes", "services", "referrals"];

export const SYNTHETIC_LABEL = "SYNTHETIC DEMO DATA — not real grants, referrals or services";
