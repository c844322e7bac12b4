// Reference tables referral checks join against: NHS practices and PCNs, every LSOA in England and Wales (2021 and 2011), the postcode directory, the need vocabulary.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FeatureCollection } from "geojson";
import { buildSpatialIndex, type SpatialIndex } from "../../geo/spatial-index.ts";
import { loadRawCsv, rawTable } from "../build/load-raw.ts";
import { readHeader } from "../kit/delimited.ts";
import type { Db } from "../db/connection.ts";
import { ident, literal } from "../db/sql.ts";
import { InputError, MissingSourceError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Place } from "../place/schema.ts";
import { sourceById, type CsvSource } from "../sources.ts";
import { NEED_CATEGORIES, NeedSynonymError, needLookup } from "../../src/lib/needs.ts";
import { ageBandSynonyms, normaliseHeader, outcomes, sourceSynonyms } from "./vocabulary.ts";

const nhsSources = ["nhs-epraccur", "nhs-pcn", "nhs-pcn-members", "nhs-practice-coords"] as const;

/** Path of a declared source's file under the raw folder. */
export function rawFile(rawDir: string, id: string): string {
  return join(rawDir, sourceById(id).file);
}

/**
 * `practice` (every GP practice in England from ODS epraccur, with its PCN from ePCN and a location where one is
 * known) and `pcn`. Built from the fetched NHS files; when they are missing and no referral file needs them,
 * the tables are created empty with a warning (an older data/raw from before these sources were declared).
 * Practices of the place that the north east London locations file does not cover are placed, when a postcode
 * directory was loaded (rf_postcode), at the population-weighted centroid of their postcode's LSOA.
 */
export async function buildPracticeTables(db: Db, rawDir: string, required: boolean, log: Logger, postcodes = false): Promise<void> {
  await db.run(`DROP TABLE IF EXISTS practice`);
  await db.run(`DROP TABLE IF EXISTS pcn`);
  const missing = nhsSources.filter((id) => !existsSync(rawFile(rawDir, id)));
  if (missing.length) {
    const message = `${missing.map((id) => rawFile(rawDir, id)).join(", ")} missing: run \`chest fetch\` (the NHS practice and PCN sources)`;
    if (required) throw new MissingSourceError(message);
    log.warn(`referrals: ${message}; the practice and pcn tables are empty`);
    await db.run(`CREATE TABLE pcn (code VARCHAR PRIMARY KEY, name VARCHAR, sub_icb_code VARCHAR, close_date DATE)`);
    await db.run(`CREATE TABLE practice (code VARCHAR PRIMARY KEY, name VARCHAR, postcode VARCHAR, status VARCHAR, sub_icb_code VARCHAR,
      prescribing_setting INTEGER, pcn_code VARCHAR, pcn_name VARCHAR, lat DOUBLE, lon DOUBLE, in_place BOOLEAN, location_method VARCHAR)`);
    await commentPractice(db);
    return;
  }
  for (const id of nhsSources) await loadRawCsv(db, sourceById(id) as CsvSource, rawDir, log);
  const [epraccur, pcns, members, coords] = nhsSources.map((id) => ident(rawTable(id)));
  await db.run(`
    CREATE TABLE pcn AS
    SELECT DISTINCT ON (code) upper(pcn_code) AS code, pcn_name AS name, sub_icb_code, try_strptime(close_date, '%Y%m%d')::DATE AS close_date
    FROM ${pcns} WHERE pcn_code IS NOT NULL
    ORDER BY code`);
  await db.run(`
    CREATE TABLE practice AS
    WITH membership AS (
      SELECT upper(practice_code) AS practice_code, upper(pcn_code) AS pcn_code, pcn_name,
             row_number() OVER (PARTITION BY upper(practice_code) ORDER BY (end_date IS NULL) DESC, start_date DESC, pcn_code) AS rn
      FROM ${members} WHERE practice_code IS NOT NULL
    ), located AS (
      SELECT DISTINCT ON (practice_code) upper(practice_code) AS practice_code, upper(pcn_code) AS pcn_code, pcn_name,
             try_cast(lat AS DOUBLE) AS lat, try_cast(lon AS DOUBLE) AS lon
      FROM ${coords} WHERE practice_code IS NOT NULL ORDER BY practice_code
    ), place_sub_icbs AS (SELECT DISTINCT sicbl_ods FROM lsoa WHERE sicbl_ods IS NOT NULL)
    SELECT DISTINCT ON (e.code)
           upper(e.code) AS code, e.name, e.postcode, e.status, e.commissioner AS sub_icb_code,
           try_cast(e.setting AS INTEGER) AS prescribing_setting,
           coalesce(m.pcn_code, c.pcn_code) AS pcn_code,
           coalesce(p.name, m.pcn_name, c.pcn_name) AS pcn_name,
           c.lat, c.lon,
           e.commissioner IN (SELECT sicbl_ods FROM place_sub_icbs) AS in_place,
           CASE WHEN c.lat IS NOT NULL THEN 'nel_file' ELSE 'none' END AS location_method
    FROM ${epraccur} e
    LEFT JOIN membership m ON m.practice_code = upper(e.code) AND m.rn = 1
    LEFT JOIN located c ON c.practice_code = upper(e.code)
    LEFT JOIN pcn p ON p.code = coalesce(m.pcn_code, c.pcn_code)
    WHERE e.code IS NOT NULL
    ORDER BY e.code`);
  for (const id of nhsSources) await db.run(`DROP TABLE ${ident(rawTable(id))}`);
  if (postcodes) await placeByPostcode(db);
  await commentPractice(db);
  const [s] = await db.all<{ practices: number; in_place: number; pcns: number; located: number; by_postcode: number }>(`
    SELECT count(*)::INTEGER AS practices, count(*) FILTER (WHERE in_place)::INTEGER AS in_place,
           count(DISTINCT pcn_code) FILTER (WHERE in_place)::INTEGER AS pcns, count(lat) FILTER (WHERE in_place)::INTEGER AS located,
           count(*) FILTER (WHERE in_place AND location_method = 'postcode_directory')::INTEGER AS by_postcode
    FROM practice`);
  log.progress(
    `practices: ${s.practices.toLocaleString("en-GB")} in England, ${s.in_place} in the place (${s.pcns} PCNs, ${s.located} with a location` +
      `${s.by_postcode ? `, ${s.by_postcode} of them placed by postcode` : ""})`,
  );
  if (s.in_place > s.located)
    log.warn(
      `practices: ${s.in_place - s.located} of the place's ${s.in_place} have no location${postcodes ? " (postcode not in the directory, or its LSOA outside the place)" : "; give a postcode directory (--postcodes) to place them by postcode"}; they are listed without a point`,
    );
}

/** Practices without a point from the locations file, whose postcode the directory puts in an LSOA of the place: that LSOA's population-weighted centroid. */
async function placeByPostcode(db: Db): Promise<void> {
  await db.run(`
    UPDATE practice SET lat = l.centroid_lat, lon = l.centroid_lon, location_method = 'postcode_directory'
    FROM rf_postcode pc JOIN lsoa l ON l.lsoa21cd = pc.lsoa21cd
    WHERE practice.lat IS NULL AND pc.pc = upper(replace(practice.postcode, ' ', ''))`);
}

async function commentPractice(db: Db): Promise<void> {
  await db.run(`COMMENT ON COLUMN practice.location_method IS 'How the practice''s lat/lon was found: nel_file (the north east London practice locations file), postcode_directory (its postcode''s LSOA in the given postcode directory, at that LSOA''s population-weighted centroid) or none (no point: shown without one)'`);
}

/** Every LSOA 2021 in England and Wales with its local authority, and the 2011 → 2021 best-fit lookup (temp tables rf_lsoa21, rf_lsoa11). */
export async function loadLsoaLookups(db: Db, rawDir: string): Promise<void> {
  const ward = sourceById("lookup-lsoa21-ward24") as CsvSource;
  const l11 = sourceById("lookup-lsoa11-lsoa21") as CsvSource;
  const wardPath = rawFile(rawDir, ward.id);
  const l11Path = rawFile(rawDir, l11.id);
  for (const p of [wardPath, l11Path]) if (!existsSync(p)) throw new MissingSourceError(`${p} is missing: run \`chest fetch\``);
  const w = ward.layouts[0].columns;
  const m = l11.layouts[0].columns;
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_lsoa21 AS
    SELECT DISTINCT ON (code) upper(trim(${ident(w.lsoa21cd)})) AS code, ${ident(w.lad_name)} AS lad_name
    FROM read_csv(${literal(wardPath)}, header = true, all_varchar = true, encoding = 'utf-8') ORDER BY code`);
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_lsoa11 AS
    SELECT DISTINCT ON (code11) upper(trim(${ident(m.lsoa11cd)})) AS code11, upper(trim(${ident(m.lsoa21cd)})) AS code21
    FROM read_csv(${literal(l11Path)}, header = true, all_varchar = true, encoding = 'utf-8') ORDER BY code11`);
}

/** Environment variable naming the postcode directory (ONSPD or NSPL CSV with pcds and lsoa21cd columns). */
export const POSTCODE_ENV = "CHEST_POSTCODES";

/**
 * Load the user's postcode directory into rf_postcode(pc, lsoa21cd), postcodes without spaces in capitals.
 * Returns false when none is configured. Accepted columns: pcds (or pcd, pcd2, postcode) and lsoa21cd (or lsoa21).
 */
export async function loadPostcodeDirectory(db: Db, path = process.env[POSTCODE_ENV]): Promise<boolean> {
  if (!path) return false;
  if (!existsSync(path)) throw new InputError(path, `postcode directory not found (set by ${POSTCODE_ENV})`);
  const headers = readHeader(path).header.map((h) => h.trim());
  const find = (...names: string[]) => headers.find((h) => names.includes(normaliseHeader(h)));
  const pc = find("pcds", "pcd", "pcd2", "postcode");
  const lsoa = find("lsoa21cd", "lsoa21");
  if (!pc || !lsoa)
    throw new InputError(path, `postcode directory needs a postcode column (pcds) and an LSOA 2021 column (lsoa21cd or lsoa21), as in ONSPD or NSPL`);
  await db.run(`
    CREATE OR REPLACE TEMP TABLE rf_postcode AS
    SELECT DISTINCT ON (pc) upper(replace(${ident(pc)}, ' ', '')) AS pc, upper(trim(${ident(lsoa)})) AS lsoa21cd
    FROM read_csv(${literal(path)}, header = true, all_varchar = true, encoding = 'utf-8')
    WHERE ${ident(pc)} IS NOT NULL ORDER BY pc`);
  return true;
}

/** Need labels (normalised) → category, from the taxonomy and the place's needSynonyms (rf_need_synonym), and the value vocabularies (rf_vocab). */
export async function loadVocabulary(db: Db, place: Place & { file?: string }): Promise<Map<string, string>> {
  let lookup: Map<string, string>;
  try {
    lookup = needLookup(place.needSynonyms ?? {});
  } catch (e) {
    if (e instanceof NeedSynonymError) throw new InputError(place.file ?? `place ${place.id}`, e.message);
    throw e;
  }
  await db.run(`CREATE OR REPLACE TEMP TABLE rf_need_synonym AS SELECT unnest($labels::VARCHAR[]) AS label, unnest($needs::VARCHAR[]) AS need`, {
    labels: [...lookup.keys()],
    needs: [...lookup.values()],
  });
  const vocab: [string, string, string][] = [
    ...Object.entries(ageBandSynonyms).map(([w, v]) => ["age_band", w, v] as [string, string, string]),
    ...Object.entries(sourceSynonyms).map(([w, v]) => ["source", w, v] as [string, string, string]),
    ...outcomes.map((o) => ["outcome", o, o] as [string, string, string]),
  ];
  await db.run(
    `CREATE OR REPLACE TEMP TABLE rf_vocab AS SELECT unnest($kinds::VARCHAR[]) AS kind, unnest($words::VARCHAR[]) AS word, unnest($vals::VARCHAR[]) AS value`,
    { kinds: vocab.map((v) => v[0]), words: vocab.map((v) => v[1]), vals: vocab.map((v) => v[2]) },
  );
  return lookup;
}

/** The need taxonomy as a table, for queries and the Data page. */
export async function writeNeedCategories(db: Db): Promise<void> {
  await db.run(`DROP TABLE IF EXISTS need_category`);
  await db.run(
    `CREATE TABLE need_category AS
     SELECT unnest($keys::VARCHAR[]) AS need, unnest($labels::VARCHAR[]) AS label, unnest($descriptions::VARCHAR[]) AS description,
            unnest($orders::DOUBLE[])::INTEGER AS sort_order`,
    {
      keys: NEED_CATEGORIES.map((c) => c.key),
      labels: NEED_CATEGORIES.map((c) => c.label),
      descriptions: NEED_CATEGORIES.map((c) => c.description),
      orders: NEED_CATEGORIES.map((_, i) => i + 1),
    },
  );
}

/** Point-in-polygon over the place's LSOA 2021 boundaries as fetched (not the simplified browser copy). */
export function lsoaIndex(rawDir: string): SpatialIndex {
  const path = rawFile(rawDir, "boundaries-lsoa21");
  if (!existsSync(path)) throw new MissingSourceError(`${path} is missing: run \`chest fetch\``);
  const collection = JSON.parse(readFileSync(path, "utf8")) as FeatureCollection;
  return buildSpatialIndex(collection, { codeProperty: "LSOA21CD" });
}
