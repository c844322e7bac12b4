// Stage 3: IoD2025 (domains, sub-domains, indicators) for the place's LSOAs, and IoD2019 carried from 2011 to 2021 LSOAs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { booleanPointInPolygon } from "@turf/turf";
import type { Db } from "../../db/connection.ts";
import { ident } from "../../db/sql.ts";
import { InputError, IntegrityError } from "../../errors.ts";
import type { Logger } from "../../log.ts";
import { file7Columns, sourceById, type CsvSource } from "../../sources.ts";
import { assertNumeric, assertUnique, assertCodes } from "../check-values.ts";
import { rawTable } from "../load-raw.ts";

function castFor(column: string): string {
  if (column.endsWith("_rank") || column.endsWith("_decile") || column.startsWith("pop_")) return "INTEGER";
  return "DOUBLE";
}

function typedSelect(columns: string[], keys: string[]): string {
  return columns
    .map((c) => (keys.includes(c) ? ident(c) : `CAST(${ident(c)} AS ${castFor(c)}) AS ${ident(c)}`))
    .join(",\n           ");
}

export const IOD2019_LSOAS = 32844;

/** Every code must be a 2021 LSOA; a 2011 code retired in 2021 gets a message that says so. */
async function assertKnown2021(db: Db, table: string, file: string): Promise<void> {
  const bad = await db.all<{ line: number; code: string; is2011: boolean }>(`
    SELECT line::INTEGER AS line, code, code IN (SELECT lsoa11cd FROM raw_lookup_lsoa11_lsoa21) AS is2011
    FROM (SELECT row_number() OVER () + 1 AS line, lsoa21cd AS code FROM ${ident(table)})
    WHERE code NOT IN (SELECT lsoa21cd FROM raw_lookup_lsoa21_ward24)
    ORDER BY line LIMIT 1`);
  if (bad.length) {
    const { line, code, is2011 } = bad[0];
    throw new InputError(
      file,
      `line ${line}: ${code} is not an LSOA 2021 code${is2011 ? " (it is a 2011 code that was replaced in 2021: this file must use 2021 codes)" : ""}`,
    );
  }
}

export async function buildIod2025(db: Db, rawDir: string, log: Logger): Promise<void> {
  const raw = rawTable("iod2025-file7");
  const file = join(rawDir, sourceById("iod2025-file7").file);
  const numeric = Object.keys(file7Columns).filter((c) => !["lsoa21cd", "lsoa21nm", "lad_code", "lad_name"].includes(c));
  await assertCodes(db, raw, "lsoa21cd", "E01\\d{6}", file, "an English LSOA 2021 code (E01…)");
  await assertUnique(db, raw, "lsoa21cd", file);
  await assertKnown2021(db, raw, file);
  await assertNumeric(db, raw, numeric, file, file7Columns);
  await db.run(`
    CREATE TABLE iod2025 AS
    SELECT ${typedSelect(["lsoa21cd", ...numeric], ["lsoa21cd"])}
    FROM ${ident(raw)}
    WHERE lsoa21cd IN (SELECT lsoa21cd FROM lsoa)
    ORDER BY lsoa21cd`);
  const [{ national }] = await db.all<{ national: number }>(`SELECT count(*)::INTEGER AS national FROM ${ident(raw)}`);
  await db.run(`INSERT INTO meta VALUES ('iod2025_lsoas', $n)`, { n: String(national) });
  const [{ missing, example }] = await db.all<{ missing: number; example: string | null }>(
    `SELECT count(*)::INTEGER AS missing, min(lsoa21cd) AS example FROM lsoa WHERE lsoa21cd NOT IN (SELECT lsoa21cd FROM iod2025)`,
  );
  if (missing) throw new IntegrityError(`${file}: ${missing} of the place's LSOAs have no IoD2025 row (e.g. ${example})`);

  const indicators = sourceById("iod2025-indicators") as CsvSource;
  const indicatorColumns = Object.keys(indicators.layouts[0].columns).filter((c) => c !== "lsoa21cd");
  const rawIndicators = rawTable("iod2025-indicators");
  await assertNumeric(db, rawIndicators, indicatorColumns, join(rawDir, indicators.file), indicators.layouts[0].columns);
  await db.run(`
    CREATE TABLE iod2025_indicators AS
    SELECT lsoa21cd, ${indicatorColumns.map((c) => `CAST(${ident(c)} AS DOUBLE) AS ${ident(c)}`).join(", ")}
    FROM ${ident(rawIndicators)}
    WHERE lsoa21cd IN (SELECT lsoa21cd FROM lsoa)
    ORDER BY lsoa21cd`);
  const [{ n, uses }] = await db.all<{ n: number; uses: number }>(
    `SELECT count(*)::INTEGER AS n, count(pop_total)::INTEGER AS uses FROM iod2025`,
  );
  await db.run(`INSERT INTO meta VALUES ('population_weights', $w)`, {
    w: uses === n ? "IoD2025 population denominators (mid-2022)" : "Census 2021 usual residents (the IoD2025 File 7 population denominators are empty in this copy)",
  });
  log.progress(`iod2025: ${n.toLocaleString("en-GB")} LSOAs of ${national.toLocaleString("en-GB")} in England`);
}

/** 2021 LSOAs with no 2011 parent in the best-fit lookup: find the 2011 LSOA containing their population-weighted centroid. */
async function spatialParents(db: Db, rawDir: string): Promise<number> {
  const orphans = await db.all<{ lsoa21cd: string; lon: number; lat: number }>(`
    SELECT lsoa21cd, centroid_lon AS lon, centroid_lat AS lat FROM lsoa
    WHERE lsoa21cd NOT IN (SELECT lsoa21cd FROM raw_lookup_lsoa11_lsoa21)
    ORDER BY lsoa21cd`);
  await db.run(`CREATE TEMP TABLE lsoa21_spatial_parent (lsoa21cd VARCHAR, lsoa11cd VARCHAR)`);
  if (!orphans.length) return 0;
  const fc = JSON.parse(readFileSync(join(rawDir, sourceById("boundaries-lsoa11").file), "utf8")) as {
    features: { properties: { LSOA11CD: string }; geometry: never }[];
  };
  const appender = await db.conn.createAppender("lsoa21_spatial_parent");
  for (const o of orphans) {
    const parent = fc.features.find((f) => booleanPointInPolygon([o.lon, o.lat], f as never));
    if (!parent) continue;
    appender.appendVarchar(o.lsoa21cd);
    appender.appendVarchar(parent.properties.LSOA11CD);
    appender.endRow();
  }
  appender.closeSync();
  return orphans.length;
}

export async function buildIod2019(db: Db, rawDir: string, log: Logger): Promise<void> {
  const source = sourceById("iod2019") as CsvSource;
  const raw = rawTable("iod2019");
  const file = join(rawDir, source.file);
  const measures = ["imd", "income", "employment", "education", "health", "crime", "barriers", "living_env"];
  await assertCodes(db, raw, "lsoa11cd", "E01\\d{6}", file, "an English LSOA 2011 code (E01…)");
  await assertUnique(db, raw, "lsoa11cd", file);
  await assertNumeric(db, raw, measures.flatMap((m) => [`${m}_rank`, `${m}_decile`]), file);
  const orphans = await spatialParents(db, rawDir);
  // Merged LSOAs (several 2011 parents) take the mean of their parents' ranks, and the decile that rank falls in.
  await db.run(`
    CREATE TABLE iod2019 AS
    WITH parents AS (
      SELECT lsoa21cd, lsoa11cd, 'best-fit lookup' AS method FROM raw_lookup_lsoa11_lsoa21
      WHERE lsoa21cd IN (SELECT lsoa21cd FROM lsoa)
      UNION ALL
      SELECT lsoa21cd, lsoa11cd, 'centroid in 2011 LSOA' FROM lsoa21_spatial_parent
    )
    SELECT p.lsoa21cd,
           CASE WHEN count(*) > 1 THEN 'best-fit lookup, ' || count(*) || ' LSOAs merged' ELSE any_value(p.method) END AS method,
           ${measures
             .map(
               (m) => `round(avg(CAST(r.${ident(`${m}_rank`)} AS INTEGER)))::INTEGER AS ${ident(`${m}_rank`)},
           CASE WHEN count(*) = 1 THEN any_value(CAST(r.${ident(`${m}_decile`)} AS INTEGER))
                ELSE ceil(10 * round(avg(CAST(r.${ident(`${m}_rank`)} AS INTEGER))) / ${IOD2019_LSOAS})::INTEGER END AS ${ident(`${m}_decile`)}`,
             )
             .join(",\n           ")}
    FROM parents p
    JOIN ${ident(raw)} r ON r.lsoa11cd = p.lsoa11cd
    GROUP BY p.lsoa21cd
    ORDER BY p.lsoa21cd`);
  const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM iod2019`);
  const missing = (await db.all<{ code: string }>(`SELECT lsoa21cd AS code FROM lsoa WHERE lsoa21cd NOT IN (SELECT lsoa21cd FROM iod2019) ORDER BY 1`)).map((r) => r.code);
  await db.run(`INSERT INTO meta VALUES ('iod2019_no_figure', $codes)`, { codes: missing.join(",") });
  log.progress(`iod2019: ${n.toLocaleString("en-GB")} LSOAs carried to 2021 codes (${orphans} without a best-fit parent, placed by centroid)`);
  if (missing.length)
    log.warn(
      `iod2019: ${missing.length} LSOA(s) get no IoD2019 figure (no best-fit 2011 parent, and no 2011 boundary holds their centroid): ${missing.join(", ")}; the maps show them as "no figure"`,
    );
}
