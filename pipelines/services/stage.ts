// The services input stage: read every registered directory file, validate, locate, compute reach, and build the provision measures per LSOA and need — rebuilt from scratch each run, so re-ingesting changes nothing.
import type { Db } from "../db/connection.ts";
import { InputError } from "../errors.ts";
import { asInputFiles, type InputContext, type InputFile, type KindStage } from "../kit/kind.ts";
import { recordIssues } from "../kit/issues.ts";
import { recordChanges } from "../kit/changes.ts";
import type { IngestResult } from "../kit/result.ts";
import { appendRows, createTable } from "../kit/table.ts";
import { ALL_NEEDS, NEED_CATEGORIES, isNeedKey } from "../../src/lib/needs.ts";
import { buildCrosswalk, DEFAULT_CROSSWALK, type CrosswalkRule } from "./crosswalk.ts";
import { sessionsPerWeek } from "./schedule.ts";
import { lsoaLocator, locatePoints, reachPairs } from "./locate.ts";
import type { Issue, ReadDirectory } from "./model.ts";
import { readDirectoryFile } from "./read.ts";
import { areaResolver, type AreaLsoa } from "./service-areas.ts";
import { dropServiceTables, writeTable } from "./tables.ts";
import { validateDirectories } from "./validate.ts";
import { buildFundingAndProvision } from "./provision-sql.ts";

/** Words in an attending type or a delivery channel that mean the service reaches people where they are. */
export const REMOTE_WORDS = /\b(online|remote|remotely|phone|telephone|video|virtual|zoom|teams|home visits?|at home|in your home|outreach|helpline)\b/i;

/** Demo and other synthetic files are recognised by their name. */
export const isSyntheticFile = (label: string) => /^demo-/i.test(label);

export const REJECTS_FILE = "services-rejects.csv";

/** The input context; when `rawDir` holds the fetched LSOA boundaries, points are located on them (else on the database's simplified ones). */
export type ServicesContext = InputContext;

/** The stage `chest ingest services` and `chest build` run over every registered services file. */
export function servicesStage(files: readonly (string | InputFile)[], ctx: ServicesContext): KindStage {
  return { name: `services: ${files.length} directory file(s)`, run: (db) => buildServices(db, files, ctx) };
}

/** Labels for files: the name the user gave, made unique when two registered files share it. */
function labels(files: InputFile[]): string[] {
  const seen = new Map<string, number>();
  return files.map((f) => {
    const name = f.name;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name} (${n})`;
  });
}

export async function buildServices(db: Db, given: readonly (string | InputFile)[], ctx: ServicesContext): Promise<IngestResult> {
  const files = asInputFiles("services", given).sort((a, b) => a.seq - b.seq);
  const { log } = ctx;
  const timings: [string, number][] = [];
  let last = performance.now();
  const lap = (step: string) => {
    const now = performance.now();
    timings.push([step, now - last]);
    last = now;
  };
  await dropServiceTables(db);

  // 1. read (a file that cannot be read at all stops the stage: the database is left as it was)
  const names = labels(files);
  const reads: ReadDirectory[] = files.map((f, i) => readDirectoryFile(f.path, names[i]));

  // 2. the crosswalk: defaults, then crosswalk files in order; the place's need synonyms
  const rules: CrosswalkRule[] = [...DEFAULT_CROSSWALK];
  for (const r of reads) {
    for (const [i, rule] of (r.crosswalk ?? []).entries()) {
      if (!isNeedKey(rule.need))
        throw new InputError(r.file, `crosswalk rule ${i + 1}: "${rule.need}" is not a need category (use one of ${NEED_CATEGORIES.map((c) => c.key).join(", ")})`);
      rules.push({ ...rule, source: r.file });
    }
  }
  const needSynonyms = (ctx.place as { needSynonyms?: Record<string, string> }).needSynonyms ?? {};
  const crosswalk = buildCrosswalk(rules, needSynonyms);
  const directories = reads.filter((r) => !r.crosswalk);
  lap("read");

  // 3. validate and link
  const v = validateDirectories(directories, crosswalk);
  const { directory: d, issues } = v;
  lap("validate");

  // 4. geography: the place's LSOAs, their centroids, the walking distance
  const lsoas = await db.all<AreaLsoa & { population: number }>(
    `SELECT lsoa21cd, msoa21cd, ward_code, lad_code, lad_name, icb_code, centroid_lon::DOUBLE AS centroid_lon, centroid_lat::DOUBLE AS centroid_lat, population::INTEGER AS population FROM lsoa ORDER BY lsoa21cd`,
  );
  const walkRow = await db.all<{ value: string }>(`SELECT value FROM meta WHERE key = 'walk_metres'`);
  const walkMetres = Number(walkRow[0]?.value ?? ctx.place.reach.walkMetres);
  const locationsById = new Map(d.locations.map((l) => [l.id, l]));
  const placed = d.locations.filter((l) => l.type === "physical" && l.lon !== null && l.lat !== null).map((l) => ({ id: l.id, lon: l.lon!, lat: l.lat! }));
  const locator = placed.length ? await lsoaLocator(db, ctx.rawDir, log) : null;
  const lsoaOf = locator ? locatePoints(placed, locator.index) : new Map<string, string | null>();
  const centroids = lsoas.map((l) => ({ code: l.lsoa21cd, lon: l.centroid_lon, lat: l.centroid_lat }));
  const pairs = reachPairs(placed, centroids, walkMetres);
  const reaching = new Set(pairs.map((p) => p.id));
  lap("locate and reach");

  // 5. per service: venue, remote delivery, service areas, sessions, capacity
  const salsByService = groupBy(d.serviceAtLocations, (s) => s.serviceId);
  const schedulesByService = groupBy(d.schedules, (s) => s.serviceId);
  const areasByService = groupBy(d.serviceAreas, (a) => a.serviceId);
  const resolver = areaResolver(lsoas, ctx.place.name);
  const areaRows: Record<string, string | number | null>[] = [];
  const areaLsoaRows: { service_id: string; lsoa21cd: string }[] = [];
  const serviceRows = d.services.map((s) => {
    const sals = salsByService.get(s.id) ?? [];
    const hasVenue = sals.some((x) => locationsById.get(x.locationId)?.type === "physical");
    const remote = sals.some((x) => locationsById.get(x.locationId)?.type === "virtual") || s.attending.some((t) => REMOTE_WORDS.test(t));
    const areas = areasByService.get(s.id) ?? [];
    const covered = new Set<string>();
    for (const a of areas) {
      const r = resolver.resolve(a);
      areaRows.push({ area_id: a.id, service_id: s.id, description: a.text || a.uri || a.extent, method: r.method, lsoas: r.lsoas.length, unresolved_reason: r.reason });
      r.lsoas.forEach((c) => covered.add(c));
      if (r.reason) issues.push(issue(a.file, a.at, "service_area", a.id, "service_area", a.text || a.uri, `service area not matched: ${r.reason}`));
    }
    const active = s.status === "active";
    let areaReach = false;
    if (remote || !hasVenue) {
      if (covered.size) areaReach = true;
      else if (remote && areas.length === 0) {
        // online or by phone with no service area: available to everyone in the place
        lsoas.forEach((l) => covered.add(l.lsoa21cd));
        areaReach = true;
        issues.push(issue(s.file, s.at, "service", s.id, "service_areas", null, "delivered remotely with no service area: taken as reaching everyone in the place"));
      } else if (!hasVenue && active) {
        issues.push(issue(s.file, s.at, "service", s.id, "service_at_locations", null, "no placed location and no service area in the place: it reaches no one here"));
      }
    }
    // Venues placed, but all beyond walking distance of the place (another town, a typo in the coordinates): said, as for no venue.
    const venues = sals.map((x) => locationsById.get(x.locationId)).filter((l) => l?.type === "physical" && l.lon !== null && l.lat !== null);
    if (active && !remote && venues.length && covered.size === 0 && !venues.some((l) => reaching.has(l!.id)))
      issues.push(
        issue(s.file, s.at, "service", s.id, "service_at_locations", venues.map((l) => `${l!.lat}, ${l!.lon}`).join("; "),
          `its venue${venues.length > 1 ? "s are" : " is"} more than ${walkMetres.toLocaleString("en-GB")} m from the centre of every neighbourhood (LSOA) in the place and it has no service area here: it reaches no one here`),
      );
    if (areaReach) for (const c of [...covered].sort()) areaLsoaRows.push({ service_id: s.id, lsoa21cd: c });
    const sessions = (schedulesByService.get(s.id) ?? []).map((x) => sessionsPerWeek(x)).filter((n): n is number => n !== null);
    const sessionsPerWeekTotal = sessions.length ? sessions.reduce((a, b) => a + b, 0) : null;
    const capacity = v.capacity.get(s.id) ?? null;
    return {
      service_id: s.id,
      name: s.name,
      description: s.description,
      organization_id: s.organizationId,
      status: s.status,
      active,
      url: s.url,
      remote,
      has_venue: hasVenue,
      area_reach: areaReach,
      sessions_per_week: sessionsPerWeekTotal,
      capacity_per_session: capacity,
      places_per_week: capacity !== null && sessionsPerWeekTotal !== null ? capacity * sessionsPerWeekTotal : null,
      source_file: s.file,
      source_row: s.at,
      synthetic: isSyntheticFile(s.file),
    };
  });

  // 6. write the tables
  await writeTable(db, "services_file_count", v.counts.map((c) => ({ file: c.file, format: c.format, record_type: c.entity, read: c.read, accepted: c.accepted, rejected: c.rejected, superseded: c.superseded })));
  await writeTable(db, "service_crosswalk", rules.flatMap((r) => r.terms.map((term) => ({ need: r.need, taxonomy: r.taxonomy ?? null, term, source: r.source ?? "default" }))));
  await writeTable(db, "service_organization", d.organizations.map((o) => ({ organization_id: o.id, name: o.name, source_file: o.file })));
  await writeTable(db, "service_organization_identifier", d.organizations.flatMap((o) => o.identifiers.map((identifier) => ({ organization_id: o.id, identifier }))));
  await writeTable(db, "service", serviceRows);
  await writeTable(
    db,
    "service_location",
    d.serviceAtLocations.flatMap((x) => {
      const l = locationsById.get(x.locationId)!;
      if (l.type === "postal") return [];
      return [{ service_id: x.serviceId, location_id: l.id, service_at_location_id: x.id, location_name: l.name, location_type: l.type, lon: l.lon, lat: l.lat, postcode: l.postcode, lsoa21cd: lsoaOf.get(l.id) ?? null }];
    }),
  );
  await writeTable(db, "location_reach", pairs.map((p) => ({ location_id: p.id, lsoa21cd: p.code, metres: Math.round(p.metres * 10) / 10 })));
  const termsById = new Map(d.terms.map((t) => [t.id, t]));
  await writeTable(db, "service_term", d.serviceTerms.map((t) => ({ service_id: t.serviceId, term_id: t.termId, taxonomy: termsById.get(t.termId)?.taxonomy ?? null, term: termsById.get(t.termId)?.name ?? null, value: t.value })));
  await writeTable(db, "service_need", v.needs.map((n) => ({ service_id: n.serviceId, need: n.need, term_id: n.termId })));
  await writeTable(db, "service_schedule", d.schedules.map((s) => ({ schedule_id: s.id, service_id: s.serviceId, freq: s.freq, interval: s.interval, byday: s.byday, bymonthday: s.bymonthday, sessions_per_week: sessionsPerWeek(s) })));
  await writeTable(db, "service_area", areaRows);
  await writeTable(db, "service_area_lsoa", areaLsoaRows);
  await writeTable(db, "service_funding_record", d.funding.map((f) => ({ funding_id: f.id, service_id: f.serviceId, organization_id: f.organizationId, source: f.source })));
  await writeTable(db, "services_rejects", issues.map((i) => ({ file: i.file, row: i.at, record_type: i.entity, record_id: i.recordId, field: i.field, value: i.value, reason: i.reason, severity: i.severity })));
  await writeTable(db, "services_meta", [
    { key: "walk_metres", value: String(walkMetres) },
    { key: "boundaries", value: locator?.source ?? "(no locations to place)" },
    { key: "files", value: String(directories.length) },
    { key: "crosswalk_files", value: String(reads.length - directories.length) },
    { key: "synthetic", value: String(serviceRows.some((s) => s.synthetic)) },
  ]);

  lap("write tables");
  // 7. funding links, reach and provision, in SQL
  const rounds = ((ctx.place as { rounds?: { programme?: string }[] }).rounds ?? []).map((r) => r.programme).filter((p): p is string => Boolean(p));
  await buildFundingAndProvision(db, { needs: [...NEED_CATEGORIES.map((c) => c.key), ALL_NEEDS], programmes: rounds, log });
  lap("provision SQL");

  // 8. the rejects and changes reports, and the result
  const report = await recordIssues(
    db,
    "services",
    `SELECT file, "row", field AS "column", value, reason, severity, record_type, record_id FROM services_rejects`,
    ctx.reportsDir,
    ["record_type", "record_id"],
  );
  await createTable(db, { name: "services_change_pairs", columns: changePairColumns });
  await appendRows(db, { name: "services_change_pairs", columns: changePairColumns }, v.changes);
  const changes = await recordChanges(db, "services", `SELECT identifier, old_json::JSON AS old_json, new_json::JSON AS new_json, old_file, new_file, rule FROM services_change_pairs`, ctx.reportsDir);
  await db.run(`DROP TABLE services_change_pairs`);
  // Records rejected, not error rows: one record can fail on more than one field (latitude and longitude both text).
  const errors = v.counts.reduce((a, c) => a + c.rejected, 0);
  const [{ n, active, placedIn }] = await db.all<{ n: number; active: number; placedIn: number }>(
    `SELECT (SELECT count(*) FROM service)::INTEGER AS n, (SELECT count(*) FROM service WHERE active)::INTEGER AS active,
            (SELECT count(DISTINCT location_id) FROM service_location WHERE lsoa21cd IS NOT NULL)::INTEGER AS "placedIn"`,
  );
  log.progress(
    `services: ${n.toLocaleString("en-GB")} services (${active.toLocaleString("en-GB")} active) from ${directories.length} file(s); ` +
      `${placed.length.toLocaleString("en-GB")} venues placed, ${placedIn.toLocaleString("en-GB")} inside the place; ` +
      `${errors.toLocaleString("en-GB")} records rejected and ${report.warnings.toLocaleString("en-GB")} warnings${issues.length ? ` (see ${report.report})` : ""}`,
  );
  log.progress(`services: ${timings.map(([step, ms]) => `${step} ${(ms / 1000).toFixed(1)} s`).join(", ")}`);
  if (errors) log.warn(`services: ${errors.toLocaleString("en-GB")} record(s) rejected — reasons in ${report.report} and the services_rejects table`);
  const byFile = new Map<string, { read: number; accepted: number; rejected: number }>();
  for (const c of v.counts) {
    const f = byFile.get(c.file) ?? { read: 0, accepted: 0, rejected: 0 };
    f.read += c.read;
    f.accepted += c.accepted;
    f.rejected += c.rejected;
    byFile.set(c.file, f);
  }
  const warningsOf = (file: string) => issues.filter((i) => i.file === file && i.severity === "warning").length;
  const fileResults = names.map((file) => ({ file, rowsRead: byFile.get(file)?.read ?? 0, accepted: byFile.get(file)?.accepted ?? 0, rejected: byFile.get(file)?.rejected ?? 0, warnings: warningsOf(file) }));
  const outside = placed.length - placedIn;
  return {
    kind: "services",
    files: fileResults,
    rowsRead: fileResults.reduce((a, f) => a + f.rowsRead, 0),
    accepted: fileResults.reduce((a, f) => a + f.accepted, 0),
    rejected: fileResults.reduce((a, f) => a + f.rejected, 0),
    warnings: report.warnings,
    warningsByReason: report.byReason,
    placed: [
      { method: "venue in an LSOA of the place", count: placedIn },
      { method: "venue outside the place", count: outside },
    ],
    notices:
      placed.length > 0 && outside / placed.length > 0.5
        ? [{ key: "outside-place", message: `${outside.toLocaleString("en-GB")} of ${placed.length.toLocaleString("en-GB")} venues lie outside ${ctx.place.name}`, count: outside, share: outside / placed.length, fix: "check --place names the place this directory covers" }]
        : [],
    changes: { records: changes.records, fields: changes.fields, report: changes.records ? changes.report : null },
    reports: [report.report],
  };
}

const changePairColumns = [["identifier", "VARCHAR"], ["old_json", "VARCHAR"], ["new_json", "VARCHAR"], ["old_file", "VARCHAR"], ["new_file", "VARCHAR"], ["rule", "VARCHAR"]] as const;

function issue(file: string, at: string, entity: Issue["entity"], recordId: string | null, field: string | null, value: string | null, reason: string): Issue {
  return { file, at, entity, recordId, field, value, reason, severity: "warning" };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
