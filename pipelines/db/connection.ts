// Opening DuckDB databases and reading small, aggregated results into JavaScript.
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { InputError, UsageError } from "../errors.ts";
import { DOUBLE, DuckDBConnection, DuckDBInstance, LIST, VARCHAR, listValue, type DuckDBType } from "@duckdb/node-api";

export type Params = Record<string, unknown> | unknown[];

/** JS arrays become typed DuckDB lists (VARCHAR or DOUBLE); everything else binds as DuckDB infers it. */
export function prepare(params: Params): { values: Params; types: Record<string, DuckDBType> | DuckDBType[] | undefined } {
  const entries = Array.isArray(params) ? params.map((v, i) => [i, v] as const) : Object.entries(params);
  let types: Record<string, DuckDBType> | undefined;
  const values: Record<string, unknown> = Array.isArray(params) ? ({} as Record<string, unknown>) : {};
  const out: unknown[] = [];
  for (const [key, value] of entries) {
    let bound = value;
    if (Array.isArray(value)) {
      const numeric = value.length > 0 && value.every((v) => typeof v === "number");
      bound = listValue(value as never[]);
      (types ??= {})[String(key)] = LIST(numeric ? DOUBLE : VARCHAR);
    }
    if (Array.isArray(params)) out.push(bound);
    else values[String(key)] = bound;
  }
  if (Array.isArray(params)) return { values: out, types: types ? out.map((_, i) => types![String(i)]) as DuckDBType[] : undefined };
  return { values, types };
}

export interface Db {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  /** Run statements with no result. */
  run(sql: string, params?: Params): Promise<void>;
  /** Rows as JSON-safe objects (BIGINT arrives as string: cast in SQL). */
  all<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T[]>;
  close(): void;
}

/**
 * CHEST_DB_THREADS: how many threads DuckDB may use (default: one per core). On a shared machine, or where several
 * runs go at once (the test suite's workers), 1 avoids threads waiting on each other for cores they do not get.
 */
function dbThreads(): string | undefined {
  const value = process.env.CHEST_DB_THREADS?.trim();
  if (!value) return undefined;
  if (!/^[1-9]\d{0,3}$/.test(value)) throw new UsageError(`CHEST_DB_THREADS must be a whole number of threads from 1, not "${value}"`);
  return value;
}

/** A DuckDB database file carries "DUCK" at byte 8; any other non-empty file given as the database is refused by name. */
function checkDatabaseFile(path: string): void {
  if (path === ":memory:" || !existsSync(path) || !statSync(path).isFile() || statSync(path).size === 0) return;
  const head = Buffer.alloc(12);
  const fd = openSync(path, "r");
  try {
    readSync(fd, head, 0, 12, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString("latin1", 8, 12) !== "DUCK") throw new InputError(path, "is not a DuckDB database: --db must name the database `chest build` made (data/chest.duckdb)");
}

export async function openDb(path = ":memory:", options: { readOnly?: boolean } = {}): Promise<Db> {
  checkDatabaseFile(path);
  const config: Record<string, string> = {};
  if (options.readOnly) config.access_mode = "READ_ONLY";
  const threads = dbThreads();
  if (threads) config.threads = threads;
  const instance = await DuckDBInstance.create(path, config);
  const conn = await instance.connect();
  return wrap(instance, conn);
}

function wrap(instance: DuckDBInstance, conn: DuckDBConnection): Db {
  return {
    instance,
    conn,
    async run(sql, params) {
      if (params === undefined) await conn.run(sql);
      else {
        const p = prepare(params);
        await conn.run(sql, p.values as never, p.types as never);
      }
    },
    async all<T>(sql: string, params?: Params) {
      let reader;
      if (params === undefined) reader = await conn.runAndReadAll(sql);
      else {
        const p = prepare(params);
        reader = await conn.runAndReadAll(sql, p.values as never, p.types as never);
      }
      return reader.getRowObjectsJson() as T[];
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
