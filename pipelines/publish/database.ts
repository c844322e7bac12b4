// Opening the built database read-only for publishing; the path comes from CHEST_DB (set by `chest site`) or the default.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { openDb, type Db } from "../db/connection.ts";
import { MissingSourceError } from "../errors.ts";

export function databasePath(): string {
  return resolve(process.env.CHEST_DB ?? "data/chest.duckdb");
}

export function withDatabase<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  return withDatabaseAt(databasePath(), fn);
}

export async function withDatabaseAt<T>(path: string, fn: (db: Db) => Promise<T>): Promise<T> {
  if (!existsSync(path)) throw new MissingSourceError(`${path} does not exist: run \`chest build\` first`);
  const db = await openDb(path, { readOnly: true });
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}
