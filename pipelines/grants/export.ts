// Publishing the chest's own grants back out in the 360Giving Data Standard: a JSON package and a CSV with the standard column titles.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../db/connection.ts";
import { ChestError } from "../errors.ts";
import type { Place } from "../place/schema.ts";
import { csvText } from "../kit/delimited.ts";
import { storedGrants } from "./rebuild.ts";
import { flattenGrant, grantFields, type Field, type PathPart } from "./titles.ts";

export interface ExportOptions {
  outDir: string;
  /** "rounds" (default): grants in one of the place's rounds, i.e. the chest's own; "all": every grant in the database. */
  scope?: "rounds" | "all";
  /** File name without extension; default <place id>-grants-360giving. */
  basename?: string;
  publisher?: { name: string; identifier?: string; website?: string };
  /** Licence URL for the package; default CC BY 4.0. */
  license?: string;
  now?: () => Date;
  /** Folders that keep ingested files, looked in when a stored copy is not where the ingest recorded it (rebuild.ts). */
  inputsDirs?: readonly string[];
}

export interface ExportResult {
  json: string;
  csv: string;
  grants: number;
  /** The scope used: "all" when "rounds" was asked for but no grant is in a round. */
  scope: "rounds" | "all";
  /** Said to the user when the scope had to change. */
  note: string | null;
  package: GrantPackage;
}

export interface GrantPackage {
  grants: Record<string, unknown>[];
  version: string;
  title: string;
  description: string;
  issued: string;
  modified: string;
  publisher: { name: string; identifier?: string; website?: string };
  license: string;
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.part-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Grants to individuals leave with a generic name only (the standard expects no personal data; Chest Atlas never publishes one). */
function forPublication(grant: Record<string, unknown>): Record<string, unknown> {
  const g = structuredClone(grant);
  const ind = g.recipientIndividual as Record<string, unknown> | undefined;
  if (ind) g.recipientIndividual = { id: ind.id, name: "Individual Recipient" };
  return g;
}

/** The grants to export, as cleaned 360Giving objects (rebuilt from the stored files they were read from). */
export async function exportableGrants(db: Db, scope: "rounds" | "all" = "rounds", inputsDirs: readonly string[] = []): Promise<Record<string, unknown>[]> {
  return (await storedGrants(db, scope, { inputsDirs })).map((r) => forPublication(JSON.parse(r.grant_json)));
}

/** Sort key of a path in schema order, so columns come out as in the 360Giving template. */
function orderKey(path: PathPart[]): number[] {
  const key: number[] = [];
  let fields: Field[] = grantFields;
  for (const part of path) {
    if (typeof part === "number") key.push(part);
    else {
      const i = fields.findIndex((f) => f.name === part);
      key.push(i);
      fields = fields[i]?.fields ?? [];
    }
  }
  return key;
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * Grants as spreadsheet rows with 360Giving column titles. A list's items are numbered
 * ("Beneficiary Location:0:Geographic Code", "Beneficiary Location:1:…") only when some grant has more than one.
 */
export function grantsToSheet(grants: Record<string, unknown>[]): { header: string[]; rows: unknown[][] } {
  const flat = grants.map(flattenGrant);
  const maxItems = new Map<string, number>();
  for (const values of flat)
    for (const { path } of values)
      path.forEach((p, i) => {
        if (typeof p !== "number") return;
        const key = path.slice(0, i).filter((x) => typeof x === "string").join("/");
        maxItems.set(key, Math.max(maxItems.get(key) ?? 0, p + 1));
      });
  const titleOf = (path: PathPart[]): string => {
    const tokens: string[] = [];
    let fields: Field[] = grantFields;
    let titled = true;
    path.forEach((p, i) => {
      if (typeof p === "number") {
        const key = path.slice(0, i).filter((x) => typeof x === "string").join("/");
        if ((maxItems.get(key) ?? 0) > 1) tokens.push(String(p));
        return;
      }
      const f = fields.find((x) => x.name === p);
      if (!f?.title) titled = false;
      tokens.push(f?.title ?? p);
      fields = f?.fields ?? [];
    });
    return titled ? tokens.join(":") : path.join("/");
  };
  const columns = new Map<string, { title: string; key: number[] }>();
  for (const values of flat)
    for (const { path } of values) {
      const title = titleOf(path);
      if (!columns.has(title)) columns.set(title, { title, key: orderKey(path) });
    }
  const header = [...columns.values()].sort((a, b) => compareKeys(a.key, b.key)).map((c) => c.title);
  const index = new Map(header.map((h, i) => [h, i]));
  const rows = flat.map((values) => {
    const row: unknown[] = new Array(header.length).fill("");
    for (const { path, value } of values) row[index.get(titleOf(path))!] = value;
    return row;
  });
  return { header, rows };
}

/** Write <basename>.json (a 360Giving package) and <basename>.csv into outDir. */
export async function exportGrants(db: Db, place: Place, options: ExportOptions): Promise<ExportResult> {
  let scope = options.scope ?? "rounds";
  let grants = await exportableGrants(db, scope, options.inputsDirs);
  let note: string | null = null;
  if (grants.length === 0 && scope === "rounds") {
    // A ledger whose programmes are not the place's rounds: export every grant and say so, rather than fail.
    grants = await exportableGrants(db, "all", options.inputsDirs);
    scope = "all";
    if (grants.length) note = `no grant belongs to the place's funding rounds (check the rounds' programme codes in the place file), so all ${grants.length.toLocaleString("en-GB")} ingested grants were exported`;
  }
  if (grants.length === 0) throw new ChestError("no grants in the database: nothing to export (chest ingest grants FILE first)");
  const [{ synthetic }] = await db.all<{ synthetic: boolean }>(
    `SELECT coalesce(bool_or(synthetic), false) AS synthetic FROM grant_rounds WHERE round_id IN (SELECT round_id FROM grants)`,
  );
  const now = (options.now ?? (() => new Date()))();
  const pkg: GrantPackage = {
    grants,
    version: "1.4",
    title: `${place.name} Community Chest grants${synthetic ? " (SYNTHETIC DEMO DATA)" : ""}`,
    description: `${scope === "rounds" ? "Grants made in the Community Chest's rounds" : "Grants held by Chest Atlas"} for ${place.name}, exported by Chest Atlas in the 360Giving Data Standard.${synthetic ? " Contains synthetic demo grants that are not real." : ""}`,
    issued: now.toISOString().slice(0, 10),
    modified: now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    publisher: options.publisher ?? { name: `${place.name} Community Chest` },
    license: options.license ?? "https://creativecommons.org/licenses/by/4.0/",
  };
  mkdirSync(options.outDir, { recursive: true });
  const base = options.basename ?? `${place.id}-grants-360giving`;
  const json = join(options.outDir, `${base}.json`);
  const csv = join(options.outDir, `${base}.csv`);
  writeAtomic(json, JSON.stringify(pkg, null, 2) + "\n");
  const sheet = grantsToSheet(grants);
  writeAtomic(csv, csvText(sheet.header, sheet.rows, { bom: true }));
  return { json, csv, grants: grants.length, scope, note, package: pkg };
}
