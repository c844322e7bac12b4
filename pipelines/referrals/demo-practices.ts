// The GP practices the demo referrals are made at: located practices of the place, or, where no location is known (outside north east London, no postcode directory), the place's own practices at seeded LSOA centroids.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { mulberry32 } from "../../src/lib/random.ts";
import type { Db } from "../db/connection.ts";
import { ident, literal } from "../db/sql.ts";
import { MissingSourceError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { sourceById, type CsvSource } from "../sources.ts";

export interface Practice {
  code: string;
  pcn: string | null;
  lat: number;
  lon: number;
}

/**
 * A fetched public file the demo reads: under the raw folder, else where provenance says it was copied from when
 * that is a local file (a mirror). DemoContext carries no raw folder yet, so `chest demo` run by a test harness
 * with its own raw folder still finds the files. Null when neither exists.
 */
export async function fetchedFile(db: Db, rawDir: string, id: string): Promise<string | null> {
  const path = join(rawDir, sourceById(id).file);
  if (existsSync(path)) return path;
  const rows = await db.all<{ from: string }>(
    `SELECT fetched_from AS "from" FROM provenance WHERE source = $id AND origin = 'mirror'`,
    { id },
  ).catch(() => []);
  return rows.length && existsSync(rows[0].from) ? rows[0].from : null;
}

/** Within about 5 km of the place's LSOA centroids (a box), so the north east London locations file gives nothing to another place. */
const nearPlace = `lat BETWEEN (SELECT min(centroid_lat) - 0.05 FROM lsoa) AND (SELECT max(centroid_lat) + 0.05 FROM lsoa)
  AND lon BETWEEN (SELECT min(centroid_lon) - 0.08 FROM lsoa) AND (SELECT max(centroid_lon) + 0.08 FROM lsoa)`;

/**
 * Open GP practices with a location and their PCN, first found of: the fetched practice locations file (north east
 * London practices with postcode centroids) near the place; the practice table a referrals build made (located
 * from that file or a postcode directory); the place's open GP practices from the national lists (by the place's
 * sub-ICBs) placed at the population-weighted centroids of seeded LSOAs — synthetic points, said in the log.
 */
export async function demoPractices(db: Db, rawDir: string, seed: number, log: Logger): Promise<Practice[]> {
  const coords = await fetchedFile(db, rawDir, "nhs-practice-coords");
  if (coords) {
    const c = (sourceById("nhs-practice-coords") as CsvSource).layouts[0].columns;
    const practices = await db.all<Practice>(`
      SELECT * FROM (
        SELECT DISTINCT ON (code) upper(${ident(c.practice_code)}) AS code, upper(${ident(c.pcn_code)}) AS pcn,
               try_cast(${ident(c.lat)} AS DOUBLE) AS lat, try_cast(${ident(c.lon)} AS DOUBLE) AS lon
        FROM read_csv(${literal(coords)}, header = true, all_varchar = true)
        WHERE try_cast(${ident(c.lat)} AS DOUBLE) IS NOT NULL AND coalesce(${ident(c.status)}, 'A') = 'A'
        ORDER BY code)
      WHERE ${nearPlace} ORDER BY code`);
    if (practices.length) return practices;
  }
  if ((await db.all(`SELECT 1 FROM information_schema.tables WHERE table_name = 'practice'`)).length) {
    const practices = await db.all<Practice>(`
      SELECT code, pcn_code AS pcn, lat, lon FROM practice
      WHERE in_place AND lat IS NOT NULL AND status = 'A' AND prescribing_setting = 4 ORDER BY code`);
    if (practices.length) return practices;
  }
  const unlocated = await placePractices(db, rawDir);
  if (unlocated.length === 0)
    throw new MissingSourceError(
      `the demo referrals need the place's GP practices: no practice locations near the place, and ${join(rawDir, sourceById("nhs-epraccur").file)} lists none in its sub-ICBs (run \`chest fetch\`)`,
    );
  const lsoas = await db.all<{ lat: number; lon: number; population: number }>(
    `SELECT centroid_lat AS lat, centroid_lon AS lon, population FROM lsoa ORDER BY lsoa21cd`,
  );
  const total = lsoas.reduce((a, l) => a + l.population, 0);
  const uniform = mulberry32(seed ^ 0x9a7c1);
  const practices = unlocated.map((p) => {
    let u = uniform() * total;
    const at = lsoas.find((l) => (u -= l.population) < 0) ?? lsoas[lsoas.length - 1];
    return { ...p, lat: at.lat, lon: at.lon };
  });
  log.warn(
    `demo referrals: no GP practice of the place has a location (give a postcode directory to place them); the place's ${practices.length} open practices are put at the centroids of LSOAs drawn by population (synthetic points)`,
  );
  return practices;
}

/** The place's open GP practices (prescribing setting 4) and their current PCN, from the fetched ODS epraccur and ePCN files. */
async function placePractices(db: Db, rawDir: string): Promise<{ code: string; pcn: string | null }[]> {
  const epraccur = await fetchedFile(db, rawDir, "nhs-epraccur");
  const members = await fetchedFile(db, rawDir, "nhs-pcn-members");
  if (!epraccur || !members) return [];
  const e = (sourceById("nhs-epraccur") as CsvSource).layouts[0].columns;
  const m = (sourceById("nhs-pcn-members") as CsvSource).layouts[0].columns;
  const width = Math.max(...Object.values(e).map(Number));
  const col = (position: string) => ident(`c${position}`);
  return db.all<{ code: string; pcn: string | null }>(`
    WITH membership AS (
      SELECT DISTINCT ON (practice) upper(${ident(m.practice_code)}) AS practice, upper(${ident(m.pcn_code)}) AS pcn
      FROM read_csv(${literal(members)}, header = true, all_varchar = true)
      WHERE ${ident(m.practice_code)} IS NOT NULL
      ORDER BY practice, (${ident(m.end_date)} IS NULL) DESC, ${ident(m.start_date)} DESC, pcn
    )
    SELECT upper(trim(${col(e.code)})) AS code, any_value(mb.pcn) AS pcn
    FROM read_csv(${literal(epraccur)}, header = false, all_varchar = true, null_padding = true,
                  names = [${Array.from({ length: width }, (_, i) => literal(`c${i + 1}`)).join(", ")}]) p
    LEFT JOIN membership mb ON mb.practice = upper(trim(${col(e.code)}))
    WHERE trim(${col(e.commissioner)}) IN (SELECT DISTINCT sicbl_ods FROM lsoa WHERE sicbl_ods IS NOT NULL)
      AND trim(${col(e.status)}) = 'A' AND try_cast(trim(${col(e.setting)}) AS INTEGER) = 4
    GROUP BY 1 ORDER BY 1`);
}
