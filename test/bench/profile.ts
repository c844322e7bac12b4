// Benchmark helper: with PROFILE=1, print every database statement slower than a threshold (PROFILE_MS, default 100 ms).
import type { Db } from "../../pipelines/db/connection.ts";

export function profileStatements(db: Db, thresholdMs = Number(process.env.PROFILE_MS ?? 100)): void {
  if (process.env.PROFILE !== "1") return;
  for (const key of ["run", "all"] as const) {
    const original = db[key].bind(db) as (sql: string, params?: unknown) => Promise<unknown>;
    (db as unknown as Record<string, unknown>)[key] = async (sql: string, params?: unknown) => {
      const t = performance.now();
      const result = await original(sql, params);
      const ms = performance.now() - t;
      if (ms > thresholdMs) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${sql.replace(/\s+/g, " ").trim().slice(0, 120)}`);
      return result;
    };
  }
}
