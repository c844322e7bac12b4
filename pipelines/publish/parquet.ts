// Writing the result of a query as Parquet bytes (DuckDB's COPY), for data loaders to send to the browser.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Db } from "../db/connection.ts";
import { literal } from "../db/sql.ts";

export async function queryToParquet(db: Db, sql: string): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), "chest-parquet-"));
  const file = join(dir, "out.parquet");
  try {
    await db.run(`COPY (${sql}) TO ${literal(file)} (FORMAT parquet, COMPRESSION zstd)`);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
