// Reading a CSV header line (BOM, quotes, CRLF) and matching it to a declared layout, with errors that name the column.
import { openSync, readSync, closeSync } from "node:fs";
import { InputError } from "../errors.ts";
import type { CsvLayout } from "../sources.ts";

/** Split one CSV line into fields (RFC 4180 quoting). */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") fields.push(field), (field = "");
    else field += ch;
  }
  fields.push(field);
  return fields;
}

/** The first line of a file, without BOM or line ending. Empty files are an error. */
export function readFirstLine(path: string, label = path): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    if (n === 0) throw new InputError(label, "the file is empty");
    let text = buf.subarray(0, n).toString("utf8");
    text = text.replace(/^\uFEFF/, "");
    const end = text.search(/\r?\n/);
    return end === -1 ? text : text.slice(0, end);
  } finally {
    closeSync(fd);
  }
}

export interface MatchedLayout {
  layout: CsvLayout;
  header: string[];
}

/** Pick the first declared layout whose columns are all in the header; otherwise explain what is missing. */
export function matchLayout(header: string[], layouts: CsvLayout[], label: string): MatchedLayout {
  const present = new Set(header.map((h) => h.trim()));
  let best: { layout: CsvLayout; missing: string[] } | undefined;
  for (const layout of layouts) {
    const needed = [...Object.values(layout.columns), ...(layout.alsoRequired ?? [])];
    const missing = needed.filter((c) => !present.has(c));
    if (missing.length === 0) return { layout, header };
    if (!best || missing.length < best.missing.length) best = { layout, missing };
  }
  const { layout, missing } = best!;
  const unexpected = header.filter((h) => !Object.values(layout.columns).includes(h.trim()) && !(layout.alsoRequired ?? []).includes(h.trim()));
  const shown = missing.slice(0, 5).map((m) => `"${m}"`).join(", ");
  const more = missing.length > 5 ? ` and ${missing.length - 5} more` : "";
  const hint = unexpected.length && unexpected.length <= 5 ? `; columns not expected: ${unexpected.map((u) => `"${u}"`).join(", ")}` : "";
  throw new InputError(label, `header does not match the ${layout.name} layout: missing column ${shown}${more}${hint}`);
}
