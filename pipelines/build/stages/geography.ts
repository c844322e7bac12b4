// Stage 2: the place's local authorities and the lsoa table (names, MSOA, ward, borough, ICB, population, age, centroid, area).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { area } from "@turf/turf";
import type { Db } from "../../db/connection.ts";
import { IntegrityError } from "../../errors.ts";
import type { Logger } from "../../log.ts";
import type { Place } from "../../place/schema.ts";
import { sourceById } from "../../sources.ts";
import { assertCodes, assertNumeric } from "../check-values.ts";
import { rawTable } from "../load-raw.ts";

export async function buildPlaceTables(db: Db, place: Place): Promise<void> {
  const partnershipOf = new Map(place.partnerships.flatMap((p) => p.localAuthorities.map((code) => [code, p.name] as const)));
  await db.run(
    `CREATE TABLE place_lad AS
     SELECT unnest($codes::VARCHAR[]) AS lad_code, unnest($names::VARCHAR[]) AS lad_name, unnest($partnerships::VARCHAR[]) AS partnership`,
    {
      codes: place.localAuthorities.map((la) => la.code),
      names: place.localAuthorities.map((la) => la.name),
      partnerships: place.localAuthorities.map((la) => partnershipOf.get(la.code) ?? la.name),
    },
  );
  await db.run(`CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)`);
  await db.run(`INSERT INTO meta VALUES ('place_id', $id), ('place_name', $name), ('place_description', $description),
    ('disclosure_threshold', $threshold), ('disclosure_rounding', $rounding), ('walk_metres', $walk), ('area_term', $term)`, {
    term: place.areaTerm ?? "",
    id: place.id,
    name: place.name,
    description: place.description,
    threshold: String(place.disclosure.threshold),
    rounding: String(place.disclosure.rounding),
    walk: String(place.reach.walkMetres),
  });
}

async function lsoaAreas(db: Db, rawDir: string): Promise<void> {
  const file = join(rawDir, sourceById("boundaries-lsoa21").file);
  const fc = JSON.parse(readFileSync(file, "utf8")) as { features: { properties: Record<string, string>; geometry: never }[] };
  await db.run(`CREATE TEMP TABLE lsoa_area (lsoa21cd VARCHAR, area_km2 DOUBLE)`);
  const appender = await db.conn.createAppender("lsoa_area");
  for (const f of fc.features) {
    appender.appendVarchar(f.properties.LSOA21CD);
    appender.appendDouble(area(f as never) / 1e6);
    appender.endRow();
  }
  appender.closeSync();
}

export async function buildLsoa(db: Db, rawDir: string, log: Logger): Promise<void> {
  const census = rawTable("census2021-ts001");
  const age = rawTable("census2021-age");
  const centroids = rawTable("lsoa21-centroids");
  const rawFile = (id: string) => join(rawDir, sourceById(id).file);
  await assertNumeric(db, census, ["population"], rawFile("census2021-ts001"), { population: "Residence type: Total; measures: Value" });
  await assertNumeric(db, age, ["age_0_15", "age_16_24", "age_25_34", "age_35_49", "age_50_64", "age_65_plus"], rawFile("census2021-age"));
  await assertNumeric(db, centroids, ["lon", "lat"], rawFile("lsoa21-centroids"));
  await assertCodes(db, rawTable("lookup-lsoa21-ward24"), "lsoa21cd", "[EW]01\\d{6}", rawFile("lookup-lsoa21-ward24"), "an LSOA 2021 code");
  await lsoaAreas(db, rawDir);
  await db.run(`
    CREATE TABLE lsoa AS
    WITH age AS (
      SELECT lsoa21cd,
             age_0_15::DOUBLE AS a0, age_16_24::DOUBLE AS a1, age_25_34::DOUBLE AS a2,
             age_35_49::DOUBLE AS a3, age_50_64::DOUBLE AS a4, age_65_plus::DOUBLE AS a5
      FROM raw_census2021_age
    ), age_share AS (
      SELECT lsoa21cd, a0 / (a0 + a1 + a2 + a3 + a4 + a5) AS s0, a1 / (a0 + a1 + a2 + a3 + a4 + a5) AS s1,
             a2 / (a0 + a1 + a2 + a3 + a4 + a5) AS s2, a3 / (a0 + a1 + a2 + a3 + a4 + a5) AS s3,
             a4 / (a0 + a1 + a2 + a3 + a4 + a5) AS s4, a5 / (a0 + a1 + a2 + a3 + a4 + a5) AS s5
      FROM age
    )
    SELECT w.lsoa21cd,
           w.lsoa21nm,
           m.msoa21cd,
           m.msoa21nm,
           coalesce(m.msoa_name, m.msoa21nm) AS msoa_name,
           w.ward_code,
           w.ward_name,
           w.lad_code,
           p.lad_name,
           p.partnership,
           i.sicbl_code,
           i.sicbl_ods,
           i.sicbl_name,
           i.icb_code,
           i.icb_ods,
           i.icb_name,
           c.population::INTEGER AS population,
           round(s.s0, 4) AS share_0_15,
           round(s.s1, 4) AS share_16_24,
           round(s.s2, 4) AS share_25_34,
           round(s.s3, 4) AS share_35_49,
           round(s.s4, 4) AS share_50_64,
           round(s.s5, 4) AS share_65_plus,
           g.lon::DOUBLE AS centroid_lon,
           g.lat::DOUBLE AS centroid_lat,
           round(a.area_km2, 4) AS area_km2
    FROM raw_lookup_lsoa21_ward24 w
    JOIN place_lad p ON p.lad_code = w.lad_code
    LEFT JOIN raw_msoa_names m ON m.msoa21nm = regexp_replace(w.lsoa21nm, '[A-Z]$', '')
    LEFT JOIN raw_lookup_lsoa21_icb24 i ON i.lsoa21cd = w.lsoa21cd
    LEFT JOIN raw_census2021_ts001 c ON c.lsoa21cd = w.lsoa21cd
    LEFT JOIN age_share s ON s.lsoa21cd = w.lsoa21cd
    LEFT JOIN raw_lsoa21_centroids g ON g.lsoa21cd = w.lsoa21cd
    LEFT JOIN lsoa_area a ON a.lsoa21cd = w.lsoa21cd
    ORDER BY w.lsoa21cd`);
  const gaps = await db.all<{ what: string; n: number; example: string }>(`
    SELECT what, count(*)::INTEGER AS n, min(lsoa21cd) AS example FROM (
      SELECT lsoa21cd, 'Census 2021 population' AS what FROM lsoa WHERE population IS NULL UNION ALL
      SELECT lsoa21cd, 'population-weighted centroid' FROM lsoa WHERE centroid_lon IS NULL UNION ALL
      SELECT lsoa21cd, 'MSOA' FROM lsoa WHERE msoa21cd IS NULL UNION ALL
      SELECT lsoa21cd, 'ICB' FROM lsoa WHERE icb_code IS NULL UNION ALL
      SELECT lsoa21cd, 'boundary' FROM lsoa WHERE area_km2 IS NULL UNION ALL
      SELECT lsoa21cd, 'age structure' FROM lsoa WHERE share_0_15 IS NULL)
    GROUP BY what ORDER BY what`);
  if (gaps.length)
    throw new IntegrityError(`lsoa: ${gaps.map((g) => `${g.n} LSOA(s) have no ${g.what} (e.g. ${g.example})`).join("; ")}`);
  const [{ n, population }] = await db.all<{ n: number; population: number }>(
    `SELECT count(*)::INTEGER AS n, sum(population)::INTEGER AS population FROM lsoa`,
  );
  log.progress(`lsoa: ${n.toLocaleString("en-GB")} LSOAs, ${population.toLocaleString("en-GB")} residents (Census 2021)`);
}
