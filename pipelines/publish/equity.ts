// What the Equity page receives: equity of spend per area × round × funder type, its deciles, and the rounds and coverage, computed fresh from the grant tables at site-build time.
import { openDb, type Db } from "../db/connection.ts";
import { computeEquity, EQUITY_CI_NOTE, type EquityResult } from "../equity/compute.ts";
import { writeEquityTables } from "../equity/tables.ts";
import { SYNTHETIC_LABEL } from "../demo/generators.ts";
import { queryToArrow } from "./arrow.ts";

/** The computed rows as Arrow IPC: written into a scratch in-memory database (the published one is read-only), then read back. */
async function asArrow(result: EquityResult, table: "equity" | "equity_decile"): Promise<Buffer> {
  const scratch = await openDb(":memory:");
  try {
    await writeEquityTables(scratch, result);
    return await queryToArrow(scratch, `SELECT * FROM ${table}`);
  } finally {
    scratch.close();
  }
}

/**
 * The site build runs its three equity loaders on one database opened read-only: the figures are worked out once for
 * it (they cannot change while it is open). A database open for writing is worked out afresh each time.
 */
const computed = new WeakMap<Db, Promise<EquityResult>>();
async function equityOf(db: Db): Promise<EquityResult> {
  const known = computed.get(db);
  if (known) return known;
  const [{ mode }] = await db.all<{ mode: string }>(`SELECT current_setting('access_mode') AS mode`);
  const result = computeEquity(db);
  if (mode === "read_only") {
    computed.set(db, result);
    result.catch(() => computed.delete(db));
  }
  return result;
}

/** One row per area (place, partnership, borough) × round × funder type, with every statistic and the area's IMD context. */
export async function equityGroups(db: Db): Promise<Buffer> {
  return asArrow(await equityOf(db), "equity");
}

/** Ten rows (national IMD deciles) per group. */
export async function equityDeciles(db: Db): Promise<Buffer> {
  return asArrow(await equityOf(db), "equity_decile");
}

/** Rounds, funder types, how much money the figures cover, and whether anything is synthetic. */
export async function equityMeta(db: Db): Promise<string> {
  const r = await equityOf(db);
  return JSON.stringify({
    hasGrants: r.hasGrants,
    place: { id: r.placeId, name: r.placeName },
    rounds: r.rounds,
    funderTypes: r.funderTypes,
    coverage: r.coverage,
    synthetic: r.rounds.some((x) => x.synthetic),
    syntheticLabel: SYNTHETIC_LABEL,
    unrankedSpend: r.rows.filter((x) => x.layer === "place" && x.round_id === "(all)" && x.funder_type === "(all)").reduce((s, x) => s + x.unranked_spend, 0),
    ciNote: EQUITY_CI_NOTE,
  });
}
