// The shape of every data loader: run one publish function, write its bytes to stdout, log to stderr, exit non-zero on failure.
import { ChestError } from "../errors.ts";
import type { Db } from "../db/connection.ts";
import { withDatabase } from "./database.ts";

export type Produce = (db: Db) => Promise<Buffer | string>;

/** When set, runLoader hands each loader's work to it instead of running it (the site build runs every loader in one process). */
let collector: ((name: string, produce: Produce) => void) | undefined;

/** Collect the loaders imported from now on instead of running them (pipelines/site/loaders.ts). */
export function collectLoaders(collect: (name: string, produce: Produce) => void): void {
  collector = collect;
}

export function runLoader(name: string, produce: Produce): void {
  if (collector) return collector(name, produce);
  withDatabase(produce).then(
    (out) => {
      process.stdout.write(out);
      process.stderr.write(`${name}: ${Buffer.byteLength(out).toLocaleString("en-GB")} bytes\n`);
    },
    (error: unknown) => {
      process.stderr.write(`${name}: ${(error as Error).message}\n`);
      process.exitCode = error instanceof ChestError ? error.exitCode : 1;
    },
  );
}
