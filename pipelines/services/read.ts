// Reading one service-directory file as published (Open Referral UK / HSDS 3 JSON in every API shape, tabular data packages, older ORUK feeds) into flat rows that remember where each came from.
import { existsSync, lstatSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, join, normalize } from "node:path";
import { InputError } from "../errors.ts";
import { checkJsonDepth, confinedFile, readBounded, readZipBounded } from "../kit/bounds.ts";
import { decodeText, looksBinary, WINDOWS_1252_NOTE } from "../kit/text.ts";
import { parseTable as parseCsv } from "../kit/delimited.ts";
import { emptyTables, type Entity, type Issue, type RawRow, type RawTables, type ReadDirectory } from "./model.ts";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const arrayOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const idOf = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : typeof v === "number" && Number.isFinite(v) ? String(v) : undefined;

// ── tabular data packages ────────────────────────────────────────────────────

/** Table file names (without .csv) as HSDS 3 and Open Referral UK write them → the table. */
const tableFiles: Record<string, Entity> = {
  organizations: "organization", organization: "organization",
  organization_identifiers: "organization_identifier", organization_identifier: "organization_identifier",
  services: "service", service: "service",
  locations: "location", location: "location",
  service_at_location: "service_at_location", service_at_locations: "service_at_location",
  addresses: "address", address: "address", physical_addresses: "address",
  taxonomy_terms: "taxonomy_term", taxonomy_term: "taxonomy_term",
  attributes: "attribute", attribute: "attribute",
  funding: "funding", fundings: "funding",
  schedules: "schedule", schedule: "schedule", regular_schedules: "schedule",
  service_areas: "service_area", service_area: "service_area",
};

function entityOfResource(name: unknown, path: unknown): Entity | undefined {
  if (typeof name === "string" && name in tableFiles) return tableFiles[name];
  if (typeof path === "string") return tableFiles[basename(path).replace(/\.csv$/i, "").toLowerCase()];
  return undefined;
}

interface Resource {
  entity: Entity;
  label: string;
  rows: Record<string, unknown>[];
  /** The number its first row goes by: 2 in a CSV table (row 1 holds the column titles, as a spreadsheet shows it), 1 in a JSON list. */
  firstRow: number;
}

/** CSV rows are numbered as a spreadsheet numbers them: the column titles are row 1. */
const CSV_FIRST_ROW = 2;

function csvRows(text: string, file: string, label: string): Record<string, string>[] {
  try {
    return parseCsv(text).rows;
  } catch (error) {
    throw new InputError(file, `${label}: ${(error as Error).message}`);
  }
}

/** A resource path that stays inside the package (no URL, no absolute path, no ..). */
function safeResourcePath(file: string, path: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) throw new InputError(file, `resource ${path} is a web address: download it and give the local files (nothing is fetched)`);
  const clean = normalize(path).replaceAll("\\", "/");
  if (isAbsolute(path) || clean.startsWith("../") || clean === "..") throw new InputError(file, `resource path ${path} points outside the data package`);
  return clean;
}

/** Resources of a datapackage.json: inline `data`, or CSV files read through `readMember`. */
function packageResources(descriptor: Json, file: string, readMember: ((path: string) => string | null) | null): { resources: Resource[]; issues: Issue[] } {
  const resources: Resource[] = [];
  const issues: Issue[] = [];
  for (const [i, r] of arrayOf(descriptor.resources).entries()) {
    if (!isObject(r)) throw new InputError(file, `resources[${i}] is not an object`);
    const paths = arrayOf(r.path).filter((p): p is string => typeof p === "string");
    const entity = entityOfResource(r.name, paths[0]);
    if (!entity) continue; // a table Chest Atlas does not use (phone, contact, language …)
    // A table packed inline from its CSV file when it was stored (prepare.ts) keeps the CSV's name and row numbers.
    const packedFrom = arrayOf(r.path_was).find((p): p is string => typeof p === "string");
    const label = paths[0] ?? packedFrom ?? String(r.name ?? `resources[${i}]`);
    if (Array.isArray(r.data)) {
      const data = r.data as unknown[];
      // inline data: objects, or arrays with a header row first
      if (data.length && Array.isArray(data[0])) {
        const header = (data[0] as unknown[]).map(String);
        resources.push({ entity, label, rows: data.slice(1).map((row) => Object.fromEntries(header.map((h, j) => [h, (row as unknown[])[j]]))), firstRow: 1 });
      } else resources.push({ entity, label, rows: data.filter(isObject), firstRow: packedFrom ? CSV_FIRST_ROW : 1 });
      continue;
    }
    if (!paths.length) throw new InputError(file, `resource ${String(r.name ?? i)} has neither a path nor inline data`);
    const rows: Record<string, unknown>[] = [];
    for (const p of paths) {
      const safe = safeResourcePath(file, p);
      const text = readMember ? readMember(safe) : null;
      if (text === null) {
        throw new InputError(
          file,
          readMember
            ? `the data package lists ${p} but it is not there`
            : `is a datapackage.json without its CSV tables (${p} …): give the folder, the datapackage.json where it sits beside its CSVs, or a .zip of the package`,
        );
      }
      rows.push(...csvRows(text, file, p));
    }
    resources.push({ entity, label, rows, firstRow: CSV_FIRST_ROW });
  }
  if (!resources.some((r) => r.entity === "service" || r.entity === "organization" || r.entity === "taxonomy_term"))
    issues.push(fileIssue(file, "the data package has no services, organizations or taxonomy_terms table", "warning"));
  return { resources, issues };
}

/** Tables found by their usual file names when there is no datapackage.json (one file per table: the first name in sorted order). */
function tablesByName(names: string[], read: (name: string) => string, file: string): { resources: Resource[]; issues: Issue[] } {
  const resources: Resource[] = [];
  const issues: Issue[] = [];
  for (const name of [...names].sort()) {
    if (!/\.csv$/i.test(name)) continue;
    const entity = tableFiles[basename(name).replace(/\.csv$/i, "").toLowerCase()];
    if (!entity) continue;
    const earlier = resources.find((r) => r.entity === entity);
    if (earlier) {
      issues.push(fileIssue(file, `${basename(name)} ignored: ${earlier.label} already gives the ${entity} table (add a datapackage.json to say which to use)`));
      continue;
    }
    resources.push({ entity, label: basename(name), rows: csvRows(read(name), file, basename(name)), firstRow: CSV_FIRST_ROW });
  }
  return { resources, issues };
}

function fileIssue(file: string, reason: string, severity: "error" | "warning" = "warning"): Issue {
  return { file, at: "(file)", entity: "file", recordId: null, field: null, value: null, reason, severity };
}

function fromResources(file: string, format: string, resources: Resource[], issues: Issue[] = []): ReadDirectory {
  const tables = emptyTables();
  for (const r of resources) {
    r.rows.forEach((data, i) => tables[r.entity].push({ file, at: `${r.label} row ${i + r.firstRow}`, data }));
  }
  // a CSV attribute says what it links to by link_id; a CSV schedule, funding or area by its own foreign keys
  return { file, format, tables, issues };
}

/** A folder holding datapackage.json or the CSV tables. */
function readFolder(dir: string, label: string): ReadDirectory {
  const descriptorPath = join(dir, "datapackage.json");
  if (existsSync(descriptorPath)) {
    const descriptor = parseJson(readFileSync(descriptorPath), label);
    if (!isObject(descriptor)) throw new InputError(label, "datapackage.json is not a JSON object");
    const { resources, issues } = packageResources(descriptor, label, (p) => readConfined(dir, p, label));
    return fromResources(label, "tabular data package (folder)", resources, issues);
  }
  const { resources, issues } = tablesByName(readdirSync(dir), (name) => readConfined(dir, name, label) ?? "", label);
  if (!resources.length) throw new InputError(label, "is a folder with no datapackage.json and no Open Referral CSV tables (services.csv, locations.csv …)");
  return fromResources(label, "tabular CSV tables (folder)", resources, issues);
}

/** A zip of a data package: unpacked within the kit's bounds (members, uncompressed size) before anything is parsed; members decoded by the kit. */
function readZip(bytes: Buffer, file: string): ReadDirectory {
  const unpacked = readZipBounded(bytes, file);
  const member = (name: string): string | null => {
    for (const [path, data] of unpacked) if (path === name || path.endsWith(`/${name}`)) return decodeText(data).text;
    return null;
  };
  const descriptorText = member("datapackage.json");
  if (descriptorText !== null) {
    const descriptor = parseJson(Buffer.from(descriptorText), file);
    if (!isObject(descriptor)) throw new InputError(file, "datapackage.json in the zip is not a JSON object");
    const { resources, issues } = packageResources(descriptor, file, member);
    return fromResources(file, "tabular data package (zip)", resources, issues);
  }
  const names = Object.keys(tableFiles).map((n) => `${n}.csv`).filter((n) => member(n) !== null);
  if (!names.length) throw new InputError(file, "is a zip with no datapackage.json and no Open Referral CSV tables");
  const { resources, issues } = tablesByName(names, (n) => member(n)!, file);
  return fromResources(file, "tabular CSV tables (zip)", resources, issues);
}

// ── JSON ─────────────────────────────────────────────────────────────────────

/** A package's file, read only when it stays inside the package (kit/bounds.ts confinedFile); null when absent. */
function readConfined(dir: string, rel: string, label: string): string | null {
  const path = confinedFile(dir, rel, label);
  return path === null ? null : decodeText(readBounded(path, label)).text;
}

/** JSON in any encoding the kit reads (UTF-8, UTF-16, Windows-1252; kit/text.ts). */
function parseJson(bytes: Buffer, file: string): unknown {
  const text = decodeText(bytes).text;
  if (text.trim() === "") throw new InputError(file, "the file is empty");
  if (looksBinary(bytes)) throw new InputError(file, "is not a JSON or CSV text file (it holds binary data: an image, a workbook or another format?)");
  checkJsonDepth(text, file);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(file, `is not valid JSON (${(error as Error).message})`);
  }
}

type Kind = "service" | "organization" | "service_at_location" | "location" | "taxonomy_term" | "taxonomy";

/** What an API record is, from the fields it has (services are the default: a broken service should be reported as one). */
export function recordKind(r: Json): Kind {
  if (isObject(r.service) && (isObject(r.location) || "location_id" in r)) return "service_at_location";
  if (!("status" in r) && ("location_type" in r || ("latitude" in r && "longitude" in r) || "physical_addresses" in r)) return "location";
  if ("status" in r || "service_at_locations" in r || "schedules" in r || "regular_schedules" in r || "service_taxonomys" in r || isObject(r.organization)) return "service";
  if (Array.isArray(r.services) || "organization_identifiers" in r || "website" in r || "logo" in r || "parent_organization_id" in r || "year_incorporated" in r) return "organization";
  if ("term_uri" in r || "taxonomy_id" in r || "parent_id" in r || "vocabulary" in r || typeof r.taxonomy === "string" || "term" in r) return "taxonomy_term";
  if ("version" in r && "uri" in r && !("status" in r)) return "taxonomy";
  return "service";
}

class Flattener {
  readonly tables: RawTables = emptyTables();
  constructor(readonly file: string) {}

  /**
   * `ref`: a record nested inside another, which nested JSON repeats wherever it applies (the same organisation,
   * location, term or schedule under several parents): later copies with the same id merge silently. Top-level
   * records are not refs, so a repeated top-level id is reported as a duplicate.
   */
  private push(entity: Entity, at: string, data: Json, parent?: Record<string, string | undefined>, ref = true): void {
    const row: RawRow & { ref?: boolean } = { file: this.file, at, data, parent };
    if (ref) row.ref = true;
    this.tables[entity].push(row);
  }

  record(r: unknown, at: string): void {
    if (!isObject(r)) {
      this.push("service", at, { __not_an_object: r }, undefined, false);
      return;
    }
    const kind = recordKind(r);
    if (kind === "service") this.service(r, at, undefined, false);
    else if (kind === "organization") this.organization(r, at, false);
    else if (kind === "service_at_location") this.serviceAtLocation(r, at, undefined, true);
    else if (kind === "location") this.location(r, at, false);
    else if (kind === "taxonomy_term") this.push("taxonomy_term", at, r, undefined, false);
    // a taxonomy (vocabulary) record says nothing a service needs
  }

  organization(o: Json, at: string, ref: boolean): string | undefined {
    const id = idOf(o.id);
    this.push("organization", at, o, undefined, ref);
    arrayOf(o.organization_identifiers).forEach((x, i) => isObject(x) && this.push("organization_identifier", `${at}.organization_identifiers[${i}]`, x, { organization_id: id }));
    arrayOf(o.funding).forEach((f, i) => isObject(f) && this.push("funding", `${at}.funding[${i}]`, f, { organization_id: id }));
    arrayOf(o.services).forEach((s, i) => this.service(isObject(s) ? s : { __not_an_object: s }, `${at}.services[${i}]`, id, false));
    return id;
  }

  service(s: Json, at: string, organizationId: string | undefined, ref: boolean): string | undefined {
    if ("__not_an_object" in s) {
      this.push("service", at, s, undefined, false);
      return undefined;
    }
    const id = idOf(s.id);
    let orgId = idOf(s.organization_id) ?? organizationId;
    if (isObject(s.organization)) orgId = this.organization(s.organization, `${at}.organization`, true) ?? orgId;
    this.push("service", at, s, { organization_id: orgId }, ref);
    const parent = { service_id: id };
    arrayOf(s.service_at_locations).forEach((x, i) => isObject(x) && this.serviceAtLocation(x, `${at}.service_at_locations[${i}]`, id, false));
    for (const key of ["schedules", "regular_schedules"]) arrayOf(s[key]).forEach((x, i) => isObject(x) && this.push("schedule", `${at}.${key}[${i}]`, x, parent));
    arrayOf(s.service_areas).forEach((x, i) => isObject(x) && this.push("service_area", `${at}.service_areas[${i}]`, x, parent));
    for (const key of ["funding", "fundings"]) arrayOf(s[key]).forEach((x, i) => isObject(x) && this.push("funding", `${at}.${key}[${i}]`, x, parent));
    arrayOf(s.attributes).forEach((x, i) => isObject(x) && this.attribute(x, `${at}.attributes[${i}]`, id));
    // older Open Referral UK feeds: service_taxonomys [{id, taxonomy: {id, name, vocabulary, parent}}]
    arrayOf(s.service_taxonomys).forEach((x, i) => {
      if (!isObject(x)) return;
      const t = isObject(x.taxonomy) ? x.taxonomy : undefined;
      if (t) this.push("taxonomy_term", `${at}.service_taxonomys[${i}].taxonomy`, { ...t, taxonomy: t.taxonomy ?? t.vocabulary, parent_id: t.parent_id ?? t.parent }, undefined, true);
      this.push("attribute", `${at}.service_taxonomys[${i}]`, { id: x.id, taxonomy_term_id: idOf(x.taxonomy_id) ?? idOf(t?.id) }, { service_id: id });
    });
    return id;
  }

  attribute(a: Json, at: string, serviceId: string | undefined): void {
    const term = isObject(a.taxonomy_term) ? a.taxonomy_term : undefined;
    if (term) this.push("taxonomy_term", `${at}.taxonomy_term`, term, undefined, true);
    this.push("attribute", at, { ...a, taxonomy_term_id: idOf(a.taxonomy_term_id) ?? idOf(term?.id), taxonomy_term: undefined }, { service_id: serviceId });
  }

  location(l: Json, at: string, ref: boolean): string | undefined {
    const id = idOf(l.id);
    this.push("location", at, l, undefined, ref);
    for (const key of ["addresses", "physical_addresses"]) arrayOf(l[key]).forEach((ad, i) => isObject(ad) && this.push("address", `${at}.${key}[${i}]`, ad, { location_id: id }));
    return id;
  }

  /** `withService`: a top-level service_at_location record, which carries its service. */
  serviceAtLocation(x: Json, at: string, serviceId: string | undefined, withService: boolean): void {
    let sid = idOf(x.service_id) ?? serviceId;
    if (withService && isObject(x.service)) sid = this.service(x.service, `${at}.service`, undefined, true) ?? sid;
    const location = isObject(x.location) ? x.location : undefined;
    const lid = idOf(location?.id) ?? idOf(x.location_id);
    if (location) this.location(location, `${at}.location`, true);
    this.push("service_at_location", at, { ...x, service: undefined, location: undefined, service_id: sid, location_id: lid }, { service_id: sid, location_id: lid }, !withService);
    const parent = { service_id: sid, service_at_location_id: idOf(x.id) };
    for (const key of ["schedules", "regular_schedules", "regular_schedule"]) arrayOf(x[key]).forEach((s, i) => isObject(s) && this.push("schedule", `${at}.${key}[${i}]`, s, parent));
    arrayOf(x.attributes).forEach((a, i) => isObject(a) && this.attribute(a, `${at}.attributes[${i}]`, sid));
  }
}

function readJsonValue(value: unknown, file: string): ReadDirectory {
  const issues: Issue[] = [];
  const flat = new Flattener(file);
  let format: string;
  if (Array.isArray(value)) {
    format = "JSON array of records";
    value.forEach((r, i) => flat.record(r, `$[${i}]`));
  } else if (!isObject(value)) {
    throw new InputError(file, "holds neither a JSON object nor an array of records");
  } else if (Array.isArray(value.contents)) {
    const contents = value.contents as unknown[];
    format = "paged API response";
    contents.forEach((r, i) => flat.record(r, `$.contents[${i}]`));
    const total = Number(value.total_items);
    if (Number.isFinite(total) && total > contents.length) {
      issues.push(
        fileIssue(
          file,
          `is page ${value.page_number ?? "?"} of ${value.total_pages ?? "?"} of an API response: it holds ${contents.length} of ${total} records; fetch every page and ingest them all`,
        ),
      );
    }
  } else if (Array.isArray(value.resources)) {
    const { resources, issues: more } = packageResources(value, file, null);
    return fromResources(file, "tabular data package (inline data)", resources, more);
  } else if (Object.keys(value).length > 0 && Object.entries(value).every(([k, v]) => /\.csv$/i.test(k) && Array.isArray(v))) {
    const resources: Resource[] = [];
    for (const [k, v] of Object.entries(value)) {
      const entity = tableFiles[k.replace(/\.csv$/i, "").toLowerCase()];
      if (entity) resources.push({ entity, label: k, rows: (v as unknown[]).filter(isObject), firstRow: 1 });
    }
    return fromResources(file, "tabular JSON (one array per CSV table)", resources);
  } else {
    format = "single record";
    flat.record(value, "$");
  }
  return { file, format, tables: flat.tables, issues };
}

// ── crosswalk files ──────────────────────────────────────────────────────────

function crosswalkFromJson(value: Json, file: string): ReadDirectory {
  const rules = value.crosswalk;
  if (!Array.isArray(rules)) throw new InputError(file, `"crosswalk" must be a list of {need, taxonomy?, terms: [...]} rules`);
  const crosswalk = rules.map((r, i) => {
    if (!isObject(r) || typeof r.need !== "string") throw new InputError(file, `crosswalk[${i}] needs a "need" (a need category key)`);
    const terms = arrayOf(r.terms ?? r.term).map((t) => idOf(t)).filter((t): t is string => t !== undefined);
    if (!terms.length) throw new InputError(file, `crosswalk[${i}] (${r.need}) lists no terms`);
    const taxonomy = typeof r.taxonomy === "string" && r.taxonomy.trim() !== "" ? r.taxonomy.trim() : undefined;
    return { need: r.need.trim(), taxonomy, terms };
  });
  return { file, format: "crosswalk (JSON)", tables: emptyTables(), issues: [], crosswalk };
}

function crosswalkFromCsv(text: string, file: string): ReadDirectory {
  const table = (() => {
    try {
      return parseCsv(text);
    } catch (error) {
      throw new InputError(file, (error as Error).message);
    }
  })();
  const lower = table.header.map((h) => h.toLowerCase());
  if (!lower.includes("need") || !lower.includes("term")) {
    throw new InputError(
      file,
      `is a single CSV, which is not an Open Referral directory: give the data package (datapackage.json with its CSVs, its folder, or a .zip), or a crosswalk CSV with columns need,taxonomy,term (this one has ${table.header.join(", ")})`,
    );
  }
  const col = (row: Record<string, string>, name: string) => {
    const key = table.header[lower.indexOf(name)];
    return key === undefined ? undefined : row[key]?.trim();
  };
  const crosswalk = table.rows.map((row, i) => {
    const need = col(row, "need");
    const term = col(row, "term");
    if (!need || !term) throw new InputError(file, `row ${i + 1}: need and term are both required`);
    return { need, taxonomy: col(row, "taxonomy") || undefined, terms: [term] };
  });
  return { file, format: "crosswalk (CSV)", tables: emptyTables(), issues: [], crosswalk };
}

// ── entry points ─────────────────────────────────────────────────────────────

/**
 * Read one services input: a JSON file (array of services, a paged API response, one service, organisation or
 * service-at-location record, a taxonomy term list, HSDS tabular JSON, a datapackage.json with inline data or
 * beside its CSVs), a .zip or folder holding a data package, or a crosswalk (JSON or CSV). `label` names the file in
 * messages (the name the user gave it). Throws InputError when the file as a whole cannot be read.
 */
export function readDirectoryFile(path: string, label = basename(path)): ReadDirectory {
  if (!existsSync(path)) throw new InputError(label, "file not found");
  if (lstatSync(path).isSymbolicLink()) throw new InputError(label, "is a symbolic link: give the file or folder itself");
  if (statSync(path).isDirectory()) return readFolder(path, label);
  const bytes = readBounded(path, label);
  if (bytes.length === 0) throw new InputError(label, "the file is empty");
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return readZip(bytes, label);
  if (extname(path).toLowerCase() === ".csv") return crosswalkFromCsv(decodeText(bytes).text, label);
  const read = readJsonFile(path, bytes, label);
  if (decodeText(bytes).encoding === "windows-1252") read.issues.unshift(fileIssue(label, WINDOWS_1252_NOTE));
  return read;
}

/** A JSON services file: a crosswalk, a datapackage.json beside its CSVs, or a directory in any API shape. */
function readJsonFile(path: string, bytes: Buffer, label: string): ReadDirectory {
  const value = parseJson(bytes, label);
  if (isObject(value) && "crosswalk" in value) return crosswalkFromJson(value, label);
  if (isObject(value) && Array.isArray(value.resources) && value.resources.some((r) => isObject(r) && !Array.isArray(r.data))) {
    // a datapackage.json read where it sits: its CSVs are beside it
    const dir = dirname(path);
    const paths = value.resources.flatMap((r) => (isObject(r) ? arrayOf(r.path) : [])).filter((p): p is string => typeof p === "string" && !/^[a-z][a-z0-9+.-]*:\/\//i.test(p));
    const beside = paths.some((p) => confinedFile(dir, p, label) !== null);
    const { resources, issues } = packageResources(value, label, beside ? (p) => readConfined(dir, p, label) : null);
    return fromResources(label, "tabular data package", resources, issues);
  }
  return readJsonValue(value, label);
}
