// What the Provision page receives: provision per LSOA and need, the activities as points, and a summary (counts, data quality, the crosswalk) — directory data only, no personal data.
import { ALL_NEEDS, NEED_CATEGORIES, needLabel } from "../../src/lib/needs.ts";
import type { Db } from "../db/connection.ts";
import { SYNTHETIC_LABEL } from "../demo/generators.ts";
import { hasTable } from "../db/catalog.ts";
import { queryToArrow } from "./arrow.ts";

/** True when the services stage has run on this database (its tables exist, possibly empty). */
export async function hasServices(db: Db): Promise<boolean> {
  return (await hasTable(db, "provision")) && (await hasTable(db, "service"));
}

const emptyProvision = `SELECT NULL::VARCHAR AS code, NULL::VARCHAR AS need WHERE false`;

/**
 * One row per LSOA and need (the categories with at least one service, and "all"): services reaching (on foot /
 * remote only), chest-funded, located, nearest venue, sessions and places per week per 1,000 residents, with the
 * LSOA's names, population and IMD 2025 decile.
 */
export async function provisionByLsoa(db: Db): Promise<Buffer> {
  if (!(await hasServices(db))) return queryToArrow(db, emptyProvision);
  return queryToArrow(
    db,
    `SELECT p.lsoa21cd AS code, l.lsoa21nm AS name, l.msoa_name, l.lad_name, p.population::INTEGER AS population, d.imd_decile::INTEGER AS imd_decile,
            p.need, p.services_reaching, p.services_in_person, p.services_remote_only, p.funded_reaching, p.services_located,
            p.nearest_metres::DOUBLE AS nearest_metres, p.sessions_per_week_per_1000::DOUBLE AS sessions_per_week_per_1000,
            p.places_per_week_per_1000::DOUBLE AS places_per_week_per_1000
     FROM provision p JOIN lsoa l USING (lsoa21cd) LEFT JOIN iod2025 d USING (lsoa21cd)
     WHERE p.need = 'all' OR p.need IN (SELECT need FROM service_need)
     ORDER BY p.need, p.lsoa21cd`,
  );
}

/**
 * Active services: one row per venue (in person) and one per remote service (no coordinates), with the needs they
 * count under ("|loneliness|food|"), chest funding, sessions a week and the LSOA and borough of the venue.
 */
export async function provisionServices(db: Db): Promise<Buffer> {
  if (!(await hasServices(db))) return queryToArrow(db, `SELECT NULL::VARCHAR AS service_id WHERE false`);
  return queryToArrow(
    db,
    `WITH needs AS (
       SELECT service_id, '|' || string_agg(need, '|' ORDER BY need) || '|' AS needs FROM (SELECT DISTINCT service_id, need FROM service_need) GROUP BY service_id
     ), venues AS (
       SELECT DISTINCT service_id, location_id, location_name, lon, lat, lsoa21cd FROM service_location WHERE location_type = 'physical'
     ), rows AS (
       SELECT s.service_id, v.location_id, v.location_name, 'in person' AS mode, v.lon, v.lat, v.lsoa21cd FROM service s JOIN venues v USING (service_id) WHERE s.active
       UNION ALL
       SELECT s.service_id, NULL, NULL, 'remote or area-wide', NULL, NULL, NULL FROM service s WHERE s.active AND s.area_reach
     )
     SELECT r.service_id, s.name, o.name AS organisation, coalesce(n.needs, '|') AS needs, r.mode, r.location_id, r.location_name,
            r.lon::DOUBLE AS lon, r.lat::DOUBLE AS lat, r.lsoa21cd, l.lad_name,
            s.funded_by_chest, s.sessions_per_week::DOUBLE AS sessions_per_week, s.places_per_week::DOUBLE AS places_per_week,
            (SELECT count(*) FROM service_reach x WHERE x.service_id = r.service_id)::INTEGER AS lsoas_reached,
            s.synthetic
     FROM rows r JOIN service s USING (service_id)
     LEFT JOIN service_organization o ON o.organization_id = s.organization_id
     LEFT JOIN needs n USING (service_id)
     LEFT JOIN lsoa l ON l.lsoa21cd = r.lsoa21cd
     ORDER BY r.service_id, r.mode, r.location_id`,
  );
}

interface Count {
  n: number;
}

/** Totals, the walking distance, data quality (rejects by reason), per-file counts, the need list and the crosswalk size. */
export async function provisionSummary(db: Db): Promise<string> {
  const placeName = (await db.all<{ value: string }>(`SELECT value FROM meta WHERE key = 'place_name'`))[0]?.value ?? "";
  if (!(await hasServices(db))) {
    return JSON.stringify({ loaded: false, place: placeName, synthetic: false, syntheticLabel: SYNTHETIC_LABEL, needs: [], totals: null, files: [], quality: [] });
  }
  const meta = Object.fromEntries((await db.all<{ key: string; value: string }>(`SELECT key, value FROM services_meta ORDER BY key`)).map((r) => [r.key, r.value]));
  const [totals] = await db.all(`
    SELECT (SELECT count(*) FROM service)::INTEGER AS services,
           (SELECT count(*) FROM service WHERE active)::INTEGER AS active,
           (SELECT count(*) FROM service WHERE active AND funded_by_chest)::INTEGER AS funded,
           (SELECT count(*) FROM service WHERE active AND area_reach)::INTEGER AS remote,
           (SELECT count(DISTINCT location_id) FROM service_location sl JOIN service s USING (service_id) WHERE s.active AND sl.location_type = 'physical')::INTEGER AS venues,
           (SELECT count(DISTINCT location_id) FROM service_location sl JOIN service s USING (service_id) WHERE s.active AND sl.lsoa21cd IS NOT NULL)::INTEGER AS venues_in_place,
           (SELECT count(*) FROM service_organization)::INTEGER AS organisations,
           (SELECT count(*) FROM lsoa)::INTEGER AS lsoas,
           (SELECT sum(population) FROM lsoa)::INTEGER AS population,
           (SELECT count(*) FROM provision WHERE need = 'all' AND services_in_person = 0)::INTEGER AS lsoas_none_in_person,
           (SELECT coalesce(sum(population), 0) FROM provision WHERE need = 'all' AND services_in_person = 0)::INTEGER AS population_none_in_person,
           (SELECT count(*) FROM provision WHERE need = 'all' AND services_reaching = 0)::INTEGER AS lsoas_none`);
  const needs = await db.all<{ need: string; services: number }>(
    `SELECT need, count(DISTINCT service_id)::INTEGER AS services FROM service_need JOIN service USING (service_id) WHERE active GROUP BY need ORDER BY need`,
  );
  const counted = new Map(needs.map((r) => [r.need, r.services]));
  const needList = [
    { key: ALL_NEEDS, label: needLabel(ALL_NEEDS), services: (totals as { active: number }).active },
    ...NEED_CATEGORIES.filter((c) => counted.has(c.key)).map((c) => ({ key: c.key, label: c.label, services: counted.get(c.key)! })),
  ];
  const files = await db.all(`
    SELECT file, any_value(format) AS format,
           sum(read) FILTER (WHERE record_type = 'service')::INTEGER AS services_read,
           sum(accepted) FILTER (WHERE record_type = 'service')::INTEGER AS services_accepted,
           sum(rejected)::INTEGER AS records_rejected
    FROM services_file_count GROUP BY file ORDER BY file`);
  const quality = await db.all(`
    SELECT severity, record_type, regexp_replace(reason, '"[^"]*"|\\b[0-9a-f-]{8,}\\b|[0-9]+(\\.[0-9]+)?', '…', 'g') AS kind, count(*)::INTEGER AS n
    FROM services_rejects GROUP BY ALL ORDER BY severity, n DESC, kind LIMIT 20`);
  const [{ n: crosswalkTerms }] = await db.all<Count>(`SELECT count(*)::INTEGER AS n FROM service_crosswalk`);
  const [{ n: rejects }] = await db.all<Count>(`SELECT count(*)::INTEGER AS n FROM services_rejects WHERE severity = 'error'`);
  const [{ n: warnings }] = await db.all<Count>(`SELECT count(*)::INTEGER AS n FROM services_rejects WHERE severity = 'warning'`);
  return JSON.stringify({
    loaded: true,
    place: placeName,
    synthetic: meta.synthetic === "true",
    syntheticLabel: SYNTHETIC_LABEL,
    walkMetres: Number(meta.walk_metres),
    boundaries: meta.boundaries,
    totals,
    needs: needList,
    files,
    quality,
    rejects,
    warnings,
    crosswalkTerms,
  });
}
