// Set-based SQL for the services stage: which services the chest funds (grant ids, recipient organisations, round programmes), which LSOAs each service reaches, and the provision measures per LSOA and need.
import type { Db } from "../db/connection.ts";
import { ident } from "../db/sql.ts";
import type { Logger } from "../log.ts";

export interface GrantsLink {
  table: string;
  grantId: string;
  recipientId: string | null;
}

const GRANT_TABLES = ["grants", "grant", "grant_ledger"];
const GRANT_ID_COLUMNS = ["grant_id", "id", "identifier"];
const RECIPIENT_COLUMNS = ["recipient_org_id", "recipient_organization_id", "recipient_org_identifier", "recipient_id"];

/** The grants table issue 3 builds, found by name, with its grant id and recipient organisation id columns; null when grants were never ingested. */
export async function findGrantsTable(db: Db): Promise<GrantsLink | null> {
  const rows = await db.all<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_name IN (SELECT unnest($tables::VARCHAR[])) ORDER BY table_name, ordinal_position`,
    { tables: GRANT_TABLES },
  );
  for (const table of GRANT_TABLES) {
    const columns = rows.filter((r) => r.table_name === table).map((r) => r.column_name);
    const grantId = GRANT_ID_COLUMNS.find((c) => columns.includes(c));
    if (!grantId) continue;
    return { table, grantId, recipientId: RECIPIENT_COLUMNS.find((c) => columns.includes(c)) ?? null };
  }
  return null;
}

export interface ProvisionOptions {
  /** Need keys to give every LSOA a row for (the categories plus "all"). */
  needs: string[];
  /** The place's funding round programme codes or titles (issue 3): a funding record naming one means chest money. */
  programmes: string[];
  log: Logger;
}

export async function buildFundingAndProvision(db: Db, options: ProvisionOptions): Promise<void> {
  const grants = await findGrantsTable(db);
  // funding records apply to their service, or to every service of their organisation
  const parts: string[] = [];
  if (grants) {
    const g = ident(grants.table);
    parts.push(`SELECT DISTINCT t.service_id, 'grant id in a funding record' AS method, g.${ident(grants.grantId)}::VARCHAR AS reference
                FROM funding_tokens t JOIN ${g} g ON g.${ident(grants.grantId)}::VARCHAR = t.token`);
    if (grants.recipientId)
      parts.push(`SELECT DISTINCT s.service_id, 'run by an organisation the chest gave a grant' AS method, g.${ident(grants.grantId)}::VARCHAR AS reference
                  FROM service s JOIN service_organization_identifier oi ON oi.organization_id = s.organization_id
                  JOIN ${g} g ON g.${ident(grants.recipientId)}::VARCHAR = oi.identifier`);
  }
  parts.push(`SELECT DISTINCT f.service_id, 'funding record names a chest round' AS method, p.programme AS reference
              FROM funding_text f JOIN (SELECT unnest($programmes::VARCHAR[]) AS programme) p
              ON length(p.programme) > 0 AND contains(lower(f.source), lower(p.programme))`);
  await db.run(`
    CREATE TEMP TABLE funding_text AS
    SELECT coalesce(f.service_id, s.service_id) AS service_id, f.source
    FROM service_funding_record f LEFT JOIN service s ON f.service_id IS NULL AND s.organization_id = f.organization_id
    WHERE coalesce(f.service_id, s.service_id) IS NOT NULL`);
  await db.run(`
    CREATE TEMP TABLE funding_tokens AS
    SELECT DISTINCT service_id, unnest(regexp_extract_all(source, '[A-Za-z0-9][A-Za-z0-9_./:-]*[A-Za-z0-9]')) AS token FROM funding_text`);
  await db.run(`CREATE TABLE service_funding AS SELECT * FROM (${parts.join(" UNION ")}) ORDER BY service_id, method, reference`, {
    programmes: options.programmes.length ? options.programmes : [""],
  });
  await db.run(`DROP TABLE funding_text`);
  await db.run(`DROP TABLE funding_tokens`);
  await db.run(`ALTER TABLE service ADD COLUMN funded_by_chest BOOLEAN`);
  await db.run(`UPDATE service SET funded_by_chest = service_id IN (SELECT service_id FROM service_funding)`);
  if (!grants) options.log.progress("services: no grants table yet, so only funding records naming a chest round mark a service as chest-funded");

  // reach: on foot from any placed venue of an active service; or its whole service area when delivered remotely / area-wide
  await db.run(`
    CREATE TABLE service_reach AS
    WITH walk AS (
      SELECT r.lsoa21cd, sl.service_id, min(r.metres) AS metres, arg_min(sl.location_id, r.metres) AS location_id
      FROM location_reach r
      JOIN (SELECT DISTINCT service_id, location_id FROM service_location WHERE location_type = 'physical') sl USING (location_id)
      JOIN service s USING (service_id)
      WHERE s.active
      GROUP BY r.lsoa21cd, sl.service_id
    ), area AS (
      SELECT DISTINCT a.lsoa21cd, a.service_id FROM service_area_lsoa a JOIN service s USING (service_id) WHERE s.active AND s.area_reach
    )
    SELECT coalesce(w.lsoa21cd, a.lsoa21cd) AS lsoa21cd,
           coalesce(w.service_id, a.service_id) AS service_id,
           CASE WHEN w.service_id IS NOT NULL THEN 'walk' ELSE 'area' END AS mode,
           w.metres,
           w.location_id
    FROM walk w FULL JOIN area a ON a.lsoa21cd = w.lsoa21cd AND a.service_id = w.service_id
    ORDER BY lsoa21cd, service_id`);

  // provision per LSOA and need; sessions and places per 1,000 by the two-step floating catchment method
  await db.run(
    `
    CREATE TABLE provision AS
    WITH needs AS (SELECT unnest($needs::VARCHAR[]) AS need),
    service_needs AS (
      SELECT DISTINCT service_id, need FROM service_need
      UNION ALL SELECT service_id, 'all' FROM service
    ),
    catchment AS (
      SELECT r.service_id, sum(l.population)::DOUBLE AS population
      FROM service_reach r JOIN lsoa l USING (lsoa21cd) GROUP BY r.service_id
    ),
    ratio AS (
      SELECT s.service_id, s.sessions_per_week / c.population AS sessions_ratio, s.places_per_week / c.population AS places_ratio
      FROM service s JOIN catchment c USING (service_id) WHERE c.population > 0
    ),
    reached AS (
      SELECT r.lsoa21cd, sn.need,
             count(*) AS services_reaching,
             count(*) FILTER (WHERE r.mode = 'walk') AS services_in_person,
             count(*) FILTER (WHERE r.mode = 'area') AS services_remote_only,
             count(*) FILTER (WHERE s.funded_by_chest) AS funded_reaching,
             count(*) FILTER (WHERE s.sessions_per_week IS NOT NULL) AS services_with_sessions,
             count(*) FILTER (WHERE s.places_per_week IS NOT NULL) AS services_with_places,
             1000 * sum(q.sessions_ratio) AS sessions_per_1000,
             1000 * sum(q.places_ratio) AS places_per_1000,
             min(r.metres) AS nearest_metres
      FROM service_reach r
      JOIN service_needs sn USING (service_id)
      JOIN service s USING (service_id)
      LEFT JOIN ratio q USING (service_id)
      GROUP BY r.lsoa21cd, sn.need
    ),
    located AS (
      SELECT sl.lsoa21cd, sn.need, count(DISTINCT sl.service_id) AS services_located
      FROM service_location sl JOIN service s USING (service_id) JOIN service_needs sn USING (service_id)
      WHERE s.active AND sl.lsoa21cd IS NOT NULL AND sl.location_type = 'physical'
      GROUP BY sl.lsoa21cd, sn.need
    )
    SELECT l.lsoa21cd, n.need, l.population,
           coalesce(r.services_reaching, 0)::INTEGER AS services_reaching,
           coalesce(r.services_in_person, 0)::INTEGER AS services_in_person,
           coalesce(r.services_remote_only, 0)::INTEGER AS services_remote_only,
           coalesce(r.funded_reaching, 0)::INTEGER AS funded_reaching,
           coalesce(x.services_located, 0)::INTEGER AS services_located,
           coalesce(r.services_with_sessions, 0)::INTEGER AS services_with_sessions,
           CASE WHEN coalesce(r.services_reaching, 0) = 0 THEN 0
                WHEN r.services_with_sessions = 0 THEN NULL
                ELSE round(r.sessions_per_1000, 4) END AS sessions_per_week_per_1000,
           CASE WHEN coalesce(r.services_reaching, 0) = 0 THEN 0
                WHEN r.services_with_places = 0 THEN NULL
                ELSE round(r.places_per_1000, 4) END AS places_per_week_per_1000,
           round(r.nearest_metres, 1) AS nearest_metres
    FROM lsoa l CROSS JOIN needs n
    LEFT JOIN reached r ON r.lsoa21cd = l.lsoa21cd AND r.need = n.need
    LEFT JOIN located x ON x.lsoa21cd = l.lsoa21cd AND x.need = n.need
    ORDER BY l.lsoa21cd, n.need`,
    { needs: options.needs },
  );
}
