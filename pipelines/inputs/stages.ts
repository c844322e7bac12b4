// The stages that rebuild the tables of each kind of input from its stored files, then the list of inputs (input_file) in the same database: every build and every `chest ingest` goes through these.
import { statSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import type { Stage } from "../build/atomic.ts";
import type { Db } from "../db/connection.ts";
import { createTable, appendRows, type TableDecl } from "../kit/table.ts";
import type { InputContext, InputFile } from "../kit/kind.ts";
import { printResult, type IngestResult } from "../kit/result.ts";
import { inputKindList } from "./kinds.ts";
import { scanInputs } from "./registry.ts";
import { needStage } from "../need/stage.ts";
import { assessmentStage } from "../applications/assessment-stage.ts";

const NEED_INPUTS = ["grants", "services", "referrals", "neighbourhoods"];
/** The applications' assessment reads need, the decision records and the grants already in a round. */
const ASSESSMENT_INPUTS = [...NEED_INPUTS, "decisions", "applications"];

export type { InputContext };

export const inputFileTable: TableDecl = {
  name: "input_file",
  description: "Every file ingested (all kinds), in ingest order: what the database has loaded. data/inputs/ holds exactly these files.",
  columns: [
    ["kind", "VARCHAR", "grants, referrals, services, …"],
    ["id", "VARCHAR", "first 12 hex digits of sha256 (what `chest inputs remove` takes)"],
    ["seq", "INTEGER", "ingest order across all kinds (1 = first); a later ingest wins over an earlier one"],
    ["name", "VARCHAR", "file name as the user gave it"],
    ["stored_as", "VARCHAR", "copy under data/inputs/<kind>/"],
    ["sha256", "VARCHAR", "sha256 of the stored copy"],
    ["ingested_at", "VARCHAR", "when the copy was stored (ISO 8601, UTC)"],
    ["bytes", "BIGINT", "size of the stored copy"],
    ["rows_read", "INTEGER", "rows (records) read"],
    ["accepted", "INTEGER", "rows accepted"],
    ["rejected", "INTEGER", "rows rejected (see input_issues)"],
    ["warnings", "INTEGER", "warnings (see input_issues)"],
  ],
};

/**
 * The stages that read several kinds at once, for a change to the given kinds: need, provision and the gap (after
 * grants, services, referrals or neighbourhoods), then the applications' assessment.
 */
export function crossKindStages(ctx: InputContext, kinds: string[]): Stage[] {
  const list: Stage[] = [];
  if (kinds.some((k) => NEED_INPUTS.includes(k))) list.push(needStage(ctx.place, ctx.log));
  if (kinds.some((k) => ASSESSMENT_INPUTS.includes(k))) list.push(assessmentStage(ctx.place, ctx.log));
  return list;
}

/**
 * The stages for the given kinds (all by default) over `inputs` (a list from reconcileInputs, or a folder to scan),
 * then the derived stages (equity after grants), the cross-kind stages (left out with `crossKind: false`, for a caller
 * that loads several kinds one after another and runs them once at the end), then input_file for those kinds.
 * `results` collects each kind's result.
 */
export function inputStages(inputs: InputFile[] | string, ctx: InputContext, kinds?: string[], results: IngestResult[] = [], crossKind = true): Stage[] {
  const files = typeof inputs === "string" ? scanInputs(inputs) : inputs;
  const chosen = inputKindList.filter((k) => !kinds || kinds.includes(k.name));
  const list: Stage[] = [];
  for (const kind of chosen) {
    const stage = kind.stage(files.filter((f) => f.kind === kind.name), ctx);
    list.push({
      name: stage.name,
      run: async (db) => {
        const result = await stage.run(db);
        results.push(result);
        printResult(ctx.log, result);
      },
    });
  }
  for (const kind of chosen) list.push(...(kind.derived?.(ctx) ?? []));
  const chosenNames = chosen.map((k) => k.name);
  // Need, provision and the gap read grants, services, published referrals and custom neighbourhoods, so they follow any of them.
  if (crossKind) list.push(...crossKindStages(ctx, chosenNames));
  list.push({ name: "the list of inputs", run: (db) => writeInputList(db, files.filter((f) => chosenNames.includes(f.kind)), chosenNames, results) });
  return list;
}

async function writeInputList(db: Db, files: InputFile[], kinds: string[], results: IngestResult[]): Promise<void> {
  const has = await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = 'input_file' AND NOT temporary`);
  if (!has.length) await createTable(db, inputFileTable);
  await db.run(`DELETE FROM input_file WHERE list_contains($kinds, kind)`, { kinds });
  const rows = files.map((f) => {
    const figures = results.find((r) => r.kind === f.kind)?.files.find((x) => x.file === f.name);
    const st = statSync(f.path);
    return [
      f.kind, f.id, f.seq, f.name, f.path, createHash("sha256").update(readFileSync(f.path)).digest("hex"), st.mtime.toISOString(), st.size,
      figures?.rowsRead ?? null, figures?.accepted ?? null, figures?.rejected ?? null, figures?.warnings ?? null,
    ];
  });
  await appendRows(db, inputFileTable, rows);
}
