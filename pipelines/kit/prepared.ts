// Where a kind's prepare step writes the one file it makes from what was given (e.g. a folder of CSV tables packed into
// one data package): a temporary folder of its own, removed once the file is stored under data/inputs/ (or refused).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";

const PREFIX = "chest-prepared-";

/** A new temporary folder for one prepared file. */
export function preparedFolder(): string {
  return mkdtempSync(join(tmpdir(), PREFIX));
}

/** Remove the folder of a file made in preparedFolder(); any other file is left alone. */
export function removePrepared(file: string): void {
  const folder = dirname(file);
  if (basename(folder).startsWith(PREFIX)) rmSync(folder, { recursive: true, force: true });
}
