// File-level checks on a referral file before any row is read: which format it is, which columns it has, and refusal of identifier columns.
import { z } from "zod";
import { readHeader } from "../kit/delimited.ts";
import { InputError } from "../errors.ts";
import {
  aggregateColumns,
  identifierColumn,
  normaliseHeader,
  recordColumns,
  type AggregateColumn,
  type RecordColumn,
} from "./vocabulary.ts";

/** A file that carries direct identifiers: refused whole, nothing from it is stored. */
export class IdentifierRefusal extends InputError {
  readonly columns: string[];
  constructor(file: string, columns: { header: string; what: string }[]) {
    const list = columns.map((c) => `"${c.header}" (${c.what})`).join(", ");
    super(
      file,
      `refused: column ${list} ${columns.length > 1 ? "hold" : "holds"} direct identifiers. Chest Atlas never stores NHS numbers, ` +
        `names, addresses, dates of birth or contact details. Export the file again without ${columns.length > 1 ? "those columns" : "that column"} ` +
        `and ingest the new file (if this file sits in the inputs folder, data/inputs/referrals/, delete it there).`,
    );
    this.name = "IdentifierRefusal";
    this.columns = columns.map((c) => c.header);
  }
}

export interface RecordLayout {
  format: "records";
  /** Every header in file order, normalised; the SQL names of the columns read (canonical where known). */
  names: string[];
  /** The headers as written in the file, in the same order. */
  headers: string[];
  /** Canonical column → index in `names`. */
  columns: Partial<Record<RecordColumn, number>>;
  /** Headers not read (never stored), as written in the file. */
  ignored: string[];
}

export interface AggregateLayout {
  format: "aggregate";
  names: string[];
  headers: string[];
  columns: Record<AggregateColumn, number>;
  ignored: string[];
}

export type FileLayout = RecordLayout | AggregateLayout;

function canonicalOf<T extends string>(spec: Record<T, readonly string[]>, header: string): T | undefined {
  const n = normaliseHeader(header);
  return (Object.keys(spec) as T[]).find((k) => (spec[k] as readonly string[]).includes(n));
}

/** The zod check of a header row: identifier columns, duplicates, and the columns each format needs. */
const headerSchema = z.array(z.string()).superRefine((headers, ctx) => {
  if (headers.length === 0 || headers.every((h) => h.trim() === "")) {
    ctx.addIssue({ code: "custom", message: "has no header row" });
    return;
  }
  const seen = new Map<string, string>();
  headers.forEach((h, i) => {
    const n = normaliseHeader(h);
    if (n === "") ctx.addIssue({ code: "custom", path: [i], message: `column ${i + 1} has no name` });
    const canonical = canonicalOf(recordColumns, h) ?? canonicalOf(aggregateColumns, h) ?? n;
    const before = seen.get(canonical);
    if (before !== undefined) ctx.addIssue({ code: "custom", path: [i], message: `columns "${before}" and "${h}" both give ${canonical}` });
    seen.set(canonical, h);
  });
});

/** Read and classify the header of a referral file; throws InputError (or IdentifierRefusal) with one clear message. */
export function readLayout(path: string, label: string): FileLayout {
  const headers = readHeader(path, label).header.map((h) => h.trim());
  return classifyHeader(headers, label);
}

export function classifyHeader(headers: string[], label: string): FileLayout {
  const refused = headers.flatMap((header) => {
    const what = identifierColumn(header);
    return what ? [{ header, what }] : [];
  });
  if (refused.length) throw new IdentifierRefusal(label, refused);
  const parsed = headerSchema.safeParse(headers);
  if (!parsed.success) throw new InputError(label, parsed.error.issues.map((i) => i.message).join("; "));

  const record = headers.map((h) => canonicalOf(recordColumns, h));
  const aggregate = headers.map((h) => canonicalOf(aggregateColumns, h));
  const has = (list: (string | undefined)[], name: string) => list.includes(name);

  if (has(record, "referral_id")) {
    const columns: Partial<Record<RecordColumn, number>> = {};
    record.forEach((c, i) => c !== undefined && (columns[c] = i));
    const missing: string[] = [];
    for (const c of ["referral_date", "needs", "outcome"] as const) if (columns[c] === undefined) missing.push(c);
    if (columns.practice_code === undefined && columns.pcn_code === undefined) missing.push("practice_code or pcn_code");
    const coords = columns.longitude !== undefined && columns.latitude !== undefined;
    if ((columns.longitude === undefined) !== (columns.latitude === undefined))
      throw new InputError(label, `has ${columns.longitude === undefined ? "latitude" : "longitude"} without ${columns.longitude === undefined ? "longitude" : "latitude"}`);
    if (columns.lsoa_code === undefined && columns.postcode === undefined && !coords) missing.push("a location (lsoa_code, postcode, or longitude and latitude)");
    if (missing.length) throw new InputError(label, `is a record-level referral file (it has referral_id) but lacks ${missing.join(", ")}`);
    const ignored = headers.filter((_, i) => record[i] === undefined);
    return { format: "records", names: headers.map((h, i) => record[i] ?? `extra_${i + 1}`), headers, columns, ignored };
  }
  if (has(aggregate, "period") && has(aggregate, "area_code")) {
    const missing = (["need", "referrals", "unmet"] as const).filter((c) => !has(aggregate, c));
    if (missing.length) throw new InputError(label, `is an aggregate referral file (it has period and area_code) but lacks ${missing.join(", ")}`);
    const columns = Object.fromEntries(aggregate.flatMap((c, i) => (c ? [[c, i]] : []))) as Record<AggregateColumn, number>;
    const ignored = headers.filter((_, i) => aggregate[i] === undefined);
    return { format: "aggregate", names: headers.map((h, i) => aggregate[i] ?? `extra_${i + 1}`), headers, columns, ignored };
  }
  throw new InputError(
    label,
    `is not a referral file Chest Atlas knows: record-level files need a referral_id column, aggregate files period, area_code, need, referrals and unmet (found: ${headers
      .slice(0, 8)
      .map((h) => `"${h}"`)
      .join(", ")}${headers.length > 8 ? ", …" : ""})`,
  );
}
