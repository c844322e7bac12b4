// Validating service-directory rows with zod, then their links (service ↔ location ↔ taxonomy term), so every record is either kept or rejected with a reason — never dropped silently.
import { z } from "zod";
import { describePointProblem } from "../../geo/point-checks.ts";
import type { Crosswalk } from "./crosswalk.ts";
import { normaliseNeedLabel } from "../../src/lib/needs.ts";
import { parseByday } from "./schedule.ts";
import {
  entities,
  serviceStatuses,
  type Directory,
  type Entity,
  type FileCount,
  type Funding,
  type Issue,
  type Location,
  type LocationType,
  type Organization,
  type RawRow,
  type ReadDirectory,
  type Schedule,
  type Service,
  type ServiceArea,
  type ServiceAtLocation,
  type ServiceTerm,
  type TaxonomyTerm,
} from "./model.ts";

// ── zod: the fields each table must have, and their types ────────────────────

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const asText = (v: unknown) => {
  const b = blankToUndefined(v);
  return typeof b === "number" && Number.isFinite(b) ? String(b) : typeof b === "string" ? b.trim() : b;
};
const asNumber = (v: unknown) => {
  const b = blankToUndefined(v);
  return typeof b === "string" ? Number(b.trim().replace(/^\+/, "")) : b;
};

const requiredText = (what: string) =>
  z.preprocess(asText, z.string({ error: (issue) => (issue.input === undefined || issue.input === null ? `${what} is missing` : `${what} must be text`) }));
const optionalText = z.preprocess(asText, z.string({ error: "must be text" }).nullish());
const optionalNumber = z.preprocess(asNumber, z.number({ error: "is not a number" }).nullish());

const schemas = {
  organization: z.looseObject({ id: requiredText("id"), name: requiredText("name") }),
  organization_identifier: z.looseObject({ identifier: requiredText("identifier"), identifier_scheme: optionalText, organization_id: optionalText }),
  service: z.looseObject({
    id: requiredText("id"),
    name: requiredText("name"),
    description: optionalText,
    status: optionalText,
    url: optionalText,
    organization_id: optionalText,
    attending_type: optionalText,
    deliverable_type: optionalText,
    last_modified: optionalText,
  }),
  location: z.looseObject({
    id: requiredText("id"),
    location_type: optionalText,
    name: optionalText,
    latitude: optionalNumber,
    longitude: optionalNumber,
  }),
  service_at_location: z.looseObject({ id: optionalText, service_id: requiredText("service_id"), location_id: requiredText("location_id") }),
  address: z.looseObject({ location_id: optionalText, postal_code: optionalText, address_type: optionalText }),
  taxonomy_term: z.looseObject({ id: requiredText("id"), name: optionalText, term: optionalText, code: optionalText, taxonomy: optionalText, vocabulary: optionalText }),
  attribute: z.looseObject({
    id: optionalText,
    taxonomy_term_id: requiredText("taxonomy_term_id"),
    link_id: optionalText,
    link_type: optionalText,
    link_entity: optionalText,
    value: optionalText,
  }),
  funding: z.looseObject({ id: optionalText, source: requiredText("source"), service_id: optionalText, organization_id: optionalText }),
  schedule: z.looseObject({
    id: optionalText,
    service_id: optionalText,
    service_at_location_id: optionalText,
    location_id: optionalText,
    freq: optionalText,
    interval: optionalNumber,
    byday: optionalText,
    bymonthday: optionalText,
    weekday: optionalText,
    attending_type: optionalText,
  }),
  service_area: z.looseObject({
    id: optionalText,
    service_id: optionalText,
    name: optionalText,
    service_area: optionalText,
    description: optionalText,
    extent: z.unknown().optional(),
    extent_type: optionalText,
    uri: optionalText,
  }),
} satisfies Record<Entity, z.ZodType>;

type Parsed<E extends Entity> = z.infer<(typeof schemas)[E]>;

const MAX_VALUE = 200;
function show(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}

const CAPACITY_TERMS = new Set(["capacity", "places", "capacity per session", "places per session", "spaces"]);
/** A taxonomy term that carries a service's capacity (HSDS 3 attribute value) rather than a kind of service. */
export function isCapacityTerm(term: Pick<TaxonomyTerm, "name" | "code" | "term">): boolean {
  return [term.name, term.code, term.term].some((t) => t && CAPACITY_TERMS.has(normaliseNeedLabel(t)));
}

export interface ServiceNeed {
  serviceId: string;
  need: string;
  termId: string;
}

export interface Validated {
  directory: Directory;
  issues: Issue[];
  counts: FileCount[];
  needs: ServiceNeed[];
  /** Capacity per session where a service's attributes give one. */
  capacity: Map<string, number>;
  /** Services that a later file (newer last_modified, else later ingest) corrected: the pairs for the changes report. */
  changes: ServiceChange[];
}

export interface ServiceChange extends Record<string, string> {
  identifier: string;
  old_json: string;
  new_json: string;
  old_file: string;
  new_file: string;
  rule: string;
}

interface Tracked<T> {
  row: RawRow;
  entity: Entity;
  value: T;
  rejected: boolean;
  /** Valid, but another file's copy of the same service (and its schedules, terms …) is the one used. */
  superseded?: boolean;
}

/** Validate every file's rows, merge the files, and check the links between records. */
export function validateDirectories(reads: ReadDirectory[], crosswalk: Crosswalk): Validated {
  const issues: Issue[] = [];
  const all: Tracked<unknown>[] = [];

  const report = (t: { row: RawRow; entity: Entity }, recordId: string | null, field: string | null, value: unknown, reason: string, severity: Issue["severity"]) =>
    issues.push({ file: t.row.file, at: t.row.at, entity: t.entity, recordId, field, value: show(value), reason, severity });

  const reject = (t: Tracked<unknown>, recordId: string | null, field: string | null, value: unknown, reason: string) => {
    if (t.rejected) return;
    t.rejected = true;
    report(t, recordId, field, value, reason, "error");
  };

  // 1. rows one by one, against the schema; repeated nested copies of the same record merge silently
  const parsed = {} as { [E in Entity]: Tracked<Parsed<E>>[] };
  for (const e of entities) (parsed as Record<Entity, Tracked<unknown>[]>)[e] = [];
  for (const read of reads) {
    issues.push(...read.issues);
    for (const entity of entities) {
      const seen = new Map<string, Tracked<unknown>>();
      for (const row of read.tables[entity]) {
        const raw = { ...(row.parent ?? {}), ...stripUndefined(row.data) } as Record<string, unknown>;
        for (const [k, v] of Object.entries(row.parent ?? {})) if (raw[k] === undefined && v !== undefined) raw[k] = v;
        const rawId = asText(raw.id);
        const id = typeof rawId === "string" ? rawId : null;
        const ref = (row as RawRow & { ref?: boolean }).ref === true;
        if (ref && id !== null && seen.has(id)) continue; // the same organisation / location / term nested again
        const t: Tracked<unknown> = { row, entity, value: undefined, rejected: false };
        if ("__not_an_object" in raw) {
          all.push(t);
          reject(t, null, null, raw.__not_an_object, "is not a JSON object");
          continue;
        }
        const result = schemas[entity].safeParse(raw);
        all.push(t);
        if (!result.success) {
          for (const issue of result.error.issues) {
            const field = issue.path.length ? String(issue.path[0]) : null;
            const reason = field ? `${field === "id" || issue.message.startsWith(field) ? "" : `${field} `}${issue.message}` : issue.message;
            if (!t.rejected) reject(t, id, field, field ? raw[field] : null, reason);
            else report(t, id, field, field ? raw[field] : null, reason, "error");
          }
          continue;
        }
        t.value = result.data;
        if (id !== null && entity !== "address" && entity !== "organization_identifier") {
          const earlier = seen.get(id);
          if (earlier && !ref) {
            reject(t, id, "id", id, `duplicate ${entity} id: ${earlier.row.at} has the same id`);
            continue;
          }
          seen.set(id, t);
        }
        (parsed[entity] as Tracked<unknown>[]).push(t);
      }
    }
  }

  // 2. each table's own rules, building clean records
  const organizations = new Map<string, Tracked<Organization>>();
  for (const t of parsed.organization) {
    const v = t.value;
    keepFirst(organizations, v.id, { ...t, value: { id: v.id, name: v.name, identifiers: [v.id], file: t.row.file } }, (dropped, kept) => {
      if (dropped.value.name !== kept.value.name)
        report(dropped, v.id, "name", v.name, `organization ${v.id} is also in ${kept.row.file} (${kept.row.at}) named "${kept.value.name}"; that name is used`, "warning");
    });
  }
  for (const t of parsed.organization_identifier) {
    const v = t.value;
    const org = v.organization_id ? organizations.get(v.organization_id) : undefined;
    if (!org) {
      reject(t, null, "organization_id", v.organization_id, `organization_id ${v.organization_id ?? "(none)"} matches no organization`);
      continue;
    }
    const scheme = v.identifier_scheme?.trim();
    const full = scheme && !v.identifier.toUpperCase().startsWith(`${scheme.toUpperCase()}-`) ? `${scheme}-${v.identifier}` : v.identifier;
    if (!org.value.identifiers.includes(full)) org.value.identifiers.push(full);
  }

  const services = new Map<string, Tracked<Service>>();
  const supersededServiceFiles = new Set<string>();
  const changes: ServiceChange[] = [];
  const children = new Map<string, number>();
  for (const read of reads)
    for (const e of ["service_at_location", "schedule", "service_area", "funding", "attribute"] as const)
      for (const row of read.tables[e]) {
        const sid = row.parent?.service_id;
        if (sid) children.set(`${sid}\u0000${read.file}`, (children.get(`${sid}\u0000${read.file}`) ?? 0) + 1);
      }
  for (const t of parsed.service) {
    const v = t.value;
    let status = (v.status ?? "").toLowerCase();
    if (status === "") {
      report(t, v.id, "status", null, "status is missing; counted as active", "warning");
      status = "active";
    } else if (!(serviceStatuses as readonly string[]).includes(status)) {
      report(t, v.id, "status", v.status, `status "${v.status}" is not one of ${serviceStatuses.join(", ")}; counted as active`, "warning");
      status = "active";
    }
    const service: Service = {
      id: v.id,
      name: v.name,
      description: v.description ?? null,
      organizationId: v.organization_id ?? null,
      status,
      url: v.url ?? null,
      attending: [v.attending_type, v.deliverable_type].filter((x): x is string => Boolean(x)),
      lastModified: v.last_modified ?? null,
      file: t.row.file,
      at: t.row.at,
    };
    const tracked = t as unknown as Tracked<Service>;
    tracked.value = service;
    const earlier = services.get(v.id);
    if (!earlier) services.set(v.id, tracked);
    else {
      // the same service twice: the more recently modified copy wins (the kit's corrections rule); with the same date,
      // a copy in a later ingested file wins, and otherwise the fuller one (more locations, schedules, terms …)
      const a = tracked;
      const newer = (service.lastModified ?? "") > (earlier.value.lastModified ?? "");
      const same = (service.lastModified ?? "") === (earlier.value.lastModified ?? "");
      // (a later copy that carries less — an API list view of the full record — is not a correction: the fuller stays)
      const richer = richness(children, v.id, t.row.file) - richness(children, v.id, earlier.row.file);
      const laterFile = same && t.row.file !== earlier.row.file && richer >= 0;
      const fuller = same && !laterFile && richer > 0;
      const [kept, dropped] = newer || laterFile || fuller ? [a, earlier] : [earlier, a];
      services.set(v.id, kept);
      const why = !same ? ", modified more recently" : laterFile ? ", ingested later" : fuller ? ", a fuller record" : "";
      report(dropped, v.id, "id", v.id, `service ${v.id} is also in ${kept.row.file} (${kept.row.at})${why}; that copy is used`, "warning");
      dropped.superseded = true;
      if (kept.row.file !== dropped.row.file) {
        const plain = ({ file: _f, at: _a, ...rest }: Service) => rest;
        changes.push({ identifier: v.id, old_json: JSON.stringify(plain(dropped.value)), new_json: JSON.stringify(plain(kept.value)), old_file: dropped.row.file, new_file: kept.row.file, rule: !same ? "later last_modified" : "later ingest" });
      }
      supersededServiceFiles.add(`${v.id}\u0000${dropped.row.file}`);
    }
  }
  /** Marks a child row of a service copy that is not used; true when it is one. */
  const superseded = (t: Tracked<unknown>, serviceId: string | undefined | null) => {
    if (serviceId == null || !supersededServiceFiles.has(`${serviceId}\u0000${t.row.file}`)) return false;
    t.superseded = true;
    return true;
  };

  const locations = new Map<string, Tracked<Location>>();
  const postcodes = new Map<string, string>();
  for (const t of parsed.address) {
    const v = t.value;
    if (v.location_id && v.postal_code && (!postcodes.has(v.location_id) || (v.address_type ?? "").toLowerCase() === "physical")) postcodes.set(v.location_id, v.postal_code);
  }
  for (const t of parsed.location) {
    const v = t.value;
    const declared = (v.location_type ?? "").toLowerCase();
    const hasLon = v.longitude !== null && v.longitude !== undefined;
    const hasLat = v.latitude !== null && v.latitude !== undefined;
    let type: LocationType;
    if (declared === "physical" || declared === "virtual" || declared === "postal") type = declared;
    else if (declared === "" && (hasLon || hasLat)) {
      report(t, v.id, "location_type", null, "location_type is missing; taken as physical because it has coordinates", "warning");
      type = "physical";
    } else {
      reject(t, v.id, "location_type", v.location_type ?? null, declared === "" ? "location_type is missing and there are no coordinates" : `location_type "${v.location_type}" is not physical, virtual or postal`);
      continue;
    }
    if (type === "physical") {
      if (!hasLon || !hasLat) {
        reject(t, v.id, hasLat ? "longitude" : "latitude", null, `a physical location needs both latitude and longitude to be placed (postcodes are not looked up for services)`);
        continue;
      }
      const outOfRange = Math.abs(v.latitude!) > 90 || Math.abs(v.longitude!) > 180;
      const looksLikeGrid = v.longitude! >= 1000 || v.latitude! >= 1000;
      const problem =
        outOfRange && !looksLikeGrid
          ? `latitude ${v.latitude} and longitude ${v.longitude} are not WGS84 degrees (latitude must be −90 to 90, longitude −180 to 180)`
          : describePointProblem(v.longitude!, v.latitude!);
      if (problem) {
        reject(t, v.id, "latitude/longitude", `${v.latitude}, ${v.longitude}`, problem);
        continue;
      }
    }
    const location: Location = {
      id: v.id,
      type,
      name: v.name ?? null,
      lon: type === "physical" ? v.longitude! : null,
      lat: type === "physical" ? v.latitude! : null,
      postcode: postcodes.get(v.id) ?? null,
      file: t.row.file,
      at: t.row.at,
    };
    keepFirst(locations, v.id, { ...t, value: location }, (dropped, kept) => {
      const differs = dropped.value.lon !== kept.value.lon || dropped.value.lat !== kept.value.lat;
      if (differs)
        report(dropped, v.id, "latitude/longitude", `${dropped.value.lat}, ${dropped.value.lon}`, `location ${v.id} is also in ${kept.row.file} at (${kept.value.lat}, ${kept.value.lon}); that copy is used`, "warning");
    });
  }

  const terms = new Map<string, Tracked<TaxonomyTerm>>();
  for (const t of parsed.taxonomy_term) {
    const v = t.value;
    const name = v.name ?? v.term ?? v.code;
    if (!name) {
      reject(t, v.id, "name", null, "name is missing (a taxonomy term needs a name, term or code to be matched)");
      continue;
    }
    keepFirst(terms, v.id, {
      ...t,
      value: { id: v.id, name, code: v.code ?? null, term: v.term ?? null, taxonomy: v.taxonomy ?? v.vocabulary ?? null, file: t.row.file, at: t.row.at },
    });
  }

  // 3. links
  const sals = new Map<string, Tracked<ServiceAtLocation>>();
  const rejectedLocations = new Set(all.filter((x) => x.entity === "location" && x.rejected).map((x) => asText(x.row.data.id)));
  for (const t of parsed.service_at_location) {
    const v = t.value;
    if (!services.has(v.service_id)) {
      reject(t, v.id ?? null, "service_id", v.service_id, `service_id ${v.service_id} matches no accepted service`);
      continue;
    }
    const loc = locations.get(v.location_id);
    if (!loc) {
      const wasRejected = rejectedLocations.has(v.location_id);
      reject(t, v.id ?? null, "location_id", v.location_id, wasRejected ? `its location ${v.location_id} was rejected (see that row)` : `location_id ${v.location_id} matches no location`);
      continue;
    }
    let id = v.id ?? null;
    if (!id) {
      id = `${v.service_id}@${v.location_id}`;
      report(t, null, "id", null, `service_at_location has no id; called ${id}`, "warning");
    }
    keepFirst(sals, id, { ...t, value: { id, serviceId: v.service_id, locationId: v.location_id, file: t.row.file } });
  }

  const serviceOfLink = (linkId: string | null | undefined): string | null => {
    if (!linkId) return null;
    if (services.has(linkId)) return linkId;
    return sals.get(linkId)?.value.serviceId ?? null;
  };
  const otherEntity = (linkId: string) => organizations.has(linkId) || locations.has(linkId) || terms.has(linkId);

  const serviceTerms: ServiceTerm[] = [];
  const needs: ServiceNeed[] = [];
  const capacity = new Map<string, number>();
  const needPairs = new Set<string>();
  for (const t of parsed.attribute) {
    const v = t.value;
    const nested = t.row.parent !== undefined && "service_id" in t.row.parent;
    const nestedService = t.row.parent?.service_id;
    const serviceId = nested ? (nestedService !== undefined && services.has(nestedService) ? nestedService : null) : serviceOfLink(v.link_id);
    if (!serviceId) {
      if (!nested && v.link_id && otherEntity(v.link_id)) continue; // describes an organisation or a location: not used
      reject(
        t,
        v.id ?? null,
        nested ? "service" : "link_id",
        nested ? nestedService ?? null : v.link_id ?? null,
        nested
          ? `its service ${nestedService ?? "(which has no id)"} was rejected`
          : `link_id ${v.link_id ?? "(none)"} matches no service or service_at_location in the directory`,
      );
      continue;
    }
    const term = terms.get(v.taxonomy_term_id);
    if (!term) {
      reject(t, v.id ?? null, "taxonomy_term_id", v.taxonomy_term_id, `unknown taxonomy term: ${v.taxonomy_term_id} matches no taxonomy term in the directory`);
      continue;
    }
    if (superseded(t, nestedService ?? serviceId)) continue;
    if (!v.id) report(t, null, "id", null, "attribute has no id", "warning");
    serviceTerms.push({ serviceId, termId: term.value.id, value: v.value ?? null, file: t.row.file, at: t.row.at });
    if (isCapacityTerm(term.value)) {
      const n = Number(v.value);
      if (Number.isFinite(n) && n > 0) capacity.set(serviceId, Math.max(capacity.get(serviceId) ?? 0, n));
      else report(t, v.id ?? null, "value", v.value, `capacity term with value "${v.value ?? ""}", which is not a positive number; ignored`, "warning");
      continue;
    }
    const found = crosswalk.needsOf(term.value);
    if (!found.length) {
      report(
        t,
        v.id ?? null,
        "taxonomy_term",
        term.value.name,
        `unknown taxonomy term "${term.value.name}"${term.value.taxonomy ? ` (taxonomy "${term.value.taxonomy}")` : ""}: not in the crosswalk, so it gives service ${serviceId} no need category`,
        "warning",
      );
      continue;
    }
    for (const need of found) {
      const key = `${serviceId}\u0000${need}`;
      if (needPairs.has(key)) continue;
      needPairs.add(key);
      needs.push({ serviceId, need, termId: term.value.id });
    }
  }

  const schedules: Schedule[] = [];
  const scheduleIds = new Set<string>();
  for (const t of parsed.schedule) {
    const v = t.value;
    const serviceId = serviceOfLink(v.service_id) ?? serviceOfLink(v.service_at_location_id);
    if (!serviceId) {
      if (!v.service_id && !v.service_at_location_id && v.location_id) continue; // a venue's opening hours, not a service's sessions
      const field = v.service_id ? "service_id" : "service_at_location_id";
      reject(t, v.id ?? null, field, v.service_id ?? v.service_at_location_id ?? null, `${field} ${v.service_id ?? v.service_at_location_id ?? "(none)"} matches no accepted service`);
      continue;
    }
    if (superseded(t, t.row.parent?.service_id ?? serviceId)) continue;
    const id = v.id ?? `${serviceId}#schedule${schedules.length + 1}`;
    if (!v.id) report(t, null, "id", null, `schedule has no id; called ${id}`, "warning");
    if (scheduleIds.has(id)) continue;
    scheduleIds.add(id);
    const freq = v.freq ? v.freq.toUpperCase() : null;
    if (freq && !["WEEKLY", "MONTHLY", "DAILY", "YEARLY"].includes(freq))
      report(t, id, "freq", v.freq, `freq "${v.freq}" is not WEEKLY, MONTHLY, DAILY or YEARLY: sessions per week unknown`, "warning");
    const interval = v.interval ?? null;
    if (interval !== null && !(Number.isInteger(interval) && interval >= 1))
      report(t, id, "interval", interval, "interval must be a whole number of 1 or more: sessions per week unknown", "warning");
    const bad = parseByday(v.byday).invalid;
    if (bad.length) report(t, id, "byday", v.byday, `byday has ${bad.map((b) => `"${b}"`).join(", ")}, not days such as MO or 1TU; those are not counted`, "warning");
    if (v.attending_type) services.get(serviceId)!.value.attending.push(v.attending_type);
    schedules.push({
      id,
      serviceId,
      freq,
      interval,
      byday: v.byday ?? null,
      bymonthday: v.bymonthday ?? null,
      weekday: v.weekday ?? null,
      attendingType: v.attending_type ?? null,
      file: t.row.file,
      at: t.row.at,
    });
  }

  const serviceAreas: ServiceArea[] = [];
  for (const t of parsed.service_area) {
    const v = t.value;
    if (!v.service_id || !services.has(v.service_id)) {
      reject(t, v.id ?? null, "service_id", v.service_id ?? null, `service_id ${v.service_id ?? "(none)"} matches no accepted service`);
      continue;
    }
    if (superseded(t, v.service_id)) continue;
    const id = v.id ?? `${v.service_id}#area${serviceAreas.length + 1}`;
    if (!v.id) report(t, null, "id", null, `service_area has no id; called ${id}`, "warning");
    const extent = v.extent === undefined || v.extent === null ? null : typeof v.extent === "string" ? v.extent : JSON.stringify(v.extent);
    serviceAreas.push({
      id,
      serviceId: v.service_id,
      text: [...new Set([v.name, v.service_area, v.description].filter(Boolean))].join(" | "),
      extent,
      extentType: v.extent_type ?? null,
      uri: v.uri ?? null,
      file: t.row.file,
      at: t.row.at,
    });
  }

  const funding: Funding[] = [];
  for (const t of parsed.funding) {
    const v = t.value;
    const serviceId = v.service_id && services.has(v.service_id) ? v.service_id : null;
    const orgId = v.organization_id && organizations.has(v.organization_id) ? v.organization_id : null;
    if (!serviceId && !orgId) {
      reject(t, v.id ?? null, v.service_id ? "service_id" : "organization_id", v.service_id ?? v.organization_id ?? null, "links to no accepted service or organization");
      continue;
    }
    if (superseded(t, serviceId)) continue;
    if (!v.id) report(t, null, "id", null, "funding has no id", "warning");
    funding.push({ id: v.id ?? `${serviceId ?? orgId}#funding${funding.length + 1}`, serviceId, organizationId: serviceId ? null : orgId, source: v.source, file: t.row.file });
  }

  // 4. what the links say about services
  const hasNeed = new Set(needs.map((n) => n.serviceId));
  for (const t of services.values()) {
    const s = t.value;
    if (s.organizationId && !organizations.has(s.organizationId))
      report(t, s.id, "organization_id", s.organizationId, `organization ${s.organizationId} is not in the directory (or was rejected); the service is kept without it`, "warning");
    if (!hasNeed.has(s.id)) report(t, s.id, "attributes", null, "no taxonomy term maps to a need category: counted under all needs only", "warning");
  }

  const counts = countByFile(reads, all);
  const values = <T>(m: Map<string, Tracked<T>>) => [...m.values()].map((t) => t.value);
  return {
    directory: {
      organizations: values(organizations),
      services: values(services),
      locations: values(locations),
      serviceAtLocations: values(sals),
      terms: values(terms),
      serviceTerms,
      schedules,
      serviceAreas,
      funding,
    },
    issues,
    counts,
    needs,
    capacity,
    changes,
  };
}

function richness(children: Map<string, number>, id: string, file: string): number {
  return children.get(`${id}\u0000${file}`) ?? 0;
}

function keepFirst<T>(map: Map<string, Tracked<T>>, id: string, t: Tracked<T>, onDuplicate?: (dropped: Tracked<T>, kept: Tracked<T>) => void): void {
  const kept = map.get(id);
  if (!kept) map.set(id, t);
  else onDuplicate?.(t, kept);
}

function stripUndefined(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
}

function countByFile(reads: ReadDirectory[], all: Tracked<unknown>[]): FileCount[] {
  const tally = new Map<string, { read: number; rejected: number; superseded: number }>();
  for (const t of all) {
    const key = `${t.row.file}\u0000${t.entity}`;
    const c = tally.get(key) ?? { read: 0, rejected: 0, superseded: 0 };
    c.read++;
    if (t.rejected) c.rejected++;
    else if (t.superseded) c.superseded++;
    tally.set(key, c);
  }
  const counts: FileCount[] = [];
  for (const read of reads) {
    for (const entity of entities) {
      const c = tally.get(`${read.file}\u0000${entity}`);
      if (!c) continue;
      counts.push({ file: read.file, format: read.format, entity, read: c.read, accepted: c.read - c.rejected, rejected: c.rejected, superseded: c.superseded });
    }
  }
  return counts;
}
