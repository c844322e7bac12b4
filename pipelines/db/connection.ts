// Opening DuckDB databases and reading small, aggregated results into JavaScript.
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

export interface Db {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  /** Run statements with no result. */
  run(sql: string, params?: Record<string, unknown> | unknown[]): Promise<void>;
  /** Rows as JSON-safe objects (BIGINT arrives as string: cast in SQL). */
  all<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown> | unknown[]): Promise<T[]>;
  close(): void;
}

export async function openDb(path = ":memory:", options: { readOnly?: boolean } = {}): Promise<Db> {
  const config: Record<string, string> = {};
  if (options.readOnly) config.access_mode = "READ_ONLY";
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
      else await conn.run(sql, params as never);
    },
    async all<T>(sql: string, params?: Record<string, unknown> | unknown[]) {
      const reader = params === undefined ? await conn.runAndReadAll(sql) : await conn.runAndReadAll(sql, params as never);
      return reader.getRowObjectsJson() as T[];
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
