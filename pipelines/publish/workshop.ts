// What the Workshop page receives: one row per LSOA (geography, residents, IoD ranks, chest money already there) and the round's context (data vintages, last round's equity), computed at site-build time.
import type { Db } from "../db/connection.ts";
import { SYNTHETIC_LABEL } from "../demo/generators.ts";
import { hasTable } from "./database.ts";
import { queryToArrow } from "./arrow.ts";

/** The IoD domain ranks the page offers as need components (rank 1 = most deprived of the 33,755 LSOAs in England). */
export const WORKSHOP_RANKS = ["income", "employment", "education", "health", "crime", "barriers", "living_env"] as const;

/** The last funding round by its order in the place file, or null when no grants are loaded. */
async function lastRound(db: Db): Promise<{ round_id: string; round_name: string; synthetic: boolean } | null> {
  if (!(await hasTable(db, "grant_rounds"))) return null;
  const rows = await db.all<{ round_id: string; round_name: string; synthetic: boolean }>(
    `SELECT DISTINCT round_id, round_name, synthetic, round_seq FROM grant_rounds ORDER BY round_seq DESC LIMIT 1`,
  );
  return rows[0] ?? null;
}

/**
 * One row per LSOA of the place: codes and names of every layer, residents, national IMD rank and decile, the domain and
 * supplementary ranks, and the chest money already located there (last round, and all rounds) in pounds. Grant money is
 * public by nature (360Giving); no referral figure is in this table.
 */
export async function workshopLsoa(db: Db): Promise<Buffer> {
  const grants = await hasTable(db, "grant_lsoa");
  const last = await lastRound(db);
  const money = grants
    ? `SELECT gl.lsoa21cd,
              SUM(gl.amount_pence) / 100.0 AS spend_all,
              SUM(gl.amount_pence) FILTER (WHERE g.round_id = $round) / 100.0 AS spend_last
       FROM grant_lsoa gl JOIN grants g USING (grant_id)
       GROUP BY gl.lsoa21cd`
    : `SELECT NULL::VARCHAR AS lsoa21cd, 0.0 AS spend_all, 0.0 AS spend_last WHERE false`;
  const ranks = WORKSHOP_RANKS.map((r) => `i.${r}_rank`).join(", ");
  const sql = `
    WITH money AS (${money})
    SELECT l.lsoa21cd AS code, l.lsoa21nm AS name,
           l.msoa21cd AS msoa, coalesce(l.msoa_name, l.msoa21nm) AS msoa_name,
           l.ward_code AS ward, l.ward_name, l.lad_code AS lad, l.lad_name,
           coalesce(l.partnership, l.lad_name) AS partnership,
           l.population::INTEGER AS population,
           i.imd_rank, i.imd_decile, ${ranks},
           coalesce(m.spend_last, 0)::DOUBLE AS spend_last,
           coalesce(m.spend_all, 0)::DOUBLE AS spend_all
    FROM lsoa l JOIN iod2025 i USING (lsoa21cd) LEFT JOIN money m USING (lsoa21cd)
    ORDER BY l.lsoa21cd`;
  return queryToArrow(db, sql, grants ? { round: last?.round_id ?? "" } : undefined);
}

/** Last round's actual spend and its equity (place, all funders), from the equity stage's tables. */
async function lastRoundEquity(db: Db, roundId: string) {
  if (!(await hasTable(db, "equity"))) return null;
  const [row] = await db.all<Record<string, number>>(
    `SELECT spend, core20_spend_share, core20_population_share, concentration_index
     FROM equity WHERE layer = 'place' AND funder_type = '(all)' AND round_id = $round`,
    { round: roundId },
  );
  if (!row) return null;
  const deciles = await db.all<{ decile: number; population: number; spend: number }>(
    `SELECT decile::INTEGER AS decile, population::DOUBLE AS population, spend::DOUBLE AS spend
     FROM equity_decile WHERE layer = 'place' AND funder_type = '(all)' AND round_id = $round ORDER BY decile`,
    { round: roundId },
  );
  return { ...row, deciles };
}

/** The round's context for the page and the decision record: place, data vintages, last round and its equity. */
export async function workshopMeta(db: Db): Promise<string> {
  const meta = Object.fromEntries((await db.all<{ key: string; value: string }>(`SELECT key, value FROM meta`)).map((r) => [r.key, r.value]));
  const iod = await db.all<{ title: string; file: string; fetched_at: string }>(
    `SELECT title, file, strftime(fetched_at, '%Y-%m-%d') AS fetched_at FROM provenance WHERE source = 'iod2025-file7'`,
  );
  const ledgers = (await hasTable(db, "grant_files"))
    ? await db.all<{ file: string; accepted: number }>(`SELECT file, accepted::INTEGER AS accepted FROM grant_files ORDER BY seq`)
    : [];
  const referralPeriod = (await hasTable(db, "referral_measures"))
    ? (await db.all<{ first: string | null; last: string | null }>(
        `SELECT min(period) AS first, max(period) AS last FROM referral_measures WHERE period_type = 'month'`,
      ))[0]
    : null;
  const last = await lastRound(db);
  return JSON.stringify({
    place: { id: meta.place_id, name: meta.place_name },
    iod: { edition: "English Indices of Deprivation 2025", nationalLsoas: Number(meta.iod2025_lsoas ?? 33755), file: iod[0]?.file ?? null, fetched: iod[0]?.fetched_at ?? null },
    ledgers,
    referralPeriod: referralPeriod?.first ? referralPeriod : null,
    lastRound: last ? { id: last.round_id, name: last.round_name, synthetic: last.synthetic, equity: await lastRoundEquity(db, last.round_id) } : null,
    synthetic: Boolean(last?.synthetic),
    syntheticLabel: SYNTHETIC_LABEL,
    ranks: WORKSHOP_RANKS,
  });
}
