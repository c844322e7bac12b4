// The shape of every data loader: run one publish function, write its bytes to stdout, log to stderr, exit non-zero on failure.
import { ChestError } from "../errors.ts";
import type { Db } from "../db/connection.ts";
import { withDatabase } from "./database.ts";

export function runLoader(name: string, produce: (db: Db) => Promise<Buffer | string>): void {
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
