// The applications kind's stage: read every file (applications, panel scores, votes: told apart by their header), validate rows against the template and the place, and rebuild the application, application_area, panel_score and pb_vote tables; every rejected row goes to the kit's rejects report.
//
// Files are read in ingest order. All applications files are read first (a later file's application with an
// Identifier already seen replaces the earlier one, with a warning), then panel scores and votes are checked
// against the applications accepted, so a scores file ingested before its applications is re-checked at the
// next ingest of either. Files are small (a round has hundreds of rows): the kit's whole-file reader and the
// tested row validators (validate.ts, scores.ts) do the work; only the accepted rows are appended.
import type { Db } from "../db/connection.ts";
import { InputError } from "../errors.ts";
import { recordIssues, type Issue } from "../kit/issues.ts";
import type { InputContext, InputFile } from "../kit/kind.ts";
import { emptyResult, type FileResult, type IngestResult } from "../kit/result.ts";
import { appendRows, createTable, type TableDecl } from "../kit/table.ts";
import { loadPostcodeDirectory } from "../referrals/reference.ts";
import { PANEL_SCALE, validatePanelScores, validateVotes } from "./scores.ts";
import { readApplicationFile, shapeOf, type FileShape, type ReadFile } from "./read.ts";
import { applicationAreaTable, applicationTable, panelScoreTable, voteTable } from "./tables.ts";
import { HeaderProblem, validateApplications, type Application, type PlaceContext, type Reject } from "./validate.ts";
import { columnForTitle } from "./template.ts";

const issueTable: TableDecl = {
  name: "applications_issue_stage",
  columns: [["file", "VARCHAR"], ["row", "INTEGER"], ["column", "VARCHAR"], ["value", "VARCHAR"], ["reason", "VARCHAR"], ["severity", "VARCHAR"], ["n", "INTEGER"]],
};

/** Coordinates are placed in the LSOA whose population-weighted centroid is nearest, when it is this close. */
export const VENUE_NEAREST_KM = 1.5;

interface Parsed extends ReadFile {
  file: InputFile;
  shape: FileShape;
}

/** What the place knows for validation: its area codes, postcodes (when a directory is given), its LSOA centroids. */
async function placeContext(db: Db, files: Parsed[], ctx: InputContext): Promise<PlaceContext> {
  const codes = await db.all<{ code: string }>(`SELECT DISTINCT unnest([lsoa21cd, msoa21cd, ward_code, lad_code]) AS code FROM lsoa`);
  const known = new Set(codes.map((c) => c.code));
  const centroids = await db.all<{ code: string; lon: number; lat: number }>(`SELECT lsoa21cd AS code, centroid_lon AS lon, centroid_lat AS lat FROM lsoa WHERE centroid_lon IS NOT NULL`);
  const pointLsoa = (lon: number, lat: number): string | null => {
    let best: string | null = null;
    let bestKm = VENUE_NEAREST_KM;
    for (const c of centroids) {
      const km = Math.hypot((c.lon - lon) * 111.32 * Math.cos((lat * Math.PI) / 180), (c.lat - lat) * 110.57);
      if (km <= bestKm) [best, bestKm] = [c.code, km];
    }
    return best;
  };
  const directory = ctx.postcodes ?? process.env.CHEST_POSTCODES;
  let postcodeLsoa: PlaceContext["postcodeLsoa"];
  if (directory && (await loadPostcodeDirectory(db, directory))) {
    const wanted = new Set<string>();
    for (const f of files.filter((x) => x.shape === "applications")) {
      const col = f.titles.findIndex((t) => columnForTitle(t)?.key === "postcodes");
      if (col >= 0) for (const r of f.rows) for (const p of (r.fields[col] ?? "").split(/[;\n]/)) wanted.add(p.toUpperCase().replace(/\s+/g, ""));
    }
    const found = await db.all<{ pc: string; lsoa21cd: string }>(`SELECT pc, lsoa21cd FROM rf_postcode WHERE list_contains($pcs, pc)`, { pcs: [...wanted] });
    const map = new Map(found.map((r) => [r.pc, r.lsoa21cd]));
    postcodeLsoa = (pc) => map.get(pc) ?? null;
  }
  return { knownArea: (code) => known.has(code), postcodeLsoa, pointLsoa, needSynonyms: ctx.place.needSynonyms ?? {} };
}

function refused(file: string, e: unknown): never {
  if (e instanceof HeaderProblem) throw new InputError(file, e.message);
  throw e;
}

/** Rebuild the kind's tables from all its files; returns the kit's result (rows read, accepted, rejected per file). */
export async function ingestApplications(db: Db, files: InputFile[], ctx: InputContext): Promise<IngestResult> {
  for (const t of [applicationTable, applicationAreaTable, panelScoreTable, voteTable]) await createTable(db, t);
  const result = emptyResult("applications");
  const parsed: Parsed[] = [];
  for (const file of [...files].sort((a, b) => a.seq - b.seq)) {
    const read = await readApplicationFile(file.path, file.name);
    parsed.push({ ...read, file, shape: shapeOf(read.titles) });
  }
  const issues: Issue[] = [];
  const note = (file: string, r: Reject, severity: Issue["severity"] = "error") => issues.push({ file, row: r.line, column: r.column, value: r.value, reason: r.reason, severity });
  const perFile = new Map<string, FileResult>();
  const count = (f: Parsed, rows: number, accepted: number, rejectedLines: number) =>
    perFile.set(f.file.name, { file: f.file.name, rowsRead: rows, accepted, rejected: rejectedLines, warnings: f.notes.length });
  for (const f of parsed) for (const n of f.notes) issues.push({ file: f.file.name, row: null, column: null, value: null, reason: n, severity: "warning" });

  const place = await placeContext(db, parsed, ctx);
  const apps = new Map<string, { app: Application; file: Parsed }>();
  for (const f of parsed.filter((x) => x.shape === "applications")) {
    let v;
    try {
      v = validateApplications(f.titles, f.rows, place);
    } catch (e) {
      refused(f.file.name, e);
    }
    for (const r of v.rejects) note(f.file.name, r);
    for (const app of v.accepted) {
      const earlier = apps.get(app.id);
      if (earlier) note(f.file.name, { line: app.line, column: "Identifier", value: app.id, reason: `replaces the application with this Identifier from ${earlier.file.file.name} (row ${earlier.app.line}): the later file wins` }, "warning");
      apps.set(app.id, { app, file: f });
    }
    if (v.layout.ignored.length) issues.push({ file: f.file.name, row: 1, column: v.layout.ignored.join(", "), value: null, reason: "columns not in the applications template were ignored (not stored)", severity: "warning" });
    count(f, v.rows, v.accepted.length, new Set(v.rejects.map((r) => r.line)).size);
  }
  const ids = new Set(apps.keys());
  const scores = new Map<string, unknown[]>();
  const votes = new Map<string, unknown[]>();
  for (const f of parsed.filter((x) => x.shape !== "applications")) {
    const nonBlank = f.rows.filter((r) => r.fields.some((c) => c.trim() !== "")).length;
    let rejects: Reject[];
    let accepted: number;
    try {
      if (f.shape === "scores") {
        const v = validatePanelScores(f.titles, f.rows, ids);
        for (const s of v.accepted)
          scores.set([s.member, s.application, s.criterion.toLowerCase()].join("\u0000"), [s.member, s.application, s.criterion, s.score, PANEL_SCALE.min, PANEL_SCALE.max, f.file.name, null]);
        [rejects, accepted] = [v.rejects, v.accepted.length];
      } else {
        const v = validateVotes(f.titles, f.rows, ids);
        for (const x of v.accepted) votes.set(`${x.voter}\u0000${x.project}`, [x.voter, x.project, v.kind, x.points ?? 1, f.file.name, null]);
        [rejects, accepted] = [v.rejects, v.accepted.length];
      }
    } catch (e) {
      refused(f.file.name, e);
    }
    for (const r of rejects) note(f.file.name, r);
    count(f, nonBlank, accepted, new Set(rejects.map((r) => r.line)).size);
  }

  await appendRows(db, applicationTable, [...apps.values()].map(({ app, file }) => [
    app.id, app.round, app.title, app.description, app.amountPence, app.orgName, app.charityNumber, app.companyNumber, app.incomeBand, app.themes.join("; "),
    app.participants, app.sessions, app.durationMonths, file.file.name.startsWith("demo-"), file.file.name, app.line,
  ]));
  await appendRows(db, applicationAreaTable, [...apps.values()].flatMap(({ app }) => app.areas.map((a) => [app.id, a.code, a.type, a.from])));
  await appendRows(db, panelScoreTable, scores.values());
  await appendRows(db, voteTable, votes.values());

  await createTable(db, issueTable, { temp: true });
  await appendRows(db, issueTable, issues.map((i, n) => [i.file, i.row, i.column, i.value, i.reason, i.severity, n]));
  const summary = await recordIssues(db, "applications", `SELECT file, "row", "column", value, reason, severity FROM applications_issue_stage ORDER BY n`, ctx.reportsDir);
  result.files = [...perFile.values()];
  const sum = (k: "rowsRead" | "accepted" | "rejected") => result.files.reduce((a, f) => a + f[k], 0);
  return {
    ...result,
    rowsRead: sum("rowsRead"),
    accepted: sum("accepted"),
    rejected: sum("rejected"),
    warnings: summary.warnings,
    warningsByReason: summary.byReason,
    reports: summary.errors + summary.warnings ? [summary.report] : [],
    placed: [
      { method: "applications", count: apps.size, pounds: [...apps.values()].reduce((a, x) => a + x.app.amountPence, 0) / 100 },
      { method: "panel scores", count: scores.size },
      { method: "votes", count: votes.size },
    ],
  };
}
