// Finds the districts, sub-ICBs and ICBs a partnership names (code, ODS code or name) in the fetched ONS lookups, with nearest matches for names it does not know.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Db } from "../db/connection.ts";
import { literal } from "../db/sql.ts";
import { MissingSourceError, UsageError } from "../errors.ts";
import { sourceById, type CsvSource } from "../sources.ts";

export type AreaKind = "district" | "sub-ICB" | "ICB";

export interface NamedArea {
  kind: AreaKind;
  code: string;
  /** NHS ODS code, for sub-ICBs and ICBs. */
  ods: string | null;
  name: string;
}

/** The fetched copy of a lookup in the raw folder, else the mirror's copy; fails naming what to run. */
export function lookupFile(id: string, rawDir: string, mirror?: string): string {
  const source = sourceById(id) as CsvSource;
  const fetched = resolve(rawDir, source.file);
  if (existsSync(fetched)) return fetched;
  if (mirror && existsSync(join(mirror, source.mirrorPath))) return join(mirror, source.mirrorPath);
  throw new MissingSourceError(`${fetched} is missing: run \`chest fetch\` (any place) first, or give --mirror, so the ONS lookups are at hand (${source.title})`);
}

/**
 * Tables `lookup_lsoa` (one row per English LSOA: district, sub-ICB, ICB) and `named_area` (every district, sub-ICB
 * and ICB with a `key`: its name lower-cased without "NHS", "Integrated Care Board", "ICB" or the sub-ICB's code suffix).
 */
export async function loadAreaLookups(db: Db, rawDir: string, mirror?: string): Promise<void> {
  const ward = literal(lookupFile("lookup-lsoa21-ward24", rawDir, mirror));
  const icb = literal(lookupFile("lookup-lsoa21-icb24", rawDir, mirror));
  await db.run(`
    CREATE TEMP TABLE lookup_lsoa AS
    SELECT w."LSOA21CD" AS lsoa, w."LAD24CD" AS lad_code, w."LAD24NM" AS lad_name,
           i."SICBL24CD" AS sicbl_code, i."SICBL24CDH" AS sicbl_ods, i."SICBL24NM" AS sicbl_name,
           i."ICB24CD" AS icb_code, i."ICB24CDH" AS icb_ods, i."ICB24NM" AS icb_name
    FROM read_csv(${ward}, header = true, all_varchar = true) w
    JOIN read_csv(${icb}, header = true, all_varchar = true) i USING ("LSOA21CD")
    WHERE w."LAD24CD" LIKE 'E%'`);
  await db.run(`
    CREATE TEMP TABLE named_area AS
    SELECT DISTINCT 'district' AS kind, lad_code AS code, NULL::VARCHAR AS ods, lad_name AS name FROM lookup_lsoa
    UNION SELECT DISTINCT 'sub-ICB', sicbl_code, sicbl_ods, sicbl_name FROM lookup_lsoa
    UNION SELECT DISTINCT 'ICB', icb_code, icb_ods, icb_name FROM lookup_lsoa`);
  await db.run(`
    CREATE TEMP TABLE named_area_key AS
    SELECT *, trim(regexp_replace(regexp_replace(regexp_replace(lower(name), '^nhs ', ''), ' (integrated care board|icb)( - \\w+)?$', ''), '\\s+', ' ', 'g')) AS key
    FROM named_area`);
}

/** One term (code, ODS code or name) → the area it names; an ICB wins over a sub-ICB of the same name. Unknown or ambiguous terms fail with the nearest names. */
export async function resolveArea(db: Db, term: string): Promise<NamedArea> {
  const matches = await db.all<NamedArea>(
    `SELECT kind, code, ods, name FROM named_area_key
     WHERE upper(code) = upper($t) OR upper(ods) = upper($t) OR lower(name) = lower(trim($t)) OR key = lower(trim($t))
     ORDER BY CASE kind WHEN 'district' THEN 1 WHEN 'ICB' THEN 2 ELSE 3 END, code`,
    { t: term },
  );
  const kinds = new Set(matches.map((m) => m.kind));
  const best = matches.filter((m) => m.kind === matches[0]?.kind);
  if (best.length === 1 && (kinds.size === 1 || best[0].kind !== "sub-ICB")) return best[0];
  if (matches.length > 1)
    throw new UsageError(`"${term}" is ambiguous: it could be ${matches.map(describe).join("; ")}. Give the code instead.`);
  const nearest = await db.all<NamedArea>(
    `SELECT kind, code, ods, name FROM named_area_key
     ORDER BY greatest(jaro_winkler_similarity(key, lower($t)), jaro_winkler_similarity(lower(name), lower($t))) DESC, code LIMIT 5`,
    { t: term },
  );
  throw new UsageError(`no district, sub-ICB or ICB is called "${term}" in the ONS lookups. Nearest: ${nearest.map(describe).join("; ")}`);
}

export function describe(area: NamedArea): string {
  return `${area.name} (${area.kind} ${area.code}${area.ods ? `, ODS ${area.ods}` : ""})`;
}
