// The layers a decision record can split a pot by, and each LSOA's area at each: one definition for every stage that reads records.
//
// Most layers are columns of the lsoa table; PCNs (nearest GP practice, need_lsoa_pcn) and custom neighbourhoods
// (neighbourhood_lsoa) have their own tables, which exist only once the need stage or a neighbourhoods ingest made them.
import type { Db } from "../db/connection.ts";
import { hasTable } from "../db/catalog.ts";

export const RECORD_LAYERS = ["lsoa", "msoa", "ward", "pcn", "lad", "partnership", "neighbourhood"] as const;
export type RecordLayer = (typeof RECORD_LAYERS)[number];

const FROM_LSOA: Readonly<Record<string, { code: string; name: string }>> = {
  lsoa: { code: "lsoa21cd", name: "lsoa21nm" },
  msoa: { code: "msoa21cd", name: "coalesce(msoa_name, msoa21nm)" },
  ward: { code: "ward_code", name: "ward_name" },
  lad: { code: "lad_code", name: "lad_name" },
  partnership: { code: "coalesce(partnership, lad_name)", name: "coalesce(partnership, lad_name)" },
};
const OWN_TABLE: Readonly<Record<string, { table: string; code: string; name: string }>> = {
  pcn: { table: "need_lsoa_pcn", code: "pcn_code", name: "pcn_name" },
  neighbourhood: { table: "neighbourhood_lsoa", code: "neighbourhood_code", name: "neighbourhood_name" },
};

/** SQL for each LSOA's area at a layer: rows (lsoa21cd, code, name), or (lsoa21cd, code) without names. */
export function layerAreasSql(layer: RecordLayer | string, { names = true } = {}): string {
  const own = OWN_TABLE[layer];
  const cols = own ?? FROM_LSOA[layer];
  if (!cols) throw new Error(`unknown layer "${layer}"`);
  return `SELECT lsoa21cd, ${cols.code} AS code${names ? `, ${cols.name} AS name` : ""} FROM ${own ? own.table : "lsoa"}`;
}

/** Whether the tables a layer is read from exist in this database (PCNs and custom neighbourhoods may not). */
export async function layerAvailable(db: Db, layer: RecordLayer | string): Promise<boolean> {
  const own = OWN_TABLE[layer];
  return own ? hasTable(db, own.table) : true;
}

/** The LSOAs of every area at several layers as one SQL source: rows (layer, code, lsoa21cd); layers whose tables this database lacks are left out. */
export async function layerMembersSql(db: Db, layers: readonly RecordLayer[]): Promise<string> {
  const parts: string[] = [];
  for (const layer of layers) {
    if (await layerAvailable(db, layer)) parts.push(`SELECT '${layer}' AS layer, code, lsoa21cd FROM (${layerAreasSql(layer, { names: false })})`);
  }
  return parts.join("\n       UNION ALL ");
}
