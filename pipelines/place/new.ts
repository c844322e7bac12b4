// `chest place new`: a place file made from what a partnership knows (districts, an ICB or sub-ICB), from the ONS lookups: districts listed, the ICB named, partnerships proposed, validated and written.
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { openDb } from "../db/connection.ts";
import { UsageError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { describe, loadAreaLookups, resolveArea, type NamedArea } from "./areas.ts";
import { placeSchema, type Place } from "./schema.ts";

export const placesDir = "data/places";

export interface NewPlaceOptions {
  /** District codes or names, ICB or sub-ICB codes, ODS codes or names. */
  terms: string[];
  /** One partnership per district (default) or per sub-ICB. */
  partnerships?: "district" | "sub-icb";
  id?: string;
  name?: string;
  rawDir: string;
  mirror?: string;
  outDir?: string;
  /** Replace an existing file of the same id. */
  force?: boolean;
  log: Logger;
}

export interface NewPlaceResult {
  place: Place;
  file: string;
  areas: NamedArea[];
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

interface DistrictRow {
  code: string;
  name: string;
  lsoas: number;
  sicbl_code: string;
  sicbl_ods: string;
  sicbl_name: string;
  icb_code: string;
  icb_ods: string;
  icb_name: string;
}

/** The place as the partnership described it; the file is validated with the place schema before it is written. */
export async function newPlace(options: NewPlaceOptions): Promise<NewPlaceResult> {
  if (!options.terms.length) throw new UsageError("name at least one district, sub-ICB or ICB (code, ODS code or name)");
  const db = await openDb();
  let areas: NamedArea[];
  let districts: DistrictRow[];
  try {
    await loadAreaLookups(db, options.rawDir, options.mirror);
    areas = [];
    for (const term of options.terms) areas.push(await resolveArea(db, term));
    // A district belongs to the place when named, or when most of its LSOAs lie in a named sub-ICB or ICB.
    // Each district's sub-ICB and ICB are those holding most of its LSOAs.
    districts = await db.all<DistrictRow>(
      `WITH named AS (SELECT unnest($codes::VARCHAR[]) AS code),
       district_nhs AS (
         SELECT lad_code, sicbl_code, any_value(sicbl_ods) AS sicbl_ods, any_value(sicbl_name) AS sicbl_name,
                any_value(icb_code) AS icb_code, any_value(icb_ods) AS icb_ods, any_value(icb_name) AS icb_name, count(*) AS n,
                row_number() OVER (PARTITION BY lad_code ORDER BY count(*) DESC, sicbl_code) AS r
         FROM lookup_lsoa GROUP BY lad_code, sicbl_code),
       chosen AS (
         SELECT lad_code FROM lookup_lsoa
         GROUP BY lad_code
         HAVING bool_or(lad_code IN (SELECT code FROM named))
             OR count(*) FILTER (WHERE sicbl_code IN (SELECT code FROM named) OR icb_code IN (SELECT code FROM named)) * 2 > count(*))
       SELECT l.lad_code AS code, any_value(l.lad_name) AS name, count(*)::INTEGER AS lsoas,
              any_value(d.sicbl_code) AS sicbl_code, any_value(d.sicbl_ods) AS sicbl_ods, any_value(d.sicbl_name) AS sicbl_name,
              any_value(d.icb_code) AS icb_code, any_value(d.icb_ods) AS icb_ods, any_value(d.icb_name) AS icb_name
       FROM lookup_lsoa l
       JOIN chosen c USING (lad_code)
       JOIN district_nhs d ON d.lad_code = l.lad_code AND d.r = 1
       GROUP BY l.lad_code
       ORDER BY name`,
      { codes: areas.map((a) => a.code) },
    );
  } finally {
    db.close();
  }
  if (!districts.length) throw new UsageError(`${areas.map(describe).join("; ")} holds no English district`);
  const place = composePlace(districts, areas, options);
  const parsed = placeSchema.parse(place);
  const outDir = resolve(options.outDir ?? placesDir);
  const file = join(outDir, `${parsed.id}.json`);
  if (existsSync(file) && !options.force) throw new UsageError(`${file} already exists: choose another --id, or --force to replace it`);
  mkdirSync(outDir, { recursive: true });
  const tmp = `${file}.part-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(place, null, 2) + "\n");
  renameSync(tmp, file);
  report(options.log, parsed, districts, file);
  return { place: parsed, file, areas };
}

/** The place file's content: name and id from what was named, the ICB holding most of it, partnerships per district or per sub-ICB. */
export function composePlace(districts: DistrictRow[], areas: NamedArea[], options: Pick<NewPlaceOptions, "id" | "name" | "partnerships">) {
  const icbs = new Map(districts.map((d) => [d.icb_code, d]));
  const main = [...icbs.values()].sort((a, b) => sumLsoas(districts, b.icb_code) - sumLsoas(districts, a.icb_code))[0];
  const nhs = areas.find((a) => a.kind !== "district");
  const name = options.name ?? (nhs ? nhs.name.replace(/^NHS /, "").replace(/ (Integrated Care Board|ICB)( - \w+)?$/, "") : districts.map((d) => d.name).join(", "));
  const id = options.id ?? slug(name);
  const bySubIcb = options.partnerships === "sub-icb";
  const groups = new Map<string, string[]>();
  for (const d of districts) {
    const key = bySubIcb ? d.sicbl_name : d.name;
    groups.set(key, [...(groups.get(key) ?? []), d.code]);
  }
  return {
    id,
    name,
    description: `${districts.length === 1 ? "The district" : `The ${districts.length} districts`} of ${districts.map((d) => d.name).join(", ")}, in ${main.icb_name}. Made by chest place new from the ONS lookups (LAD 2024, sub-ICB and ICB April 2024).`,
    icb: { code: main.icb_code, ods: main.icb_ods, name: main.icb_name },
    localAuthorities: districts.map((d) => ({ code: d.code, name: d.name })),
    partnerships: [...groups].map(([partnership, codes]) => ({ name: partnership, localAuthorities: codes })),
    subIcbs: [...new Map(districts.map((d) => [d.sicbl_code, { code: d.sicbl_code, ods: d.sicbl_ods, name: d.sicbl_name }])).values()],
    disclosure: { threshold: 7, rounding: 5 },
    reach: { walkMetres: 1200 },
  };
}

function sumLsoas(districts: DistrictRow[], icb: string): number {
  return districts.filter((d) => d.icb_code === icb).reduce((s, d) => s + d.lsoas, 0);
}

function report(log: Logger, place: Place, districts: DistrictRow[], file: string): void {
  log.info(`place new: ${place.name} (id ${place.id}), ${districts.length} district(s), ${districts.reduce((s, d) => s + d.lsoas, 0)} LSOAs`);
  for (const d of districts) log.progress(`${d.code} ${d.name}: ${d.lsoas} LSOAs, ${d.sicbl_name} (${d.sicbl_ods})`);
  if (place.icb) log.progress(`ICB: ${place.icb.name} (${place.icb.code}, ODS ${place.icb.ods})`);
  log.progress(`partnerships: ${place.partnerships.map((p) => p.name).join("; ")}`);
  log.info(`place new: wrote ${file}; use it with --place ${place.id}`);
}
