// Matching the header of an official CSV (read by pipelines/kit/delimited.ts) to a declared layout, with errors that name the column.
import { InputError } from "../errors.ts";
import type { CsvLayout } from "../sources.ts";

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
