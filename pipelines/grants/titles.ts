// The 360Giving field names and spreadsheet column titles (schema 1.4), and the moves between a spreadsheet row and a grant object.

export type FieldKind = "string" | "number" | "strings" | "object" | "array";

export interface Field {
  /** JSON field name. */
  name: string;
  /** Spreadsheet column title; absent for fields that have none (transactions use JSON pointer paths). */
  title?: string;
  kind: FieldKind;
  /** For objects and arrays of objects. */
  fields?: Field[];
}

const s = (name: string, title?: string): Field => ({ name, title, kind: "string" });
const n = (name: string, title?: string): Field => ({ name, title, kind: "number" });

const location: Field[] = [
  s("id", "Identifier"),
  s("name", "Name"),
  s("countryCode", "Country Code"),
  n("latitude", "Latitude"),
  n("longitude", "Longitude"),
  s("description", "Description"),
  s("geoCode", "Geographic Code"),
  s("geoCodeType", "Geographic Code Type"),
  s("dateModified", "Last Modified"),
];

const organization: Field[] = [
  s("id", "Identifier"),
  s("name", "Name"),
  s("department", "Department"),
  s("contactName", "Contact Name"),
  s("charityNumber", "Charity Number"),
  s("companyNumber", "Company Number"),
  s("streetAddress", "Street Address"),
  s("addressLocality", "City"),
  s("addressRegion", "County"),
  s("addressCountry", "Country"),
  s("postalCode", "Postal Code"),
  s("telephone", "Phone Number"),
  s("alternateName", "Alternate Name"),
  s("email", "Email"),
  s("description", "Description"),
  s("organisationType", "Organisation Type"),
  s("url", "Web Address"),
  { name: "location", title: "Location", kind: "array", fields: location },
  s("dateModified", "Last Modified"),
];

const event: Field[] = [
  s("title", "Title"),
  s("startDate", "Start Date"),
  s("endDate", "End Date"),
  n("duration", "Duration (months)"),
  s("description", "Description"),
  s("dateModified", "Last Modified"),
];

const classification: Field[] = [
  s("vocabulary", "Vocabulary"),
  s("code", "Code"),
  s("title", "Title"),
  s("description", "Description"),
  s("url", "URL"),
  s("dateModified", "Last Modified"),
];

const programme: Field[] = [s("code", "Code"), s("title", "Title"), s("description", "Description"), s("url", "URL"), s("dateModified", "Last Modified")];

const documents: Field[] = [
  s("id", "Identifier"),
  s("title", "Title"),
  s("url", "Web Address"),
  s("description", "Description"),
  s("documentType", "Document Type"),
  s("dateModified", "Last Modified"),
];

const transaction: Field[] = [
  s("id"),
  s("transactionDate"),
  s("currency"),
  n("value"),
  s("valueDate"),
  s("description"),
  s("provider"),
  s("recipient"),
  s("dateModified"),
];

/** Every field of a grant, in the order of the 360Giving grants sheet. */
export const grantFields: Field[] = [
  s("id", "Identifier"),
  s("title", "Title"),
  s("description", "Description"),
  s("currency", "Currency"),
  n("amountAppliedFor", "Amount Applied For"),
  n("amountAwarded", "Amount Awarded"),
  n("amountDisbursed", "Amount Disbursed"),
  s("awardDate", "Award Date"),
  s("url", "URL"),
  { name: "plannedDates", title: "Planned Dates", kind: "array", fields: event },
  { name: "actualDates", title: "Actual Dates", kind: "array", fields: event },
  { name: "recipientIndividual", title: "Recipient Ind", kind: "object", fields: [s("id", "Identifier"), s("name", "Name")] },
  {
    name: "toIndividualsDetails",
    title: "To Individuals Details",
    kind: "object",
    fields: [
      s("primaryGrantReason", "Primary Grant Reason"),
      s("secondaryGrantReason", "Secondary Grant Reason"),
      { name: "grantPurpose", title: "Grant Purpose", kind: "strings" },
    ],
  },
  { name: "recipientOrganization", title: "Recipient Org", kind: "array", fields: organization },
  { name: "beneficiaryLocation", title: "Beneficiary Location", kind: "array", fields: location },
  { name: "fundingOrganization", title: "Funding Org", kind: "array", fields: organization },
  s("locationScope", "Location Scope"),
  { name: "grantProgramme", title: "Grant Programme", kind: "array", fields: programme },
  s("fromOpenCall", "From An Open Call?"),
  { name: "fundingType", title: "Funding Type", kind: "array", fields: classification },
  { name: "classifications", title: "Classifications", kind: "array", fields: classification },
  { name: "relatedDocument", title: "Related Document", kind: "array", fields: documents },
  { name: "applicationTransaction", kind: "array", fields: transaction },
  { name: "commitmentTransaction", kind: "array", fields: transaction },
  { name: "disbursementTransaction", kind: "array", fields: transaction },
  { name: "relatedActivity", title: "Related Activity", kind: "strings" },
  s("dateModified", "Last Modified"),
  s("dataSource", "Data Source"),
  s("regrantType", "For Regrant Type"),
];

export type PathPart = string | number;

export interface Column {
  /** Where the value goes in the grant object, e.g. ["beneficiaryLocation", 0, "geoCode"]. */
  path: PathPart[];
  leaf: Field;
}

const norm = (t: string) => t.trim().toLowerCase().replace(/\s+/g, " ");

function findField(fields: Field[], token: string, by: "title" | "name"): Field | undefined {
  const t = norm(token);
  return fields.find((f) => (by === "title" ? f.title !== undefined && norm(f.title) === t : f.name.toLowerCase() === t));
}

/**
 * Where a spreadsheet column goes: a title such as "Beneficiary Location:0:Geographic Code" (the number is
 * optional and means the n-th item; without it, the first) or a JSON pointer path such as
 * "recipientOrganization/0/id". Titles match case-insensitively. Null when the column is not a 360Giving field.
 */
export function columnFor(header: string): Column | null {
  const text = header.trim();
  if (!text) return null;
  const byPath = text.includes("/") && !text.includes(":");
  const tokens = (byPath ? text.replace(/^\//, "").split("/") : text.split(":")).map((t) => t.trim());
  const path: PathPart[] = [];
  let fields = grantFields;
  for (let i = 0; i < tokens.length; i++) {
    const field = findField(fields, tokens[i], byPath ? "name" : "title");
    if (!field) return null;
    path.push(field.name);
    const last = i === tokens.length - 1;
    if (field.kind === "array") {
      let index = 0;
      if (i + 1 < tokens.length && /^\d+$/.test(tokens[i + 1])) {
        index = Number(tokens[i + 1]);
        i++;
      }
      if (i === tokens.length - 1) return null; // an array needs a field inside it
      path.push(index);
      fields = field.fields!;
    } else if (field.kind === "object") {
      if (last) return null;
      fields = field.fields!;
    } else {
      if (!last) return null;
      return { path, leaf: field };
    }
  }
  return null;
}

/** The spreadsheet title for a path into a grant ("Recipient Org:0:Location:0:Geographic Code"); JSON pointer for fields without titles. */
export function titleFor(path: PathPart[], numbered = true): string {
  const tokens: string[] = [];
  let fields = grantFields;
  let titled = true;
  for (let i = 0; i < path.length; i++) {
    const part = path[i];
    if (typeof part === "number") {
      if (numbered) tokens.push(String(part));
      continue;
    }
    const field = fields.find((f) => f.name === part);
    if (!field) return path.join("/");
    if (field.title === undefined) titled = false;
    tokens.push(field.title ?? field.name);
    fields = field.fields ?? [];
  }
  return titled ? tokens.join(":") : path.join("/");
}

/** Set a value at a path, creating objects and arrays on the way. */
export function setPath(target: Record<string, unknown>, path: PathPart[], value: unknown): void {
  let node: Record<string | number, unknown> = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    const nextIsIndex = typeof path[i + 1] === "number";
    let child = node[key] as Record<string | number, unknown> | undefined;
    if (child === undefined || child === null || typeof child !== "object") {
      child = (nextIsIndex ? [] : {}) as Record<string | number, unknown>;
      node[key] = child;
    }
    node = child;
  }
  node[path[path.length - 1]] = value;
}

/** Remove holes left by numbered columns (a file with only ":1:" columns still means one item). */
export function compactArrays(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined && v !== null).map(compactArrays);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) (value as Record<string, unknown>)[k] = compactArrays(v);
  }
  return value;
}

/** A leaf value of a flattened grant: where it is, and what it is. */
export interface FlatValue {
  path: PathPart[];
  value: unknown;
}

/** Every leaf of a grant object that is a 360Giving field, in schema order (arrays of strings joined with ";"). */
export function flattenGrant(grant: Record<string, unknown>): FlatValue[] {
  const out: FlatValue[] = [];
  const walk = (obj: Record<string, unknown>, fields: Field[], prefix: PathPart[]) => {
    for (const field of fields) {
      const value = obj[field.name];
      if (value === undefined || value === null) continue;
      if (field.kind === "array") {
        if (!Array.isArray(value)) continue;
        value.forEach((item, i) => item && typeof item === "object" && walk(item as Record<string, unknown>, field.fields!, [...prefix, field.name, i]));
      } else if (field.kind === "object") {
        if (typeof value === "object") walk(value as Record<string, unknown>, field.fields!, [...prefix, field.name]);
      } else if (field.kind === "strings") {
        out.push({ path: [...prefix, field.name], value: Array.isArray(value) ? value.join(";") : value });
      } else out.push({ path: [...prefix, field.name], value });
    }
  };
  walk(grant, grantFields, []);
  return out;
}

/** The key of an array inside a grant, without indexes ("recipientOrganization/location"), to count its items across grants. */
export function arrayKey(path: PathPart[], upTo: number): string {
  return path.slice(0, upTo + 1).filter((p) => typeof p === "string").join("/");
}
