// `chest ingest neighbourhoods FILE`: a partnership's own neighbourhoods (INT or PCN footprints) as an LSOA → neighbourhood CSV or GeoJSON polygons, checked and made a layer.
//
// CSV: a header with an LSOA 2021 code column (lsoa21cd, lsoa_code, lsoa or LSOA21CD) and a neighbourhood column
// (neighbourhood, neighbourhood_code, code or name); an optional neighbourhood_name column. GeoJSON: polygons
// with a code property (code, id, neighbourhood or the first string property) and optionally name; each LSOA
// belongs to the polygon its population-weighted centroid falls in (packed R-tree, geo/spatial-index.ts).
// Reported, never silently fixed (neighbourhood_report): unknown or malformed LSOA codes (row-level), LSOAs claimed
// by two neighbourhoods (the first file / smallest code keeps it), and the place's LSOAs no neighbourhood claims.
// On the ingest kit: files read by its bounded readers (CSV in any encoding or delimiter), problems through its one
// rejects writer (input_issues, neighbourhoods-rejects.csv), and its IngestResult.
import type { FeatureCollection, Geometry } from "geojson";
import type { Db } from "../db/connection.ts";
import { ChestError, InputError } from "../errors.ts";
import { checkJsonDepth, readBounded } from "../kit/bounds.ts";
import { headerKey, raggedReason, readDelimited } from "../kit/delimited.ts";
import { recordIssues } from "../kit/issues.ts";
import { asInputFiles, type InputContext, type InputFile, type KindStage } from "../kit/kind.ts";
import { emptyResult, type IngestResult } from "../kit/result.ts";
import { appendRows, createTable, type TableDecl } from "../kit/table.ts";
import { decodeText } from "../kit/text.ts";
import { buildSpatialIndex } from "../../geo/spatial-index.ts";
import { hasTable } from "../db/catalog.ts";

/** Header keys (the kit's headerKey: "LSOA 2021 code" → lsoa_2021_code) that name each column. */
const LSOA_COLUMNS = ["lsoa21cd", "lsoa_code", "lsoa", "lsoa21_code", "lsoa_2021_code"];
const CODE_COLUMNS = ["neighbourhood_code", "neighbourhood", "code", "neighbourhood_id", "name"];
const NAME_COLUMNS = ["neighbourhood_name", "name"];
/** Longest neighbourhood code and name read (as referral and application ids are bounded). */
const MAX_CODE = 64;
const MAX_NAME = 200;

interface Claim {
  file: string;
  /** Row in the CSV (header = 1); null for a GeoJSON polygon's claim. */
  row: number | null;
  lsoa21cd: string;
  code: string;
  name: string;
  /** The LSOA and neighbourhood columns as the file names them (GeoJSON: the code property). */
  lsoaColumn: string;
  codeColumn: string;
  /** Why the row is not read at all (more or fewer fields than the header); its cells are left empty. */
  problem?: string | null;
}

const claimTable: TableDecl = {
  name: "neighbourhood_claim",
  columns: [["seq", "INTEGER"], ["file", "VARCHAR"], ["row", "INTEGER"], ["lsoa21cd", "VARCHAR"], ["code", "VARCHAR"], ["name", "VARCHAR"], ["lsoa_column", "VARCHAR"], ["code_column", "VARCHAR"], ["problem", "VARCHAR"]],
};

function readCsvClaims(path: string, file: string): Claim[] {
  const [head, ...body] = readDelimited(readBounded(path, file), file).records;
  const columns = head.fields.map((h) => h.trim());
  const keys = columns.map(headerKey);
  const pick = (names: string[], except = -1) => keys.findIndex((k, i) => names.includes(k) && i !== except);
  const twice = keys.find((k, i) => [...LSOA_COLUMNS, ...CODE_COLUMNS, ...NAME_COLUMNS].includes(k) && keys.indexOf(k) !== i);
  if (twice) throw new InputError(file, `has the column ${columns[keys.indexOf(twice)]} twice: keep one (which of them is meant is not guessed)`);
  const lsoaColumns = columns.filter((_, i) => LSOA_COLUMNS.includes(keys[i]));
  if (lsoaColumns.length > 1) throw new InputError(file, `has ${lsoaColumns.length} LSOA code columns (${lsoaColumns.join(", ")}): keep the one with 2021 codes`);
  const lsoa = pick(LSOA_COLUMNS);
  const code = pick(CODE_COLUMNS);
  if (lsoa < 0 || code < 0) throw new InputError(file, `needs an LSOA code column (${LSOA_COLUMNS.join(", ")}) and a neighbourhood column (${CODE_COLUMNS.join(", ")}); found ${columns.join(", ")}`);
  const nameAt = pick(NAME_COLUMNS, code);
  const name = nameAt < 0 ? code : nameAt;
  const cell = (fields: string[], i: number) => (fields[i] ?? "").trim();
  return body.map((r) => {
    const ragged = raggedReason(r, columns.length);
    const fields = ragged ? [] : r.fields;
    // A code or name this long is a damaged cell (a quote swallowing the lines after it), not a neighbourhood to draw on every map.
    const tooLong =
      cell(fields, code).length > MAX_CODE ? `neighbourhood code longer than ${MAX_CODE} characters`
      : cell(fields, name).length > MAX_NAME ? `neighbourhood name longer than ${MAX_NAME} characters`
      : null;
    const problem = ragged ?? tooLong;
    return {
      file,
      row: r.row,
      lsoa21cd: cell(fields, lsoa).toUpperCase(),
      // A row with a problem claims nothing (code ''); the report gives the problem.
      code: problem ? "" : cell(fields, code),
      name: cell(fields, name).slice(0, MAX_NAME) || cell(fields, code).slice(0, MAX_CODE),
      lsoaColumn: columns[lsoa],
      codeColumn: columns[code],
      problem,
    };
  });
}

/** A polygon of a GeoJSON file, to report the ones no LSOA of the place falls in. */
interface Polygon {
  file: string;
  feature: number;
  code: string;
}

/** The first position of the file's polygons that is not longitude and latitude (e.g. British National Grid metres), or null. */
function notLonLat(fc: FeatureCollection<Geometry | null>): number[] | null {
  let found: number[] | null = null;
  const visit = (v: unknown): void => {
    if (found || !Array.isArray(v)) return;
    if (typeof v[0] === "number") {
      if (!(Math.abs(v[0]) <= 180 && Math.abs(Number(v[1])) <= 90)) found = v as number[];
    } else for (const x of v) visit(x);
  };
  for (const f of fc.features) visit((f?.geometry as { coordinates?: unknown } | null)?.coordinates);
  return found;
}

async function readGeoJsonClaims(db: Db, path: string, file: string, polygons: Polygon[]): Promise<Claim[]> {
  let fc: FeatureCollection<Geometry | null>;
  try {
    const text = decodeText(readBounded(path, file)).text;
    checkJsonDepth(text, file);
    fc = JSON.parse(text);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(file, `is not valid JSON: ${(error as Error).message}`);
  }
  if (fc?.type !== "FeatureCollection" || !Array.isArray(fc.features)) throw new InputError(file, "is not a GeoJSON FeatureCollection");
  if (fc.features.length === 0) throw new InputError(file, "has no features: give one polygon per neighbourhood");
  const props = fc.features[0]?.properties ?? {};
  const codeProperty = ["code", "id", "neighbourhood", "neighbourhood_code"].find((p) => typeof props[p] === "string") ?? Object.keys(props).find((p) => typeof props[p] === "string");
  if (!codeProperty) throw new InputError(file, "features need a string property naming the neighbourhood (code, id or name)");
  const odd = notLonLat(fc);
  if (odd)
    throw new InputError(file, `has coordinates such as [${odd.slice(0, 2).join(", ")}] that are not longitude and latitude: save it in WGS84 (EPSG:4326), as GeoJSON requires (British National Grid eastings and northings are not read)`);
  let index;
  try {
    index = buildSpatialIndex(fc, { codeProperty });
  } catch (error) {
    // The index names the feature (its number and code): say which file it is in.
    if (error instanceof ChestError) throw new InputError(file, `${error.message.replace(/ code to index$/, " property naming its neighbourhood")}`);
    throw error;
  }
  fc.features.forEach((f, i) => polygons.push({ file, feature: i + 1, code: String(f.properties?.[codeProperty]) }));
  const names = new Map(fc.features.map((f) => [String(f.properties?.[codeProperty]), String(f.properties?.name ?? f.properties?.[codeProperty])]));
  const lsoas = await db.all<{ lsoa21cd: string; lon: number; lat: number }>(`SELECT lsoa21cd, centroid_lon::DOUBLE AS lon, centroid_lat::DOUBLE AS lat FROM lsoa ORDER BY lsoa21cd`);
  return lsoas.flatMap((l) =>
    index.locateAll(l.lon, l.lat).map((code) => ({ file, row: null, lsoa21cd: l.lsoa21cd, code, name: names.get(code) ?? code, lsoaColumn: "(polygons)", codeColumn: codeProperty })),
  );
}

const polygonTable: TableDecl = { name: "nb_polygon", columns: [["file", "VARCHAR"], ["feature", "INTEGER"], ["code", "VARCHAR"]] };

async function writeClaims(db: Db, claims: Claim[], polygons: Polygon[]): Promise<void> {
  const temp = { schema: "main", catalog: "temp" };
  await createTable(db, claimTable, { temp: true });
  await appendRows(db, claimTable, claims.map((c, i) => [i, c.file, c.row, c.lsoa21cd, c.code, c.name, c.lsoaColumn, c.codeColumn, c.problem ?? null]), temp);
  await createTable(db, polygonTable, { temp: true });
  await appendRows(db, polygonTable, polygons.map((p) => [p.file, p.feature, p.code]), temp);
}

/**
 * What the national code lists (built by the code-lists stage; absent in a bare database) say about the codes given
 * that are not the place's: changed 2011 codes with their 2021 codes (nb_lsoa11), and LSOAs of other places with their
 * names (nb_elsewhere), so a rejected row says which it is.
 */
async function nationalCodes(db: Db): Promise<void> {
  const lists = (await hasTable(db, "code_known")) && (await hasTable(db, "code_lsoa11_changed")) && (await hasTable(db, "code_lsoa_name"));
  const claimed = `(SELECT DISTINCT lsoa21cd FROM neighbourhood_claim WHERE lsoa21cd NOT IN (SELECT lsoa21cd FROM lsoa))`;
  await db.run(
    lists
      ? `CREATE OR REPLACE TEMP TABLE nb_lsoa11 AS
         SELECT c.lsoa11cd, string_agg(c.lsoa21cd, ', ' ORDER BY c.lsoa21cd) AS lsoa21
         FROM code_lsoa11_changed c WHERE c.lsoa11cd IN ${claimed} GROUP BY c.lsoa11cd`
      : `CREATE OR REPLACE TEMP TABLE nb_lsoa11 (lsoa11cd VARCHAR, lsoa21 VARCHAR)`,
  );
  await db.run(
    lists
      ? `CREATE OR REPLACE TEMP TABLE nb_elsewhere AS
         SELECT k.code AS lsoa, coalesce(any_value(n.name), 'district ' || any_value(k.lad_code)) AS name
         FROM code_known k LEFT JOIN code_lsoa_name n ON n.code = k.code
         WHERE k.kind = 'LSOA21' AND k.code IN ${claimed} GROUP BY k.code`
      : `CREATE OR REPLACE TEMP TABLE nb_elsewhere (lsoa VARCHAR, name VARCHAR)`,
  );
}

/** Build neighbourhood, neighbourhood_lsoa and neighbourhood_report from the registered files, in ingest order (none: the tables are dropped). */
export async function buildNeighbourhoods(db: Db, files: readonly (string | InputFile)[], ctx: InputContext): Promise<IngestResult> {
  for (const t of ["neighbourhood", "neighbourhood_lsoa", "neighbourhood_report"]) await db.run(`DROP TABLE IF EXISTS ${t}`);
  const ordered = asInputFiles("neighbourhoods", files).sort((a, b) => a.seq - b.seq);
  if (!ordered.length) {
    await recordIssues(db, "neighbourhoods", `SELECT NULL::VARCHAR AS file, NULL AS "row", NULL::VARCHAR AS "column", NULL::VARCHAR AS value, NULL::VARCHAR AS reason, NULL::VARCHAR AS severity WHERE false`, ctx.reportsDir);
    return emptyResult("neighbourhoods");
  }
  const claims: Claim[] = [];
  const polygons: Polygon[] = [];
  for (const { path, name: file } of ordered) claims.push(...(/\.(geo)?json$/i.test(path) ? await readGeoJsonClaims(db, path, file, polygons) : readCsvClaims(path, file)));
  await writeClaims(db, claims, polygons);
  await nationalCodes(db);
  await db.run(`
    CREATE TABLE neighbourhood_report AS
    SELECT file, "row", CASE WHEN problem IS NOT NULL THEN NULL WHEN code = '' THEN code_column ELSE lsoa_column END AS "column", lsoa21cd,
           code AS neighbourhood_code, 'rejected' AS kind,
           CASE WHEN problem IS NOT NULL THEN problem
                WHEN code = '' THEN 'no neighbourhood given'
                WHEN o.lsoa21 IS NOT NULL THEN 'an LSOA 2011 code that changed in 2021: give the 2021 code (' || o.lsoa21 || ') instead'
                WHEN e.name IS NOT NULL THEN 'LSOA ' || lsoa21cd || ' (' || e.name || ') is outside the place'
                WHEN NOT regexp_full_match(lsoa21cd, 'E01\\d{6}') THEN 'not an LSOA 2021 code'
                ELSE 'not one of the place''s LSOAs' END AS problem
    FROM neighbourhood_claim
    LEFT JOIN nb_lsoa11 o ON o.lsoa11cd = lsoa21cd
    LEFT JOIN nb_elsewhere e ON e.lsoa = lsoa21cd
    WHERE code = '' OR lsoa21cd NOT IN (SELECT lsoa21cd FROM lsoa)
    UNION ALL
    SELECT arg_max(file, seq), min("row"), arg_max(lsoa_column, seq), lsoa21cd, string_agg(DISTINCT code, ', ' ORDER BY code), 'claimed twice',
           'claimed by ' || count(DISTINCT code) || ' neighbourhoods; kept in ' || arg_min(code, seq)
    FROM neighbourhood_claim WHERE code <> '' AND lsoa21cd IN (SELECT lsoa21cd FROM lsoa)
    GROUP BY lsoa21cd HAVING count(DISTINCT code) > 1
    UNION ALL
    SELECT p.file, NULL, '(polygons)', NULL, p.code, 'claims nothing',
           'polygon ' || p.feature || ' holds no LSOA of the place (by population-weighted centroid): it is outside the place, or too small'
    FROM nb_polygon p ANTI JOIN neighbourhood_claim c ON c.file = p.file AND c.code = p.code
    UNION ALL
    SELECT NULL, NULL, NULL, lsoa21cd, NULL, 'left out', 'no neighbourhood claims this LSOA'
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
  await db.run(`COMMENT ON TABLE neighbourhood_report IS 'Problems found in the neighbourhood files: rows rejected (bad or unknown LSOA code, no neighbourhood), LSOAs claimed twice (first claim kept), LSOAs left out; also in input_issues'`);
  const result = await report(db, ctx);
  for (const t of ["neighbourhood_claim", "nb_polygon", "nb_lsoa11", "nb_elsewhere"]) await db.run(`DROP TABLE ${t}`);
  const [{ n, lsoas }] = await db.all<{ n: number; lsoas: number }>(`SELECT count(*)::INTEGER AS n, coalesce(sum(lsoas), 0)::INTEGER AS lsoas FROM neighbourhood`);
  const counts = await db.all<{ kind: string; n: number }>(`SELECT kind, count(*)::INTEGER AS n FROM neighbourhood_report GROUP BY kind ORDER BY kind`);
  ctx.log.info(`neighbourhoods: ${n} neighbourhoods over ${lsoas} LSOAs${counts.length ? `; ${counts.map((c) => `${c.n} ${c.kind}`).join(", ")} (table neighbourhood_report)` : ""}`);
  if (n === 0) throw new InputError(ordered.map((f) => f.name).join(", "), "no LSOA of the place was given a neighbourhood");
  return result;
}

/** The kit's report (rejected rows as errors, double claims and LSOAs left out as warnings) and the one IngestResult. */
async function report(db: Db, ctx: InputContext): Promise<IngestResult> {
  const issues = await recordIssues(
    db,
    "neighbourhoods",
    `SELECT file, "row", "column", lsoa21cd AS value, problem AS reason,
            CASE kind WHEN 'rejected' THEN 'error' ELSE 'warning' END AS severity, neighbourhood_code
     FROM neighbourhood_report ORDER BY kind = 'left out', file, "row", lsoa21cd`,
    ctx.reportsDir,
    ["neighbourhood_code"],
  );
  const files = await db.all<{ file: string; rowsRead: number; accepted: number; rejected: number; warnings: number }>(`
    SELECT c.file, count(*)::INTEGER AS "rowsRead", (count(*) - count(r.lsoa21cd))::INTEGER AS accepted, count(r.lsoa21cd)::INTEGER AS rejected,
           (SELECT count(*) FROM neighbourhood_report w WHERE w.file = c.file AND w.kind IN ('claimed twice', 'claims nothing'))::INTEGER AS warnings
    FROM neighbourhood_claim c LEFT JOIN neighbourhood_report r ON r.kind = 'rejected' AND r.file = c.file AND r."row" IS NOT DISTINCT FROM c."row" AND r.lsoa21cd = c.lsoa21cd AND r.neighbourhood_code = c.code
    GROUP BY c.file ORDER BY min(c.seq)`);
  const [t] = await db.all<{ left: number; lsoas: number; people: number }>(`
    SELECT count(*)::INTEGER AS "left", (SELECT count(*) FROM lsoa)::INTEGER AS lsoas, coalesce(sum(l.population), 0)::INTEGER AS people
    FROM neighbourhood_report r JOIN lsoa l USING (lsoa21cd) WHERE r.kind = 'left out'`);
  const sum = (k: "rowsRead" | "accepted" | "rejected") => files.reduce((a, f) => a + f[k], 0);
  return {
    ...emptyResult("neighbourhoods"),
    files,
    rowsRead: sum("rowsRead"),
    accepted: sum("accepted"),
    rejected: sum("rejected"),
    warnings: issues.warnings,
    warningsByReason: issues.byReason,
    placed: [{ method: "LSOAs given a neighbourhood", count: t.lsoas - t.left }],
    notices: t.left
      ? [{ key: "left-out", message: `${t.left.toLocaleString("en-GB")} of ${t.lsoas.toLocaleString("en-GB")} LSOAs of the place (${t.people.toLocaleString("en-GB")} residents) are in no neighbourhood`, count: t.left, share: t.left / t.lsoas, fix: `add a row for each to the file (listed in ${issues.report}) and ingest it again` }]
      : [],
    reports: [issues.report],
  };
}

/** The kind's stage: all its files, rebuilt together. */
export function neighbourhoodsStage(files: readonly (string | InputFile)[], ctx: InputContext): KindStage {
  return { name: "custom neighbourhoods", run: (db) => buildNeighbourhoods(db, files, ctx) };
}
