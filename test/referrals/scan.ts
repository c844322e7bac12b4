// scanForDisclosure: searches every file under a folder (a built site, or loader outputs) for referral ids, resident postcodes, individual referral dates and published counts from 1 to the threshold.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative } from "node:path";
import { openDb } from "../../pipelines/db/connection.ts";
import { literal } from "../../pipelines/db/sql.ts";
import { readArrow } from "../support/arrow.ts";

export interface DisclosureScanInput {
  /** Referral ids that must not appear anywhere. */
  ids?: Iterable<string>;
  /** Resident postcodes (any spacing): searched with and without the space, in capitals. */
  postcodes?: Iterable<string>;
  /** Dates of individual referrals, yyyy-mm-dd: searched as written and as dd/mm/yyyy. */
  dates?: Iterable<string>;
  /** Counts 1..threshold must not be published (default 7). */
  threshold?: number;
  /** Names of fields holding counts from referral records, in JSON and Parquet files (default: referrals, unmet). */
  countFields?: string[];
  /**
   * Findings to leave out, by file (relative to the folder) and kind. A whole-site scan needs it for dates: the demo
   * referrals fall on every day of two years, so public dates elsewhere (grant award dates in the grants ledger)
   * match some of them; skip those files for "date" only, e.g. (file, kind) => kind === "date" && file.includes("grants-").
   */
  skip?: (file: string, kind: DisclosureFinding["kind"]) => boolean;
}

export interface DisclosureFinding {
  file: string;
  kind: "id" | "postcode" | "date" | "small-count";
  detail: string;
}

const TEXT = new Set([".html", ".js", ".mjs", ".css", ".json", ".geojson", ".csv", ".tsv", ".txt", ".md", ".svg", ".xml", ".map"]);

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** Every value of the count fields anywhere in a parsed JSON document. */
function jsonCounts(value: unknown, fields: Set<string>, out: { field: string; value: number }[]): void {
  if (Array.isArray(value)) for (const v of value) jsonCounts(v, fields, out);
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (fields.has(k) && typeof v === "number") out.push({ field: k, value: v });
      else jsonCounts(v, fields, out);
    }
  }
}

/**
 * Scan every file under `dir`. Text files are searched as text; JSON files are also parsed and their count fields
 * checked; Parquet files are read with DuckDB (all columns as text for the searches, the count columns as numbers).
 * Other binary files are searched as Latin-1 text. Returns every finding (empty when nothing leaks).
 */
export async function scanForDisclosure(dir: string, input: DisclosureScanInput): Promise<DisclosureFinding[]> {
  const threshold = input.threshold ?? 7;
  const fields = new Set(input.countFields ?? ["referrals", "unmet"]);
  // Ids and postcodes are matched as whole tokens (letters and digits joined by . _ - /), so 60,000 ids scan fast and
  // "R-1" does not match inside "R-10"; needles with spaces are searched as text; dates anywhere (also inside timestamps).
  const tokens = new Map<string, { kind: DisclosureFinding["kind"]; shown: string }>();
  const spaced: { kind: DisclosureFinding["kind"]; text: string; shown: string }[] = [];
  const addNeedle = (kind: DisclosureFinding["kind"], text: string, shown: string) => {
    if (/\s/.test(text)) spaced.push({ kind, text, shown });
    else tokens.set(text, { kind, shown });
  };
  for (const id of input.ids ?? []) addNeedle("id", id, id);
  for (const pc of input.postcodes ?? []) {
    const bare = pc.toUpperCase().replace(/\s+/g, "");
    addNeedle("postcode", bare, pc);
    addNeedle("postcode", `${bare.slice(0, -3)} ${bare.slice(-3)}`, pc);
  }
  const dates = new Set<string>();
  for (const d of input.dates ?? []) {
    dates.add(d);
    const [y, m, day] = d.split("-");
    if (y && m && day) dates.add(`${day}/${m}/${y}`);
  }
  const findings: DisclosureFinding[] = [];
  const db = await openDb();
  try {
    for (const path of walk(dir)) {
      const file = relative(dir, path);
      const ext = extname(path).toLowerCase();
      let text: string;
      if (ext === ".parquet" || ext === ".arrow") {
        const rows = ext === ".arrow" ? readArrow(readFileSync(path)).rows : await db.all<Record<string, unknown>>(`SELECT * FROM read_parquet(${literal(path)})`);
        text = JSON.stringify(rows);
        for (const row of rows) {
          for (const f of fields) {
            const v = row[f];
            if (typeof v === "number" && v >= 1 && v <= threshold && !input.skip?.(file, "small-count")) findings.push({ file, kind: "small-count", detail: `${f} = ${v} in ${JSON.stringify(row).slice(0, 160)}` });
          }
        }
      } else {
        const bytes = readFileSync(path);
        text = TEXT.has(ext) ? bytes.toString("utf8") : bytes.toString("latin1");
        if (ext === ".json") {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          const counts: { field: string; value: number }[] = [];
          jsonCounts(parsed, fields, counts);
          for (const c of counts) if (c.value >= 1 && c.value <= threshold && !input.skip?.(file, "small-count")) findings.push({ file, kind: "small-count", detail: `${c.field} = ${c.value}` });
        }
      }
      const seen = new Set<string>();
      const report = (kind: DisclosureFinding["kind"], key: string, shown: string, at: number, length: number) => {
        if (seen.has(key) || input.skip?.(file, kind)) return;
        seen.add(key);
        findings.push({ file, kind, detail: `${shown} … ${text.slice(Math.max(0, at - 40), at + length + 40)}` });
      };
      if (tokens.size)
        for (const m of text.matchAll(/[A-Za-z0-9]+(?:[._\-/][A-Za-z0-9]+)*/g)) {
          const hit = tokens.get(m[0]);
          if (hit) report(hit.kind, m[0], hit.shown, m.index!, m[0].length);
        }
      for (const n of spaced) {
        const at = text.indexOf(n.text);
        if (at !== -1) report(n.kind, n.text, n.shown, at, n.text.length);
      }
      if (dates.size)
        for (const m of text.matchAll(/\d{4}-\d{2}-\d{2}|\d{2}\/\d{2}\/\d{4}/g)) if (dates.has(m[0])) report("date", m[0], m[0], m.index!, m[0].length);
    }
  } finally {
    db.close();
  }
  return findings;
}
