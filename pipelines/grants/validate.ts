// Validating one 360Giving grant with zod: what the standard forbids in the money, identity and parties is rejected; other faults are dropped or converted with a warning.
import { z } from "zod";
import { parseAmount } from "./money.ts";
import { grantFields, type Field, type PathPart } from "./titles.ts";
import {
  amountLeaves,
  codelistOf,
  codelists,
  coreLeaves,
  countryCodes,
  currencyCodes,
  dateLeaves,
  EARLIEST_AWARD,
  FAR_FUTURE_YEARS,
  INDIVIDUAL_NAME,
  MAX_PLAUSIBLE_AMOUNT,
  monthNumbers,
  numberBounds,
  patterns,
  reasons,
  whole,
} from "./rules.ts";

export type Severity = "error" | "warning";

export interface Issue {
  path: PathPart[];
  value: unknown;
  reason: string;
  severity: Severity;
}

/** A grant that passed: the cleaned 360Giving object, what it carried outside the standard, and its amount in pence. */
export interface AcceptedGrant {
  grant: Grant360;
  extras: Record<string, unknown> | null;
  amountPence: number;
}

export type ValidationResult = { ok: true; accepted: AcceptedGrant; issues: Issue[] } | { ok: false; issues: Issue[] };

// ---------------------------------------------------------------- the standard, as zod (rules.ts declares patterns, lists and reasons)

const fullDate = whole(patterns.fullDate);
const partialDate = whole(patterns.partialDate);
const dateTime = whole(patterns.dateTime);
const strictDateTime = whole(patterns.strictDateTime);

export function realCalendarDate(ymd: string): boolean {
  const [y, m, d] = ymd.slice(0, 10).split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const text = z.string().min(1);
const awardDateSchema = z.string().refine((v) => (fullDate.test(v) || dateTime.test(v)) && realCalendarDate(v), reasons.awardDate);
const eventDateSchema = z.string().refine((v) => partialDate.test(v) || ((fullDate.test(v) || dateTime.test(v)) && realCalendarDate(v)), reasons.eventDate);
const dateTimeSchema = z.string().refine((v) => strictDateTime.test(v) && realCalendarDate(v), reasons.dateTime);
const uriSchema = z.string().regex(whole(patterns.uri), reasons.uri);

const organizationSchema = z.looseObject({ id: text, name: text });
const personSchema = z.looseObject({ id: text, name: text });

/** The cleaned grant: every field has the type the 360Giving schema gives it. */
export const grantSchema = z
  .looseObject({
    id: text,
    title: z.string(),
    description: z.string(),
    currency: z.string().refine((c) => currencyCodes.has(c), reasons.currencyCode),
    amountAwarded: z.number(),
    awardDate: awardDateSchema,
    recipientOrganization: z.array(organizationSchema).min(1).optional(),
    recipientIndividual: personSchema.optional(),
    fundingOrganization: z.array(organizationSchema).min(1),
  })
  .refine((g) => Boolean(g.recipientOrganization) !== Boolean(g.recipientIndividual), "a grant has either a recipient organisation or a recipient individual");

export type Grant360 = z.infer<typeof grantSchema> & Record<string, unknown>;

export { countryCodes, currencyCodes, MAX_PLAUSIBLE_AMOUNT };

const codelist = (key: keyof typeof codelists) => z.string().refine((v) => (codelists[key].codes as readonly string[]).includes(v), reasons.notInCodelist(codelists[key].name));
const bounded = (b: (typeof numberBounds)[string]) => {
  let n = z.number();
  if (b.nonNegative) n = n.nonnegative(reasons.negative);
  if (b.min !== undefined) n = n.min(b.min, reasons.tooSmall(b.min));
  if (b.max !== undefined) n = n.max(b.max, reasons.tooBig(b.max));
  return n;
};

/** Checks on optional leaves, by field name or "parent/field"; a failure drops the value with a warning. */
const leafChecks: Record<string, z.ZodType> = {
  url: uriSchema,
  dataSource: uriSchema,
  dateModified: dateTimeSchema,
  "plannedDates/startDate": eventDateSchema,
  "plannedDates/endDate": eventDateSchema,
  "actualDates/startDate": eventDateSchema,
  "actualDates/endDate": eventDateSchema,
  transactionDate: awardDateSchema,
  valueDate: awardDateSchema,
  countryCode: z.string().refine((c) => countryCodes.has(c), reasons.countryCode),
  currency: z.string().refine((c) => currencyCodes.has(c), reasons.currencyCode),
  fromOpenCall: z.enum(["Yes", "No"], { error: reasons.yesNo }),
  ...Object.fromEntries(Object.entries(codelistOf).map(([field, key]) => [field, field === "grantPurpose" ? z.array(codelist(key)) : codelist(key)])),
  ...Object.fromEntries(Object.entries(numberBounds).map(([field, b]) => [field, bounded(b)])),
  value: z.number(),
};

// ---------------------------------------------------------------- lenient reading of values

const dmy = whole(patterns.dayMonthYear);
const plainNumber = whole(patterns.number);

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** A date as written in a spreadsheet: Date cells, ISO text, or UK day/month/year (converted, with a note). */
function readDate(value: unknown): { value?: string; note?: string; reason?: string } {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return { reason: "is not a valid date" };
    return { value: value.toISOString().slice(0, 10) };
  }
  if (typeof value === "number") return { reason: `is the number ${value}, not a date (an Excel date stored as a number? format the cell as a date or write YYYY-MM-DD)` };
  if (typeof value !== "string") return { reason: "is not a date" };
  const t = value.trim();
  const m = dmy.exec(t);
  if (m) {
    const month = /^\d+$/.test(m[2]) ? Number(m[2]) : monthNumbers.get(m[2].toLowerCase());
    if (month === undefined) return { reason: reasons.notRealDmy };
    const iso = `${m[3]}-${pad(month)}-${pad(Number(m[1]))}`;
    if (!realCalendarDate(iso) || month > 12) return { reason: reasons.notRealDmy };
    return { value: iso, note: reasons.dmyNote(iso) };
  }
  return { value: t };
}

function readDateTime(value: unknown): { value?: string; reason?: string } {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? { reason: "is not a valid date" } : { value: value.toISOString() };
  if (typeof value === "string") return { value: value.trim() };
  return { reason: "is not a date-time" };
}

function readString(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") {
    const t = value.trim();
    return t === "" ? undefined : t;
  }
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (value instanceof Date) return value.toISOString();
  return undefined;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === "string" && value.trim() === "");
}


// ---------------------------------------------------------------- cleaning driven by the field list

interface Cleaner {
  issues: Issue[];
  extras: Record<string, unknown>;
}

function warn(c: Cleaner, path: PathPart[], value: unknown, reason: string) {
  c.issues.push({ path, value, reason, severity: "warning" });
}

function checkLeaf(c: Cleaner, path: PathPart[], parent: string | undefined, name: string, value: unknown): unknown {
  const check = (parent && leafChecks[`${parent}/${name}`]) || leafChecks[name];
  if (!check) return value;
  const r = check.safeParse(value);
  if (r.success) return r.data;
  warn(c, path, value, reasons.ignored(r.error.issues[0]?.message ?? "is not valid"));
  return undefined;
}

function cleanLeaf(c: Cleaner, field: Field, raw: unknown, path: PathPart[], parent: string | undefined, core: boolean): unknown {
  const name = field.name;
  if (isEmpty(raw)) return undefined;
  if (field.kind === "number") {
    const fail = (reason: string) => {
      if (core) c.issues.push({ path, value: raw, reason, severity: "error" });
      else warn(c, path, raw, reasons.ignored(reason));
      return undefined;
    };
    let num: number;
    if (typeof raw === "number") {
      if (!Number.isFinite(raw)) return fail("is not a finite number");
      num = raw;
    } else if (typeof raw === "string" && amountLeaves.has(name)) {
      const parsed = parseAmount(raw);
      if (!parsed.ok) return fail(parsed.reason === "is too large" ? reasons.tooLarge : parsed.reason);
      if (parsed.note) warn(c, path, raw, reasons.converted(parsed.note));
      num = parsed.pence / 100;
    } else if (typeof raw === "string" && plainNumber.test(raw.trim())) {
      num = Number(raw.trim());
    } else return fail(reasons.notNumber);
    return core ? num : checkLeaf(c, path, parent, name, num);
  }
  if (field.kind === "strings") {
    const items = (Array.isArray(raw) ? raw : String(raw).split(";")).map(readString).filter((v): v is string => v !== undefined);
    return items.length ? checkLeaf(c, path, parent, name, items) : undefined;
  }
  // strings
  if (dateLeaves.has(name)) {
    const d = readDate(raw);
    if (d.reason) {
      if (core) c.issues.push({ path, value: raw, reason: d.reason, severity: "error" });
      else warn(c, path, raw, reasons.ignored(d.reason));
      return undefined;
    }
    if (d.note) warn(c, path, raw, d.note);
    if (core) return d.value;
    let value = d.value;
    if (value && dateTime.test(value) && !strictDateTime.test(value) && realCalendarDate(value)) {
      value = value.slice(0, 10);
      warn(c, path, raw, reasons.dateOfDateTime(value));
    }
    return checkLeaf(c, path, parent, name, value);
  }
  if (name === "dateModified") {
    const d = readDateTime(raw);
    if (d.reason) return warn(c, path, raw, reasons.ignored(d.reason)), undefined;
    return checkLeaf(c, path, parent, name, d.value);
  }
  let value = readString(raw);
  if (value === undefined) {
    warn(c, path, raw, "is not text; value ignored");
    return undefined;
  }
  if (name === "fromOpenCall" && /^(y|yes|true|n|no|false)$/i.test(value) && value !== "Yes" && value !== "No") {
    const fixed = /^(y|yes|true)$/i.test(value) ? "Yes" : "No";
    warn(c, path, raw, reasons.yesNoNote(fixed));
    value = fixed;
  }
  if (name === "countryCode" && value === "UK") {
    warn(c, path, raw, reasons.ukNote);
    value = "GB";
  }
  if (name === "countryCode" && /^[a-z]{2}$/.test(value)) value = value.toUpperCase();
  if (name === "currency" && parent === undefined && /^[a-zA-Z]{3}$/.test(value) && value !== value.toUpperCase()) {
    warn(c, path, raw, reasons.upperCurrency(value.toUpperCase()));
    value = value.toUpperCase();
  }
  return core ? value : checkLeaf(c, path, parent, name, value);
}


/** The field names of a field list, made once per list (cleanObject runs for every object of every grant). */
const knownSets = new WeakMap<Field[], Set<string>>();
function knownNames(fields: Field[]): Set<string> {
  let known = knownSets.get(fields);
  if (!known) knownSets.set(fields, (known = new Set(fields.map((f) => f.name))));
  return known;
}

function cleanObject(c: Cleaner, raw: Record<string, unknown>, fields: Field[], path: PathPart[], parent: string | undefined, topLevel: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const known = knownNames(fields);
  for (const [key, value] of Object.entries(raw)) {
    if (known.has(key) || isEmpty(value)) continue;
    if (topLevel) c.extras[key] = value;
    else c.extras[[...path, key].join("/")] = value;
  }
  for (const field of fields) {
    const value = raw[field.name];
    if (value === undefined || value === null) continue;
    const here = [...path, field.name];
    if (field.kind === "array") {
      const items = Array.isArray(value) ? value : typeof value === "object" ? [value] : null;
      if (!items) {
        warn(c, here, value, "must be a list of objects; value ignored");
        continue;
      }
      const cleaned = items
        .map((item, i) => (item && typeof item === "object" && !Array.isArray(item) ? cleanObject(c, item as Record<string, unknown>, field.fields!, [...here, i], field.name, false) : undefined))
        .filter((item): item is Record<string, unknown> => item !== undefined && Object.keys(item).length > 0);
      if (cleaned.length) out[field.name] = cleaned;
    } else if (field.kind === "object") {
      if (typeof value !== "object" || Array.isArray(value)) {
        warn(c, here, value, "must be an object; value ignored");
        continue;
      }
      const cleaned = cleanObject(c, value as Record<string, unknown>, field.fields!, here, field.name, false);
      if (Object.keys(cleaned).length) out[field.name] = cleaned;
    } else {
      const v = cleanLeaf(c, field, value, here, parent, topLevel && coreLeaves.has(field.name));
      if (v !== undefined) out[field.name] = v;
    }
  }
  return out;
}

// ---------------------------------------------------------------- the whole grant


/** Why an amount cannot be stored as given, or null. Amounts beyond the range of exact pence used to become £0. */
export function implausibleAmount(amount: number): string | null {
  const parsed = parseAmount(amount);
  if (!parsed.ok || amount >= MAX_PLAUSIBLE_AMOUNT)
    return reasons.implausible(amount.toLocaleString("en-GB", { maximumFractionDigits: 2 }));
  return null;
}

/**
 * A warning for an award date that is possible but suspicious, after 360Giving's own data quality checks
 * (lib-cove-360 FarPastDates, PostDatedAwardDates, FarFuture…Dates; ImpossibleDates such as 31 February are
 * rejected above): before 1990 (long before any open grant data), or after `today`, or more than 5 years after it.
 */
export function awardDateWarning(ymd: string, today = new Date().toISOString().slice(0, 10)): string | null {
  if (ymd < EARLIEST_AWARD) return reasons.farPast(ymd);
  const farFuture = `${Number(today.slice(0, 4)) + FAR_FUTURE_YEARS}${today.slice(4)}`;
  if (ymd > farFuture) return reasons.farFuture(ymd);
  if (ymd > today) return reasons.future(ymd);
  return null;
}

/**
 * Validate one grant object (from a JSON package, or a spreadsheet row turned into one).
 * Rejected (errors): no Identifier; Amount Awarded missing, not a number or negative; Currency missing,
 * not a three-letter code or not GBP; Award Date missing or not a date; no recipient, or both an
 * organisation and an individual; no funding organisation.
 * Kept with a warning: missing Title, Description or one of an organisation's Identifier/Name; optional
 * values that break the standard (dropped); tidied values (£ and commas, day/month/year dates, "Y"/"N").
 */
export function validateGrant(raw: unknown): ValidationResult {
  const c: Cleaner = { issues: [], extras: {} };
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    return { ok: false, issues: [{ path: [], value: raw, reason: "is not a grant object", severity: "error" }] };
  }
  const g = cleanObject(c, raw as Record<string, unknown>, grantFields, [], undefined, true);
  const error = (path: PathPart[], value: unknown, reason: string) => c.issues.push({ path, value, reason, severity: "error" });
  const src = raw as Record<string, unknown>;

  if (g.id === undefined && !c.issues.some((i) => i.path[0] === "id")) error(["id"], src.id, reasons.idRequired);
  else if (typeof g.id === "string" && !/^360G-/i.test(g.id)) warn(c, ["id"], g.id, reasons.idPrefix);
  if (g.amountAwarded === undefined && !c.issues.some((i) => i.path[0] === "amountAwarded")) error(["amountAwarded"], src.amountAwarded, reasons.amountRequired);
  else if (typeof g.amountAwarded === "number" && g.amountAwarded < 0) error(["amountAwarded"], src.amountAwarded, reasons.amountNegative);
  else if (typeof g.amountAwarded === "number") {
    const reason = implausibleAmount(g.amountAwarded);
    if (reason) error(["amountAwarded"], src.amountAwarded, reason);
  }
  if (g.currency === undefined) error(["currency"], src.currency, reasons.currencyRequired);
  else if (!currencyCodes.has(String(g.currency)))
    error(["currency"], src.currency, `${reasons.currencyCode}${/^G[BP][BP]$/i.test(String(g.currency)) ? reasons.didYouMeanGbp : ""}`);
  else if (g.currency !== "GBP") error(["currency"], src.currency, reasons.notGbp(String(g.currency)));
  if (g.awardDate === undefined && !c.issues.some((i) => i.path[0] === "awardDate")) error(["awardDate"], src.awardDate, reasons.awardDateRequired);
  else if (typeof g.awardDate === "string") {
    const r = awardDateSchema.safeParse(g.awardDate);
    if (!r.success) error(["awardDate"], src.awardDate, r.error.issues[0].message);
    else if (dateTime.test(g.awardDate)) g.awardDate = g.awardDate.slice(0, 10); // the time of an award date is never significant
  }
  if (typeof g.awardDate === "string" && fullDate.test(g.awardDate)) {
    const warning = awardDateWarning(g.awardDate);
    if (warning) warn(c, ["awardDate"], src.awardDate, warning);
  }
  if (g.title === undefined) {
    warn(c, ["title"], src.title, reasons.titleMissing);
    g.title = "";
  }
  if (g.description === undefined) {
    warn(c, ["description"], src.description, reasons.descriptionMissing);
    g.description = "";
  }

  // Parties: an organisation needs an Identifier and a Name; with one of them the grant is kept with a warning.
  const orgs = (key: "recipientOrganization" | "fundingOrganization") => {
    const list = (g[key] as Record<string, unknown>[] | undefined) ?? [];
    const kept = list.filter((o, i) => {
      if (o.id === undefined && o.name === undefined) return false;
      if (o.id === undefined) warn(c, [key, i, "id"], undefined, reasons.orgIdMissing);
      if (o.name === undefined) warn(c, [key, i, "name"], undefined, reasons.orgNameMissing);
      return true;
    });
    if (kept.length) g[key] = kept.map((o) => ({ ...o, id: o.id ?? o.name, name: o.name ?? o.id }));
    else delete g[key];
  };
  orgs("recipientOrganization");
  orgs("fundingOrganization");
  const ind = g.recipientIndividual as Record<string, unknown> | undefined;
  if (ind && (ind.id === undefined || ind.name === undefined)) {
    if (ind.id === undefined && ind.name === undefined) delete g.recipientIndividual;
    else {
      warn(c, ["recipientIndividual", ind.id === undefined ? "id" : "name"], undefined, reasons.individualIncomplete);
      g.recipientIndividual = { id: ind.id ?? ind.name, name: ind.name ?? INDIVIDUAL_NAME };
    }
  }
  if (!g.recipientOrganization && !g.recipientIndividual)
    error(["recipientOrganization", 0, "id"], undefined, reasons.noRecipient);
  else if (g.recipientOrganization && g.recipientIndividual)
    error(["recipientIndividual", "id"], (g.recipientIndividual as Record<string, unknown>).id, reasons.bothRecipients);
  if (!g.fundingOrganization) error(["fundingOrganization", 0, "id"], undefined, reasons.noFunder);

  if (c.issues.some((i) => i.severity === "error")) return { ok: false, issues: c.issues };
  const checked = grantSchema.safeParse(g);
  if (!checked.success) {
    for (const issue of checked.error.issues) error(issue.path as PathPart[], undefined, issue.message);
    return { ok: false, issues: c.issues };
  }
  const amount = parseAmount(g.amountAwarded);
  const amountPence = amount.ok ? amount.pence : 0;
  return {
    ok: true,
    accepted: { grant: g as Grant360, extras: Object.keys(c.extras).length ? c.extras : null, amountPence },
    issues: c.issues,
  };
}
