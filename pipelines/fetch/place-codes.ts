// The area codes a place covers (LSOA 2021 and 2011, MSOA, ward), read from the fetched lookups, to select its boundaries.
import { join } from "node:path";
import { openDb } from "../db/connection.ts";
import { literal } from "../db/sql.ts";
import { InputError } from "../errors.ts";
import type { Place } from "../place/schema.ts";
import { sourceById, type CsvSource } from "../sources.ts";

export interface PlaceCodes {
  lsoa21: string[];
  lsoa11: string[];
  msoa21: string[];
  ward: string[];
  lad: string[];
}

function csv(rawDir: string, id: string): string {
  return literal(join(rawDir, (sourceById(id) as CsvSource).file));
}

export async function placeCodes(place: Place & { file?: string }, rawDir: string): Promise<PlaceCodes> {
  const db = await openDb();
  try {
    const lads = place.localAuthorities.map((la) => la.code);
    await db.run(`CREATE TABLE place_lad AS SELECT unnest($lads::VARCHAR[]) AS code`, { lads });
    await db.run(`CREATE TABLE ward AS SELECT * FROM read_csv(${csv(rawDir, "lookup-lsoa21-ward24")}, header = true, all_varchar = true)`);
    const unknown = await db.all<{ code: string }>(
      `SELECT code FROM place_lad WHERE code NOT IN (SELECT "LAD24CD" FROM ward) ORDER BY code`,
    );
    if (unknown.length)
      throw new InputError(
        place.file ?? place.id,
        `localAuthorities: ${unknown.map((u) => u.code).join(", ")} ${unknown.length === 1 ? "is not a local authority district" : "are not local authority districts"} in the LSOA→ward→LAD lookup (LAD 2024 codes)`,
      );
    const list = async (sql: string) => (await db.all<{ code: string }>(sql)).map((r) => r.code);
    const lsoa21 = await list(`SELECT DISTINCT "LSOA21CD" AS code FROM ward WHERE "LAD24CD" IN (SELECT code FROM place_lad) ORDER BY 1`);
    const ward = await list(`SELECT DISTINCT "WD24CD" AS code FROM ward WHERE "LAD24CD" IN (SELECT code FROM place_lad) ORDER BY 1`);
    const lsoa11 = await list(`
      SELECT DISTINCT "LSOA11CD" AS code
      FROM read_csv(${csv(rawDir, "lookup-lsoa11-lsoa21")}, header = true, all_varchar = true)
      WHERE "LSOA21CD" IN (SELECT "LSOA21CD" FROM ward WHERE "LAD24CD" IN (SELECT code FROM place_lad))
         OR "LAD22CD" IN (SELECT code FROM place_lad)
      ORDER BY 1`);
    // An LSOA's name is its MSOA's name plus one letter (e.g. "Newham 016A" is in "Newham 016").
    const msoa21 = await list(`
      SELECT DISTINCT m.msoa21cd AS code
      FROM ward w
      JOIN read_csv(${csv(rawDir, "msoa-names")}, header = true, all_varchar = true) m
        ON m.msoa21nm = regexp_replace(w."LSOA21NM", '[A-Z]$', '')
      WHERE w."LAD24CD" IN (SELECT code FROM place_lad)
      ORDER BY 1`);
    return { lsoa21, lsoa11, msoa21, ward, lad: lads };
  } finally {
    db.close();
  }
}
