// The equity build stage: recompute the `equity` and `equity_decile` tables from the grant tables, so analysts can query them; run it after every grants stage.
import type { Stage } from "../build/build.ts";
import type { Db } from "../db/connection.ts";
import type { Logger } from "../log.ts";
import { computeEquity } from "./compute.ts";
import { writeEquityTables } from "./tables.ts";

/** Compute equity of spend from db's grant tables and (re)create the equity tables in it. Returns the number of groups. */
export async function buildEquity(db: Db, log?: Logger): Promise<number> {
  const result = await computeEquity(db);
  await writeEquityTables(db, result);
  const place = result.rows.find((r) => r.layer === "place" && r.round_id === "(all)" && r.funder_type === "(all)");
  log?.info(`equity: ${result.rows.length} groups (${result.rounds.length} round(s), ${result.funderTypes.length} funder type(s))${place ? `; ${place.headline}` : ""}`);
  return result.rows.length;
}

/** A build stage for the end of the stage list, after the grants stage (it reads grants, grant_lsoa, grant_funder_type, grant_rounds). */
export function equityStage(log?: Logger): Stage {
  return { name: "equity of spend", run: async (db) => void (await buildEquity(db, log)) };
}
