// The shapes a service directory passes through: raw rows as read (with where each came from), the issues found, and the cleaned records the stage writes.

/** The Open Referral tables Chest Atlas reads; every other table in a directory is ignored. */
export const entities = [
  "organization",
  "organization_identifier",
  "service",
  "location",
  "service_at_location",
  "address",
  "taxonomy_term",
  "attribute",
  "funding",
  "schedule",
  "service_area",
] as const;
export type Entity = (typeof entities)[number];

/** One record as read from a file, before validation. `at` says where: a JSON path or "services.csv row 3". */
export interface RawRow {
  file: string;
  at: string;
  data: Record<string, unknown>;
  /** Filled in when the row was nested in a parent: the parent's id under the foreign key name (service_id …). */
  parent?: Record<string, string | undefined>;
}

export type RawTables = Record<Entity, RawRow[]>;

export function emptyTables(): RawTables {
  return Object.fromEntries(entities.map((e) => [e, []])) as unknown as RawTables;
}

export type Severity = "error" | "warning";

/**
 * A problem with one record. severity "error": the record was rejected (and what hangs off it); "warning": the
 * record was kept, without the part named.
 */
export interface Issue {
  file: string;
  at: string;
  entity: Entity | "file";
  recordId: string | null;
  field: string | null;
  value: string | null;
  reason: string;
  severity: Severity;
}

/** A file's records as read, with what the reader noticed about the file as a whole. */
export interface ReadDirectory {
  file: string;
  /** How the file was understood, e.g. "service list (paged API response)", "tabular data package (zip)". */
  format: string;
  tables: RawTables;
  issues: Issue[];
  /** Crosswalk rules, when the file is a crosswalk rather than a directory. */
  crosswalk?: { need: string; taxonomy?: string; terms: string[] }[];
}

// ── cleaned records ──────────────────────────────────────────────────────────

export interface Organization {
  id: string;
  name: string;
  /** Its own id plus org-id style identifiers built from organization_identifiers (GB-CHC-1234567). */
  identifiers: string[];
  file: string;
}

export const serviceStatuses = ["active", "inactive", "defunct", "temporarily closed"] as const;

export interface Service {
  id: string;
  name: string;
  description: string | null;
  organizationId: string | null;
  status: string;
  url: string | null;
  /** Text saying how people attend (older feeds' attending_type / deliverable_type; schedules' attending_type). */
  attending: string[];
  lastModified: string | null;
  file: string;
  at: string;
}

export type LocationType = "physical" | "virtual" | "postal";

export interface Location {
  id: string;
  type: LocationType;
  name: string | null;
  lon: number | null;
  lat: number | null;
  postcode: string | null;
  file: string;
  at: string;
}

export interface ServiceAtLocation {
  id: string;
  serviceId: string;
  locationId: string;
  file: string;
}

export interface TaxonomyTerm {
  id: string;
  name: string;
  code: string | null;
  term: string | null;
  taxonomy: string | null;
  file: string;
  at: string;
}

/** A taxonomy term attached to a service (attributes linking to a service or one of its service_at_locations). */
export interface ServiceTerm {
  serviceId: string;
  termId: string;
  /** HSDS 3 attribute value, used for the "capacity" term. */
  value: string | null;
  file: string;
  at: string;
}

export interface Schedule {
  id: string;
  serviceId: string;
  freq: string | null;
  interval: number | null;
  byday: string | null;
  bymonthday: string | null;
  weekday: string | null;
  attendingType: string | null;
  file: string;
  at: string;
}

export interface ServiceArea {
  id: string;
  serviceId: string;
  /** name, service_area (older feeds), description and extent text joined, for code and name matching. */
  text: string;
  extent: string | null;
  extentType: string | null;
  uri: string | null;
  file: string;
  at: string;
}

export interface Funding {
  id: string;
  serviceId: string | null;
  organizationId: string | null;
  source: string;
  file: string;
}

export interface Directory {
  organizations: Organization[];
  services: Service[];
  locations: Location[];
  serviceAtLocations: ServiceAtLocation[];
  terms: TaxonomyTerm[];
  serviceTerms: ServiceTerm[];
  schedules: Schedule[];
  serviceAreas: ServiceArea[];
  funding: Funding[];
}

/** Per file and kind of record: how many were read, kept and rejected (read = accepted + rejected, always). */
export interface FileCount {
  file: string;
  format: string;
  entity: Entity;
  read: number;
  accepted: number;
  rejected: number;
  /** Of the accepted: valid, but another file's copy of the same service was used instead. */
  superseded: number;
}
