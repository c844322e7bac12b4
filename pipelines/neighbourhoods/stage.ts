// `chest ingest neighbourhoods FILE`: a partnership's own neighbourhoods (INT or PCN footprints) as an LSOA → neighbourhood CSV or GeoJSON polygons, checked and made a layer.
//
// CSV: a header with an LSOA 2021 code column (lsoa21cd, lsoa_code, lsoa or LSOA21CD) and a neighbourhood column
// (neighbourhood, neighbourhood_code, code or name); an optional neighbourhood_name column. GeoJSON: polygons
// with a code property (code, id, neighbourhood or the first string property) and optionally name; each LSOA
// belongs to the polygon its population-weighted centroid falls in (packed R-tree, geo/spatial-index.ts).
// Reported, never silently fixed (neighbourhood_report): unknown or malformed LSOA codes (row-level), LSOAs claimed
// by two neighbourhoods (the first file / smallest code keeps it), and the place's LSOAs no neighbourhood claims.
// Self-contained so it can move onto the shared ingest kit as one declaration.
import { readFileSync } from "node:fs";
import type { FeatureCollection, Geometry } from "geojson";
import type { Stage } from "../build/build.ts";
import type { Db } from "../db/connection.ts";
import { ident, literal } from "../db/sql.ts";
import { InputError } from "../errors.ts";
import type { InputContext } from "../inputs/stages.ts";
import { originalName } from "../inputs/registry.ts";
import { buildSpatialIndex } from "../../geo/spatial-index.ts";

const LSOA_COLUMNS = ["lsoa21cd", "lsoa_code", "lsoa", "lsoa21_code", "lsoa 2021 code"];
const CODE_COLUMNS = ["neighbourhood_code", "neighbourhood", "code", "neighbourhood_id", "name"];
const NAME_COLUMNS = ["neighbourhood_name", "name"];

interface Claim {
  file: string;
  row: number;
  lsoa21cd: string;
  code: string;
  name: string;
}

async function readCsvClaims(db: Db, path: string, file: string): Promise<Claim[]> {
  const columns = (await db.all<{ column_name: string }>(`DESCRIBE SELECT * FROM read_csv(${literal(path)}, header = true, all_varchar = true)`)).map((c) => c.column_name);
  const pick = (names: string[], except?: string) => columns.find((c) => names.includes(c.trim().toLowerCase()) && c !== except);
  const lsoa = pick(LSOA_COLUMNS);
  const code = pick(CODE_COLUMNS);
  if (!lsoa || !code) throw new InputError(file, `needs an LSOA code column (${LSOA_COLUMNS.join(", ")}) and a neighbourhood column (${CODE_COLUMNS.join(", ")}); found ${columns.join(", ")}`);
  const name = pick(NAME_COLUMNS, code) ?? code;
  const rows = await db.all<{ row: number; lsoa: string | null; code: string | null; name: string | null }>(
    `SELECT (row_number() OVER () + 1)::INTEGER AS row, trim(${ident(lsoa)}) AS lsoa, trim(${ident(code)}) AS code, trim(${ident(name)}) AS name
     FROM read_csv(${literal(path)}, header = true, all_varchar = true)`,
  );
  return rows.map((r) => ({ file, row: r.row, lsoa21cd: (r.lsoa ?? "").toUpperCase(), code: r.code ?? "", name: r.name || r.code || "" }));
}

async function readGeoJsonClaims(db: Db, path: string, file: string): Promise<Claim[]> {
  let fc: FeatureCollection<Geometry | null>;
  try {
    fc = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InputError(file, `is not valid JSON: ${(error as Error).message}`);
  }
  if (fc?.type !== "FeatureCollection" || !Array.isArray(fc.features)) throw new InputError(file, "is not a GeoJSON FeatureCollection");
  const props = fc.features[0]?.properties ?? {};
  const codeProperty = ["code", "id", "neighbourhood", "neighbourhood_code"].find((p) => typeof props[p] === "string") ?? Object.keys(props).find((p) => typeof props[p] === "string");
  if (!codeProperty) throw new InputError(file, "features need a string property naming the neighbourhood (code, id or name)");
  const index = buildSpatialIndex(fc, { codeProperty });
  const names = new Map(fc.features.map((f) => [String(f.properties?.[codeProperty]), String(f.properties?.name ?? f.properties?.[codeProperty])]));
  const lsoas = await db.all<{ lsoa21cd: string; lon: number; lat: number }>(`SELECT lsoa21cd, centroid_lon::DOUBLE AS lon, centroid_lat::DOUBLE AS lat FROM lsoa ORDER BY lsoa21cd`);
  return lsoas.flatMap((l) => index.locateAll(l.lon, l.lat).map((code) => ({ file, row: 0, lsoa21cd: l.lsoa21cd, code, name: names.get(code) ?? code })));
}

async function writeClaims(db: Db, claims: Claim[]): Promise<void> {
  await db.run(`CREATE TEMP TABLE neighbourhood_claim (seq INTEGER, file VARCHAR, "row" INTEGER, lsoa21cd VARCHAR, code VARCHAR, name VARCHAR)`);
  const appender = await db.conn.createAppender("neighbourhood_claim");
  claims.forEach((c, i) => {
    appender.appendInteger(i);
    appender.appendVarchar(c.file);
    appender.appendInteger(c.row);
    appender.appendVarchar(c.lsoa21cd);
    appender.appendVarchar(c.code);
    appender.appendVarchar(c.name);
    appender.endRow();
  });
  appender.closeSync();
}

/** Build neighbourhood, neighbourhood_lsoa and neighbourhood_report from the registered files (none: the tables are dropped). */
export async function buildNeighbourhoods(db: Db, files: string[], ctx: InputContext): Promise<void> {
  for (const t of ["neighbourhood", "neighbourhood_lsoa", "neighbourhood_report"]) await db.run(`DROP TABLE IF EXISTS ${t}`);
  if (!files.length) return;
  const claims: Claim[] = [];
  for (const path of files) {
    const file = originalName(path);
    claims.push(...(/\.(geo)?json$/i.test(path) ? await readGeoJsonClaims(db, path, file) : await readCsvClaims(db, path, file)));
  }
  await writeClaims(db, claims);
  await db.run(`
    CREATE TABLE neighbourhood_report AS
    SELECT file, "row", lsoa21cd, code AS neighbourhood_code, 'rejected' AS kind,
           CASE WHEN code = '' THEN 'no neighbourhood given'
                WHEN NOT regexp_full_match(lsoa21cd, 'E01\\d{6}') THEN 'not an LSOA 2021 code'
                ELSE 'not one of the place''s LSOAs' END AS problem
    FROM neighbourhood_claim
    WHERE code = '' OR lsoa21cd NOT IN (SELECT lsoa21cd FROM lsoa)
    UNION ALL
    SELECT any_value(file), min("row"), lsoa21cd, string_agg(DISTINCT code, ', ' ORDER BY code), 'claimed twice',
           'claimed by ' || count(DISTINCT code) || ' neighbourhoods; kept in ' || arg_min(code, seq)
    FROM neighbourhood_claim WHERE code <> '' AND lsoa21cd IN (SELECT lsoa21cd FROM lsoa)
    GROUP BY lsoa21cd HAVING count(DISTINCT code) > 1
    UNION ALL
    SELECT NULL, NULL, lsoa21cd, NULL, 'left out', 'no neighbourhood claims this LSOA'
    FROM lsoa WHERE lsoa21cd NOT IN (SELECT lsoa21cd FROM neighbourhood_claim WHERE code <> '')
    ORDER BY kind, lsoa21cd`);
  await db.run(`
    CREATE TABLE neighbourhood_lsoa AS
    SELECT lsoa21cd, arg_min(code, seq) AS neighbourhood_code, arg_min(name, seq) AS neighbourhood_name
    FROM neighbourhood_claim WHERE code <> '' AND lsoa21cd IN (SELECT lsoa21cd FROM lsoa)
    GROUP BY lsoa21cd ORDER BY lsoa21cd`);
  await db.run(`
    CREATE TABLE neighbourhood AS
    SELECT n.neighbourhood_code AS code, any_value(n.neighbourhood_name) AS name, count(*)::INTEGER AS lsoas, sum(l.population)::INTEGER AS population
    FROM neighbourhood_lsoa n JOIN lsoa l USING (lsoa21cd) GROUP BY n.neighbourhood_code ORDER BY code`);
  await db.run(`COMMENT ON TABLE neighbourhood IS 'Custom neighbourhoods the partnership defined (chest ingest neighbourhoods): code, name, LSOAs, Census 2021 residents'`);
  await db.run(`COMMENT ON TABLE neighbourhood_lsoa IS 'Each LSOA''s custom neighbourhood: from the CSV, or the polygon its population-weighted centroid falls in'`);
  await db.run(`COMMENT ON TABLE neighbourhood_report IS 'Problems found in the neighbourhood files: rows rejected (bad or unknown LSOA code, no neighbourhood), LSOAs claimed twice (first claim kept), LSOAs left out'`);
  const counts = await db.all<{ kind: string; n: number }>(`SELECT kind, count(*)::INTEGER AS n FROM neighbourhood_report GROUP BY kind ORDER BY kind`);
  const [{ n, lsoas }] = await db.all<{ n: number; lsoas: number }>(`SELECT count(*)::INTEGER AS n, coalesce(sum(lsoas), 0)::INTEGER AS lsoas FROM neighbourhood`);
  ctx.log.info(`neighbourhoods: ${n} neighbourhoods over ${lsoas} LSOAs${counts.length ? `; ${counts.map((c) => `${c.n} ${c.kind}`).join(", ")} (table neighbourhood_report)` : ""}`);
  if (n === 0) throw new InputError(files.map(originalName).join(", "), "no LSOA of the place was given a neighbourhood");
}

export function neighbourhoodsStage(files: string[], ctx: InputContext): Stage {
  return { name: "custom neighbourhoods", run: (db) => buildNeighbourhoods(db, files, ctx) };
}
