// What the deprivation pages receive: LSOA deprivation with its areas, area summaries, boundaries, the place overview and provenance.
import { areaTerm } from "../../src/lib/area-term.ts";
import type { Db } from "../db/connection.ts";
import { ident } from "../db/sql.ts";
import { iodMeasures } from "../sources.ts";
import { queryToArrow } from "./arrow.ts";

const measures2019 = ["imd", "income", "employment", "education", "health", "crime", "barriers", "living_env"];

/** One row per LSOA: its areas, population and every IoD2025 measure (score, rank, decile), with IoD2019 rank and decile. */
export function lsoaDeprivation(db: Db): Promise<Buffer> {
  const iod = iodMeasures.flatMap(({ key }) => [`d.${ident(`${key}_score`)}`, `d.${ident(`${key}_rank`)}`, `d.${ident(`${key}_decile`)}`]);
  const old = measures2019.flatMap((m) => [
    `o.${ident(`${m}_rank`)} AS ${ident(`${m}_rank_2019`)}`,
    `o.${ident(`${m}_decile`)} AS ${ident(`${m}_decile_2019`)}`,
  ]);
  return queryToArrow(
    db,
    `SELECT l.lsoa21cd AS code, l.lsoa21nm AS name, l.msoa21cd, l.msoa_name, l.ward_code, l.ward_name, l.lad_code, l.lad_name,
            l.partnership, l.population, ${iod.join(", ")}, ${old.join(", ")}, o.method AS method_2019
     FROM lsoa l JOIN iod2025 d USING (lsoa21cd) LEFT JOIN iod2019 o USING (lsoa21cd)
     ORDER BY l.lsoa21cd`,
  );
}

/** Area summaries for every layer, with England ranks for boroughs. */
export function areaSummaries(db: Db): Promise<Buffer> {
  return queryToArrow(
    db,
    `SELECT a.layer, a.area_code AS code, a.area_name AS name, a.measure, a.lsoas, a.population::INTEGER AS population,
            a.average_score, a.average_rank, a.proportion_most_deprived_10, a.extent, a.local_concentration,
            e.rank_average_score, e.rank_average_rank, e.rank_proportion_most_deprived_10, e.rank_extent, e.rank_local_concentration
     FROM area_deprivation a
     LEFT JOIN lad_deprivation_england e ON a.layer = 'lad' AND e.area_code = a.area_code AND e.measure = a.measure
     ORDER BY a.layer, a.area_code, a.measure`,
  );
}

export async function boundaries(db: Db, layer: string): Promise<string> {
  const rows = await db.all<{ geojson: string }>(`SELECT geojson FROM boundary WHERE layer = $layer`, { layer });
  if (!rows.length) throw new Error(`no ${layer} boundaries in the database`);
  return rows[0].geojson;
}

export async function overview(db: Db): Promise<string> {
  const meta = Object.fromEntries((await db.all<{ key: string; value: string }>(`SELECT key, value FROM meta ORDER BY key`)).map((r) => [r.key, r.value]));
  const [totals] = await db.all(`
    SELECT count(*)::INTEGER AS lsoas, sum(population)::INTEGER AS population,
           count(DISTINCT msoa21cd)::INTEGER AS msoas, count(DISTINCT ward_code)::INTEGER AS wards,
           count(DISTINCT lad_code)::INTEGER AS boroughs, count(DISTINCT partnership)::INTEGER AS partnerships
    FROM lsoa`);
  const boroughs = await db.all<{ code: string; name: string; partnership: string }>(`SELECT lad_code AS code, lad_name AS name, partnership FROM place_lad ORDER BY lad_name`);
  const ladsInEngland = await db.all<{ n: number }>(`SELECT count(DISTINCT area_code)::INTEGER AS n FROM lad_deprivation_england`);
  return JSON.stringify({
    place: { id: meta.place_id, name: meta.place_name, description: meta.place_description },
    /** What the place calls its local authorities, for page text (src/lib/area-term.ts). */
    term: areaTerm(boroughs.map((b) => String(b.code)), meta.area_term || undefined),
    populationWeights: meta.population_weights,
    lsoasInEngland: Number(meta.iod2025_lsoas),
    ladsInEngland: ladsInEngland[0].n,
    totals,
    boroughs,
  });
}

export async function provenance(db: Db): Promise<string> {
  const rows = await db.all(`
    SELECT source, title, publisher, licence, attribution, landing_page, origin, fetched_from, file, bytes::INTEGER AS bytes,
           sha256, sha256_official, verified, note, strftime(fetched_at, '%Y-%m-%dT%H:%M:%SZ') AS fetched_at
    FROM provenance ORDER BY source`);
  return JSON.stringify(rows);
}
