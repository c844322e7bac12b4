// Validating one 360Giving grant with zod: what the standard forbids in the money, identity and parties is rejected; other faults are dropped or converted with a warning.
import { z } from "zod";
import { parseAmount } from "./money.ts";
import { grantFields, type Field, type PathPart } from "./titles.ts";

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

// ---------------------------------------------------------------- the standard, as zod

const fullDate = /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12]\d|3[01])$/;
const partialDate = /^\d{4}(-(0[1-9]|1[012]))?$/;
const dateTime = /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?([Zz]|[+-]([01]\d|2[0-3]):?[0-5]\d)?$/;
/** RFC 3339, what the 360Giving schema's "format": "date-time" means. */
const strictDateTime = /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const uri = /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+$/;

function realCalendarDate(ymd: string): boolean {
  const [y, m, d] = ymd.slice(0, 10).split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const text = z.string().min(1);
const awardDateSchema = z
  .string()
  .refine((v) => (fullDate.test(v) || dateTime.test(v)) && realCalendarDate(v), "must be a date written YYYY-MM-DD (or a full date-time)");
const eventDateSchema = z
  .string()
  .refine((v) => partialDate.test(v) || ((fullDate.test(v) || dateTime.test(v)) && realCalendarDate(v)), "must be YYYY-MM-DD, YYYY-MM, YYYY or a date-time");
const dateTimeSchema = z.string().refine((v) => strictDateTime.test(v) && realCalendarDate(v), "must be a full date-time with a time zone, such as 2024-04-01T00:00:00Z");
const uriSchema = z.string().regex(uri, "must be a full web address starting with http:// or https://");

const organizationSchema = z.looseObject({ id: text, name: text });
const personSchema = z.looseObject({ id: text, name: text });

/** The cleaned grant: every field has the type the 360Giving schema gives it. */
export const grantSchema = z
  .looseObject({
    id: text,
    title: z.string(),
    description: z.string(),
    currency: z.string().refine((c) => currencyCodes.has(c), "is not an ISO 4217 currency code"),
    amountAwarded: z.number(),
    awardDate: awardDateSchema,
    recipientOrganization: z.array(organizationSchema).min(1).optional(),
    recipientIndividual: personSchema.optional(),
    fundingOrganization: z.array(organizationSchema).min(1),
  })
  .refine((g) => Boolean(g.recipientOrganization) !== Boolean(g.recipientIndividual), "a grant has either a recipient organisation or a recipient individual");

export type Grant360 = z.infer<typeof grantSchema> & Record<string, unknown>;

/** ISO 4217 codes of the 360Giving currency codelist (schema 1.4 `$defs.currency.enum`). */
export const currencyCodes = new Set(
  [
    "ADP AED AFA AFN ALK ALL AMD ANG AOA AOK AON AOR ARA ARP ARS ARY ATS AUD AWG AYM AZM AZN BAD BAM BBD BDT BEC BEF",
    "BEL BGJ BGK BGL BGN BHD BIF BMD BND BOB BOP BOV BRB BRC BRE BRL BRN BRR BSD BTN BUK BWP BYB BYN BYR BZD CAD CDF",
    "CHC CHE CHF CHW CLF CLP CNY COP COU CRC CSD CSJ CSK CUC CUP CVE CYP CZK DDM DEM DJF DKK DOP DZD ECS ECV EEK EGP",
    "ERN ESA ESB ESP ETB EUR FIM FJD FKP FRF GBP GEK GEL GHC GHP GHS GIP GMD GNE GNF GNS GQE GRD GTQ GWE GWP GYD HKD",
    "HNL HRD HRK HTG HUF IDR IEP ILP ILR ILS INR IQD IRR ISJ ISK ITL JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT",
    "LAJ LAK LBP LKR LRD LSL LSM LTL LTT LUC LUF LUL LVL LVR LYD MAD MDL MGA MGF MKD MLF MMK MNT MOP MRO MRU MTL MTP",
    "MUR MVQ MVR MWK MXN MXP MXV MYR MZE MZM MZN NAD NGN NIC NIO NLG NOK NPR NZD OMR PAB PEH PEI PEN PES PGK PHP PKR",
    "PLN PLZ PTE PYG QAR RHD ROK ROL RON RSD RUB RUR RWF SAR SBD SCR SDD SDG SDP SEK SGD SHP SIT SKK SLL SOS SRD SRG",
    "SSP STD STN SUR SVC SYP SZL THB TJR TJS TMM TMT TND TOP TPE TRL TRY TTD TWD TZS UAH UAK UGS UGW UGX USD USN USS",
    "UYI UYN UYP UYU UZS VEB VEF VES VNC VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XDR XEU XFO XFU XOF XPD XPF XPT",
    "XRE XSU XTS XUA XXX YDD YER YUD YUM YUN ZAL ZAR ZMK ZMW ZRN ZRZ ZWC ZWD ZWL ZWN ZWR",
  ]
    .join(" ")
    .split(" "),
);

/** ISO 3166-1 alpha-2 codes of the 360Giving country codelist (schema 1.4 `Location.countryCode.enum`). */
export const countryCodes = new Set(
  [
    "AF AX AL DZ AS AD AO AI AQ AG AR AM AW AU AT AZ BS BH BD BB BY BE BZ BJ BM BT BO BQ BA BW BV BR IO BN BG BF BI",
    "KH CM CA CV KY CF TD CL CN CX CC CO KM CG CD CK CR CI HR CU CW CY CZ DK DJ DM DO EC EG SV GQ ER EE ET FK FO FJ",
    "FI FR GF PF TF GA GM GE DE GH GI GR GL GD GP GU GT GG GN GW GY HT HM VA HN HK HU IS IN ID IR IQ IE IM IL IT JM",
    "JP JE JO KZ KE KI KP KR KW KG LA LV LB LS LR LY LI LT LU MO MK MG MW MY MV ML MT MH MQ MR MU YT MX FM MD MC MN",
    "ME MS MA MZ MM NA NR NP NL NC NZ NI NE NG NU NF MP NO OM PK PW PS PA PG PY PE PH PN PL PT PR QA RE RO RU RW BL",
    "SH KN LC MF PM VC WS SM ST SA SN RS SC SL SG SX SK SI SB SO ZA GS SS ES LK SD SR SJ SZ SE CH SY TW TJ TZ TH TL",
    "TG TK TO TT TN TR TM TC TV UG UA AE GB US UM UY UZ VU VE VN VG VI WF EH YE ZM ZW",
  ]
    .join(" ")
    .split(" "),
);

// Closed codelists of the standard (codelists/*.csv).
const codelists: Record<string, string[]> = {
  regrantType: ["FRG010", "FRG020", "FRG030", "FRG040", "FRG050", "FRG060", "FRG070"],
  locationScope: ["GLS010", "GLS020", "GLS030", "GLS040", "GLS050", "GLS060", "GLS099"],
  grantReason: ["GTIR010", "GTIR020", "GTIR030", "GTIR040", "GTIR050", "GTIR060", "GTIR070", "GTIR080", "GTIR090", "GTIR100", "GTIR110", "GTIR120"],
  grantPurpose: Array.from({ length: 17 }, (_, i) => `GTIP${String((i + 1) * 10).padStart(3, "0")}`),
};
const codelist = (list: string[], name: string) => z.string().refine((v) => list.includes(v), `is not a code in the ${name} codelist`);

/** Checks on optional leaves, by field name or "parent/field"; a failure drops the value with a warning. */
const leafChecks: Record<string, z.ZodType> = {
  url: uriSchema,
  dataSource: uriSchema,
  dateModified: dateTimeSchema,
  "plannedDates/startDate": eventDateSchema,
  "plannedDates/endDate": eventDateSchema,
  "actualDates/startDate": eventDateSchema,
  "actualDates/endDate": eventDateSchema,
  "plannedDates/duration": z.number().nonnegative("must not be negative"),
  "actualDates/duration": z.number().nonnegative("must not be negative"),
  transactionDate: awardDateSchema,
  valueDate: awardDateSchema,
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  countryCode: z.string().refine((c) => countryCodes.has(c), "must be a two-letter ISO 3166 country code such as GB"),
  currency: z.string().refine((c) => currencyCodes.has(c), "is not an ISO 4217 currency code"),
  fromOpenCall: z.enum(["Yes", "No"], { error: "must be Yes or No" }),
  regrantType: codelist(codelists.regrantType, "Regrant Type"),
  locationScope: codelist(codelists.locationScope, "Location Scope"),
  primaryGrantReason: codelist(codelists.grantReason, "Grant to Individuals Reason"),
  secondaryGrantReason: codelist(codelists.grantReason, "Grant to Individuals Reason"),
  grantPurpose: z.array(codelist(codelists.grantPurpose, "Grant to Individuals Purpose")),
  amountAppliedFor: z.number().nonnegative("must not be negative"),
  amountDisbursed: z.number().nonnegative("must not be negative"),
  value: z.number(),
};

// ---------------------------------------------------------------- lenient reading of values

const dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

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
    const iso = `${m[3]}-${pad(Number(m[2]))}-${pad(Number(m[1]))}`;
    if (!realCalendarDate(iso) || Number(m[2]) > 12) return { reason: "is not a real date (read as day/month/year)" };
    return { value: iso, note: `written day/month/year; read as ${iso}` };
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

const dateLeaves = new Set(["awardDate", "startDate", "endDate", "transactionDate", "valueDate"]);
const amountLeaves = new Set(["amountAwarded", "amountAppliedFor", "amountDisbursed", "value"]);

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
  warn(c, path, value, `${r.error.issues[0]?.message ?? "is not valid"}; value ignored`);
  return undefined;
}

function cleanLeaf(c: Cleaner, field: Field, raw: unknown, path: PathPart[], parent: string | undefined, core: boolean): unknown {
  const name = field.name;
  if (isEmpty(raw)) return undefined;
  if (field.kind === "number") {
    const fail = (reason: string) => {
      if (core) c.issues.push({ path, value: raw, reason, severity: "error" });
      else warn(c, path, raw, `${reason}; value ignored`);
      return undefined;
    };
    let num: number;
    if (typeof raw === "number") {
      if (!Number.isFinite(raw)) return fail("is not a finite number");
      num = raw;
    } else if (typeof raw === "string" && amountLeaves.has(name)) {
      const parsed = parseAmount(raw);
      if (!parsed.ok) return fail(parsed.reason === "is too large" ? `is too large to be a grant (£${MAX_PLAUSIBLE_AMOUNT.toLocaleString("en-GB")} or more): check for a typo, or an amount written in pence` : parsed.reason);
      if (parsed.note) warn(c, path, raw, `converted: ${parsed.note}`);
      num = parsed.pence / 100;
    } else if (typeof raw === "string" && /^-?\d+(\.\d+)?$/.test(raw.trim())) {
      num = Number(raw.trim());
    } else return fail("is not a number");
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
      else warn(c, path, raw, `${d.reason}; value ignored`);
      return undefined;
    }
    if (d.note) warn(c, path, raw, `converted: ${d.note}`);
    if (core) return d.value;
    let value = d.value;
    if (value && dateTime.test(value) && !strictDateTime.test(value) && realCalendarDate(value)) {
      value = value.slice(0, 10);
      warn(c, path, raw, `converted: not a full date-time with a time zone; read as the date ${value}`);
    }
    return checkLeaf(c, path, parent, name, value);
  }
  if (name === "dateModified") {
    const d = readDateTime(raw);
    if (d.reason) return warn(c, path, raw, `${d.reason}; value ignored`), undefined;
    return checkLeaf(c, path, parent, name, d.value);
  }
  let value = readString(raw);
  if (value === undefined) {
    warn(c, path, raw, "is not text; value ignored");
    return undefined;
  }
  if (name === "fromOpenCall" && /^(y|yes|true|n|no|false)$/i.test(value) && value !== "Yes" && value !== "No") {
    const fixed = /^(y|yes|true)$/i.test(value) ? "Yes" : "No";
    warn(c, path, raw, `converted: must be Yes or No; read as ${fixed}`);
    value = fixed;
  }
  if (name === "countryCode" && value === "UK") {
    warn(c, path, raw, "converted: the ISO code for the United Kingdom is GB");
    value = "GB";
  }
  if (name === "countryCode" && /^[a-z]{2}$/.test(value)) value = value.toUpperCase();
  if (name === "currency" && parent === undefined && /^[a-zA-Z]{3}$/.test(value) && value !== value.toUpperCase()) {
    warn(c, path, raw, `converted: currency codes are upper case; read as ${value.toUpperCase()}`);
    value = value.toUpperCase();
  }
  return core ? value : checkLeaf(c, path, parent, name, value);
}

const coreLeaves = new Set(["id", "amountAwarded", "awardDate", "currency"]);

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

/** Grants of £10 billion or more are not plausible (the largest UK grants are hundreds of millions): a typo, or pence. */
export const MAX_PLAUSIBLE_AMOUNT = 10_000_000_000;

/** Why an amount cannot be stored as given, or null. Amounts beyond the range of exact pence used to become £0. */
export function implausibleAmount(amount: number): string | null {
  const parsed = parseAmount(amount);
  if (!parsed.ok || amount >= MAX_PLAUSIBLE_AMOUNT)
    return `Amount Awarded ${amount.toLocaleString("en-GB", { maximumFractionDigits: 2 })} is not plausible for a grant (£${MAX_PLAUSIBLE_AMOUNT.toLocaleString("en-GB")} or more): check for a typo, or an amount written in pence`;
  return null;
}

/**
 * A warning for an award date that is possible but suspicious, after 360Giving's own data quality checks
 * (lib-cove-360 FarPastDates, PostDatedAwardDates, FarFuture…Dates; ImpossibleDates such as 31 February are
 * rejected above): before 1990 (long before any open grant data), or after `today`, or more than 5 years after it.
 */
export function awardDateWarning(ymd: string, today = new Date().toISOString().slice(0, 10)): string | null {
  if (ymd < "1990-01-01") return `Award Date ${ymd} is before 1990: check for a typo or a placeholder date (360Giving FarPastDates)`;
  const farFuture = `${Number(today.slice(0, 4)) + 5}${today.slice(4)}`;
  if (ymd > farFuture) return `Award Date ${ymd} is more than 5 years in the future: check for a typo or a placeholder date (360Giving FarFutureDates)`;
  if (ymd > today) return `Award Date ${ymd} is in the future: an award date is when the decision was made (360Giving PostDatedAwardDates)`;
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

  if (g.id === undefined && !c.issues.some((i) => i.path[0] === "id")) error(["id"], src.id, "Identifier is required");
  else if (typeof g.id === "string" && !/^360G-/i.test(g.id)) warn(c, ["id"], g.id, "a grant Identifier should start with the publisher's 360G- prefix");
  if (g.amountAwarded === undefined && !c.issues.some((i) => i.path[0] === "amountAwarded")) error(["amountAwarded"], src.amountAwarded, "Amount Awarded is required");
  else if (typeof g.amountAwarded === "number" && g.amountAwarded < 0) error(["amountAwarded"], src.amountAwarded, "Amount Awarded must not be negative");
  else if (typeof g.amountAwarded === "number") {
    const reason = implausibleAmount(g.amountAwarded);
    if (reason) error(["amountAwarded"], src.amountAwarded, reason);
  }
  if (g.currency === undefined) error(["currency"], src.currency, "Currency is required");
  else if (!currencyCodes.has(String(g.currency)))
    error(["currency"], src.currency, `is not an ISO 4217 currency code${/^G[BP][BP]$/i.test(String(g.currency)) ? " (did you mean GBP?)" : ""}`);
  else if (g.currency !== "GBP") error(["currency"], src.currency, `amounts in ${g.currency} are not accepted: Chest Atlas works in pounds sterling (GBP) and does not convert currencies`);
  if (g.awardDate === undefined && !c.issues.some((i) => i.path[0] === "awardDate")) error(["awardDate"], src.awardDate, "Award Date is required");
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
    warn(c, ["title"], src.title, "Title is missing (required by the standard); kept with an empty title");
    g.title = "";
  }
  if (g.description === undefined) {
    warn(c, ["description"], src.description, "Description is missing (required by the standard); kept with an empty description");
    g.description = "";
  }

  // Parties: an organisation needs an Identifier and a Name; with one of them the grant is kept with a warning.
  const orgs = (key: "recipientOrganization" | "fundingOrganization") => {
    const list = (g[key] as Record<string, unknown>[] | undefined) ?? [];
    const kept = list.filter((o, i) => {
      if (o.id === undefined && o.name === undefined) return false;
      if (o.id === undefined) warn(c, [key, i, "id"], undefined, "the organisation's Identifier is missing (required by the standard)");
      if (o.name === undefined) warn(c, [key, i, "name"], undefined, "the organisation's Name is missing (required by the standard)");
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
      warn(c, ["recipientIndividual", ind.id === undefined ? "id" : "name"], undefined, "the individual recipient's Identifier and Name are both required (use a generic name such as \"Individual Recipient\")");
      g.recipientIndividual = { id: ind.id ?? ind.name, name: ind.name ?? "Individual Recipient" };
    }
  }
  if (!g.recipientOrganization && !g.recipientIndividual)
    error(["recipientOrganization", 0, "id"], undefined, "no recipient: give Recipient Org:Identifier and Recipient Org:Name, or Recipient Ind:Identifier and Recipient Ind:Name");
  else if (g.recipientOrganization && g.recipientIndividual)
    error(["recipientIndividual", "id"], (g.recipientIndividual as Record<string, unknown>).id, "a grant has either a recipient organisation or a recipient individual, not both");
  if (!g.fundingOrganization) error(["fundingOrganization", 0, "id"], undefined, "no funding organisation: give Funding Org:Identifier and Funding Org:Name");

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
