// The decisions build stage: read every registered decision record (JSON from the Workshop page) through the kit's bounded reader and decoding, refuse any that fails validation with each problem named, load the rest into the decision tables, and report through the kit.
import { createHash } from "node:crypto";
import type { Db } from "../db/connection.ts";
import { InputError } from "../errors.ts";
import { checkJsonDepth, readBounded } from "../kit/bounds.ts";
import { recordIssues } from "../kit/issues.ts";
import { asInputFiles, storedName, type InputContext, type InputFile, type KindStage } from "../kit/kind.ts";
import { emptyResult, type FileResult, type IngestResult } from "../kit/result.ts";
import { appendRows, createTable, type TableDecl } from "../kit/table.ts";
import { decodeText } from "../kit/text.ts";
import { decisionRecordSchema, describeIssues, type ValidDecisionRecord } from "./schema.ts";
import { createDecisionTables, tableSpec } from "./tables.ts";
import { layerAreasSql, layerAvailable } from "../place/layers.ts";

/** Parse and validate one file (any text encoding the kit decodes; size and JSON depth bounded); throws InputError naming the file and every problem (path, message, value). */
export function readDecisionRecord(path: string, name = storedName(path)): ValidDecisionRecord {
  return readRecord(path, name).record;
}

function readRecord(path: string, name: string): { record: ValidDecisionRecord; bytes: Buffer } {
  const bytes = readBounded(path, name);
  let raw: unknown;
  try {
    const text = decodeText(bytes).text;
    checkJsonDepth(text, name);
    raw = JSON.parse(text);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(name, `not a JSON decision record: ${(error as Error).message}`);
  }
  const parsed = decisionRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error, raw);
    const more = issues.length > 12 ? `\n  … and ${issues.length - 12} more` : "";
    throw new InputError(name, `rejected: ${issues.length} problem(s)\n  ${issues.slice(0, 12).join("\n  ")}${more}`);
  }
  return { record: parsed.data, bytes };
}

/** Area codes in the record that are not areas of the place at the record's layer. */
async function unknownAreas(db: Db, record: ValidDecisionRecord): Promise<string[]> {
  const layer = record.scenario.layer;
  const rows = (await layerAvailable(db, layer)) ? await db.all<{ code: string }>(`SELECT DISTINCT code FROM (${layerAreasSql(layer, { names: false })})`) : [];
  const known = new Set(rows.map((r) => r.code));
  return record.allocation.map((a) => a.area_code).filter((c) => !known.has(c));
}

async function load(db: Db, decisionId: string, file: string, r: ValidDecisionRecord): Promise<void> {
  const p = r.equity.proposal;
  const last = r.equity.last_round;
  await appendRows(db, tableSpec("decision"), [
    [decisionId, file, r.place.id, r.date, r.exported_at, r.title, r.synthetic, r.scenario.pot, r.scenario.alpha, r.scenario.unit, r.scenario.layer,
      r.scenario.standardisation, r.scenario.group_method, r.scenario.pace_of_change, r.scenario.floor, r.scenario.cap, JSON.stringify(r.scenario.bounds),
      r.vintages.iod, r.vintages.referral_period, r.vintages.ledger_files.join("; "), r.weights.partners.length, p.core20_spend_share, p.concentration_index,
      last?.round ?? null, last?.core20_spend_share ?? null, last?.concentration_index ?? null, r.scenario.url_state, r.rationale, r.notes.join(" | ")],
  ]);
  const w = r.weights;
  const who = [{ label: "(group)", weights: w.group }, ...w.partners];
  await appendRows(db, tableSpec("decision_weight"), who.flatMap((p, seq) => w.keys.map((k, j) => [decisionId, p.label, seq, k, w.labels[j], p.weights[j]])));
  await appendRows(db, tableSpec("decision_allocation"), r.allocation.map((a) => [
    decisionId, a.area_code, a.area_name, a.population, a.need_score, a.need_rank, a.amount, a.share, a.per_head_part, a.need_part, a.gap_adjustment, a.bound, a.reasons,
    a.themes ? JSON.stringify(a.themes) : null,
  ]));
  const deciles = (basis: string, e: { deciles: { decile: number; population: number; spend: number; spend_per_head: number | null }[] }) =>
    e.deciles.map((d) => [decisionId, basis, d.decile, d.population, d.spend, d.spend_per_head]);
  await appendRows(db, tableSpec("decision_equity"), [...deciles("proposal", p), ...(last ? deciles("last_round", last) : [])]);
}

/** A record that is already loaded (the same file given again): a warning, not a second copy. */
const repeats: TableDecl = { name: "decision_repeat", columns: [["file", "VARCHAR"], ["decision_id", "VARCHAR"], ["first", "VARCHAR"]] };

/** Rebuild the decision tables from every registered record, in ingest order (an empty list still creates them); a record is accepted or refused whole. */
export async function runDecisions(db: Db, files: readonly (string | InputFile)[], ctx: InputContext): Promise<IngestResult> {
  await createDecisionTables(db);
  const seen = new Map<string, string>();
  const figures: FileResult[] = [];
  const repeated: string[][] = [];
  for (const { path, name } of asInputFiles("decisions", files).sort((a, b) => a.seq - b.seq)) {
    const { record, bytes } = readRecord(path, name);
    if (record.place.id !== ctx.place.id) throw new InputError(name, `rejected: the record is for place "${record.place.id}", but this database is "${ctx.place.id}"`);
    const unknown = await unknownAreas(db, record);
    if (unknown.length) {
      throw new InputError(name, `rejected: ${unknown.length} area code(s) are not ${record.scenario.layer} areas of ${ctx.place.name}: ${unknown.slice(0, 8).join(", ")}${unknown.length > 8 ? ", …" : ""}`);
    }
    const digest = createHash("sha256").update(bytes).digest("hex").slice(0, 12);
    const decisionId = `${record.place.id}-${record.date}-${digest}`;
    const first = seen.get(decisionId);
    figures.push({ file: name, rowsRead: 1, accepted: first ? 0 : 1, rejected: 0, warnings: first ? 1 : 0 });
    if (first) {
      repeated.push([name, decisionId, first]);
      continue;
    }
    seen.set(decisionId, name);
    await load(db, decisionId, name, record);
    ctx.log.info(`decisions: ${name}: "${record.title}" of ${record.date}, £${record.scenario.pot.toLocaleString("en-GB")} over ${record.allocation.length} ${record.scenario.layer} areas, ${record.weights.partners.length} partner(s)`);
  }
  await createTable(db, repeats, { temp: true });
  await appendRows(db, repeats, repeated, { schema: "main", catalog: "temp" });
  const issues = await recordIssues(
    db,
    "decisions",
    `SELECT file, NULL AS "row", NULL AS "column", decision_id AS value,
            'the same record as ' || first || ' (same file contents): loaded once' AS reason, 'warning' AS severity
     FROM decision_repeat`,
    ctx.reportsDir,
  );
  await db.run(`DROP TABLE decision_repeat`);
  const sum = (k: "rowsRead" | "accepted") => figures.reduce((a, f) => a + f[k], 0);
  return {
    ...emptyResult("decisions"),
    files: figures,
    rowsRead: sum("rowsRead"),
    accepted: sum("accepted"),
    warnings: issues.warnings,
    warningsByReason: issues.byReason,
    reports: figures.length ? [issues.report] : [],
  };
}

/** The kind's stage: all its records, rebuilt together. */
export function decisionsStage(files: readonly (string | InputFile)[], ctx: InputContext): KindStage {
  return { name: "decision records", run: (db) => runDecisions(db, files, ctx) };
}
