// Declares a kind whose stage keeps its own tables and reports (outcomes, neighbourhoods, decisions) on the kit: its figures for the one IngestResult are read back with SQL.
import type { Stage } from "../build/atomic.ts";
import type { Db } from "../db/connection.ts";
import type { InputContext, InputFile, KindStage } from "./kind.ts";
import { emptyResult, type IngestResult } from "./result.ts";

/** Rows read, accepted and rejected, as one SQL row over the kind's own tables (columns read, accepted, rejected). */
export type CountsSql = string;

/**
 * Wrap a stage that takes stored paths (in ingest order) and builds the kind's tables, so it returns the kit's
 * IngestResult. `counts` runs after the stage; with no files it is not run and the result is empty.
 */
export function countedStage(
  kind: string,
  files: InputFile[],
  ctx: InputContext,
  build: (paths: string[], ctx: InputContext) => Stage,
  counts: CountsSql,
): KindStage {
  const ordered = [...files].sort((a, b) => a.seq - b.seq);
  const inner = build(ordered.map((f) => f.path), ctx);
  return {
    name: inner.name,
    run: async (db: Db): Promise<IngestResult> => {
      await inner.run(db);
      const result = emptyResult(kind);
      if (!ordered.length) return result;
      const [row] = await db.all<{ read: number; accepted: number; rejected: number }>(counts);
      return { ...result, rowsRead: row?.read ?? 0, accepted: row?.accepted ?? 0, rejected: row?.rejected ?? 0 };
    },
  };
}
