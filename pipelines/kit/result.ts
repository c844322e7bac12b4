// The kit's one ingest result: what every kind returns and prints at the end of an ingest (rows read, accepted, rejected, warnings by reason, what was placed and how, the warnings that matter, corrections).
import type { Logger } from "../log.ts";
import type { IssueSummary } from "./issues.ts";

export interface FileResult {
  file: string;
  rowsRead: number;
  accepted: number;
  rejected: number;
  warnings: number;
}

/** A warning that matters: something a person must act on, with figures and the fix. */
export interface Notice {
  /** Short key, e.g. "unplaced-money", "outside-place", "outside-rounds". */
  key: string;
  message: string;
  count: number;
  /** £ for money, when it is about money. */
  pounds?: number;
  /** Share of the kind's total (0–1). */
  share?: number;
  fix?: string;
}

export interface IngestResult {
  kind: string;
  files: FileResult[];
  rowsRead: number;
  accepted: number;
  rejected: number;
  warnings: number;
  warningsByReason: IssueSummary["byReason"];
  /** How the accepted records (or money) were placed in the place: method → count (and £ for money). */
  placed: { method: string; count: number; pounds?: number }[];
  notices: Notice[];
  /** Corrections: records updated by a later file, and the fields that changed. */
  changes: { records: number; fields: number; report: string | null };
  reports: string[];
}

/** An empty result for a kind, to fill in. */
export function emptyResult(kind: string): IngestResult {
  return { kind, files: [], rowsRead: 0, accepted: 0, rejected: 0, warnings: 0, warningsByReason: [], placed: [], notices: [], changes: { records: 0, fields: 0, report: null }, reports: [] };
}

/** Totals from the per-file figures. */
export function totalFiles(result: IngestResult): IngestResult {
  const sum = (k: "rowsRead" | "accepted" | "rejected" | "warnings") => result.files.reduce((a, f) => a + f[k], 0);
  return { ...result, rowsRead: sum("rowsRead"), accepted: sum("accepted"), rejected: sum("rejected"), warnings: Math.max(sum("warnings"), result.warnings) };
}

const n = (x: number) => x.toLocaleString("en-GB");

/** The end of every ingest: one summary line, the corrections, and each warning that matters (with its fix). */
export function printResult(log: Logger, r: IngestResult): void {
  log.info(`${r.kind}: ${n(r.rowsRead)} read, ${n(r.accepted)} accepted, ${n(r.rejected)} rejected, ${n(r.warnings)} warning(s)${r.reports.length ? `: ${r.reports.join(", ")}` : ""}`);
  if (r.changes.records) log.info(`${r.kind}: ${n(r.changes.records)} record(s) corrected by a later file (${n(r.changes.fields)} field(s) changed): ${r.changes.report}`);
  for (const notice of r.notices) log.warn(`${r.kind}: ${notice.message}${notice.fix ? ` — ${notice.fix}` : ""}`);
  for (const f of r.files)
    if (f.rowsRead === 0) log.warn(`${r.kind}: ${f.file} has no records (column titles only?): nothing was loaded from it — check it is the file you meant to give`);
}
