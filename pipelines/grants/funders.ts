// Whose money each grant is: link grants to the place's rounds by programme, then split each grant over funders (named funder, else pro rata to the round's contributions), to the penny.
import type { Db } from "../db/connection.ts";
import type { Place } from "../place/schema.ts";
import { appendRows } from "../kit/table.ts";
import { apportionSql, cutSql } from "./apportion.ts";
import { createDocumentedTable, tableDoc } from "./tables.ts";
import { createGrantFunderTypeView } from "./views.ts";

const roundsSpec = tableDoc("grant_rounds");
/** Where the appender finds a temporary table. */
const temp = { schema: "main", catalog: "temp" };

/**
 * grant_rounds from the place configuration; grants_round (grant → round) for the grants table; grant_funder_type.
 * A grant that names (Funding Org) a funder the place declares (a round contributor, by identifier or name, or
 * one of `funders`) is that funder's money (split equally if it names several). Other grants in a round are
 * split pro rata over the round's contributions, after taking off what named grants already used of each
 * contribution. Grants in no round whose funder is not declared keep their first funder with type "not declared".
 */
export async function attributeFunders(db: Db, place: Place): Promise<void> {
  await createDocumentedTable(db, "grant_rounds");
  await appendRows(
    db,
    roundsSpec,
    place.rounds.flatMap((r, ri) =>
      r.contributions.map((c, ci) => [r.id, r.name, r.programme, r.synthetic, ri, ci, c.funder, c.funderId ?? null, c.type, Math.round(c.amount * 100)]),
    ),
  );
  // A programme matches by its code or its title: two equi-joins (an OR in the join condition compares every pair).
  await db.run(`CREATE OR REPLACE TEMP TABLE grants_round AS
    SELECT p.grant_id, first(r.round_id ORDER BY r.round_seq, p.seq) AS round_id
    FROM (
      SELECT grant_id, seq, lower(trim(code)) AS k FROM grants_stg_programme
      UNION ALL SELECT grant_id, seq, lower(trim(title)) FROM grants_stg_programme
    ) p
    JOIN (SELECT DISTINCT round_id, lower(trim(programme)) AS k, round_seq FROM grant_rounds) r USING (k)
    GROUP BY p.grant_id`);

  await db.run(`CREATE OR REPLACE TEMP TABLE g_fdir (funder VARCHAR, funder_id VARCHAR, funder_type VARCHAR, prio INTEGER)`);
  await db.run(`INSERT INTO g_fdir SELECT funder, funder_id, funder_type, round_seq * 1000 + seq FROM grant_rounds`);
  await appendRows(
    db,
    { name: "g_fdir", columns: [["funder", "VARCHAR"], ["funder_id", "VARCHAR"], ["funder_type", "VARCHAR"], ["prio", "INTEGER"]] },
    place.funders.map((f, i) => [f.name, f.id ?? null, f.type, 1_000_000 + i]),
    temp,
  );
  await db.run(`CREATE OR REPLACE TEMP TABLE g_named AS
    SELECT o.grant_id, d.funder, first(d.funder_type ORDER BY d.prio) AS funder_type
    FROM grant_funding_orgs o JOIN g_fdir d
      ON (d.funder_id IS NOT NULL AND lower(trim(o.org_id)) = lower(trim(d.funder_id))) OR lower(trim(o.org_name)) = lower(trim(d.funder))
    GROUP BY o.grant_id, d.funder`);
  await db.run(`CREATE OR REPLACE TEMP TABLE g_named_split AS
    ${apportionSql(`SELECT n.grant_id, n.funder, n.funder_type, g.amount_pence, 1 AS one FROM g_named n JOIN grants_stg_grant g USING (grant_id)`, "grant_id", "amount_pence", "one", "funder")}`);
  await db.run(`CREATE OR REPLACE TEMP TABLE g_remaining AS
    SELECT c.round_id, c.seq, c.funder, c.funder_type, c.contribution_pence,
      greatest(c.contribution_pence - coalesce(u.used, 0), 0)::BIGINT AS remaining
    FROM grant_rounds c LEFT JOIN (
      SELECT r.round_id, lower(trim(s.funder)) AS funder, sum(s.amount) AS used
      FROM g_named_split s JOIN grants_round r USING (grant_id) GROUP BY 1, 2
    ) u ON u.round_id = c.round_id AND u.funder = lower(trim(c.funder))`);
  // Stored compactly: grant_round_weight once per contribution, and one grant_funder_part row per round pro rata
  // grant with the cut-off that says which contributions get an extra penny; the view grant_funder_type spreads them.
  await createDocumentedTable(db, "grant_round_weight");
  await db.run(`INSERT INTO grant_round_weight
    SELECT round_id, seq, funder, funder_type, w, sum(w) OVER (PARTITION BY round_id), count(*) OVER (PARTITION BY round_id) FROM (
      SELECT *, CASE WHEN sum(remaining) OVER (PARTITION BY round_id) > 0 THEN remaining ELSE contribution_pence END AS w FROM g_remaining
    ) ORDER BY round_id, seq`);
  await db.run(`CREATE OR REPLACE TEMP TABLE g_pro_rata AS
    SELECT g.grant_id, g.gk, r.round_id, g.amount_pence FROM grants_stg_grant g JOIN grants_round r USING (grant_id) ANTI JOIN g_named n USING (grant_id)`);
  await db.run(`CREATE OR REPLACE TEMP TABLE g_cut AS
    ${cutSql(
      `SELECT p.gk, p.amount_pence, w.seq, w.weight, w.round_weight, w.contributions FROM g_pro_rata p JOIN grant_round_weight w USING (round_id) WHERE w.contributions > 1`,
      "gk", "amount_pence", "weight", "seq", { weight: "round_weight", count: "contributions" },
    )}`);

  await createDocumentedTable(db, "grant_funder_part");
  await db.run(`INSERT INTO grant_funder_part
    SELECT s.grant_id, r.round_id, s.funder, s.funder_type, s.amount, 'named funder', NULL, NULL
    FROM g_named_split s LEFT JOIN grants_round r USING (grant_id)
    UNION ALL
    SELECT p.grant_id, p.round_id, NULL, NULL, p.amount_pence, 'round pro rata', c.rem_cut, c.tie_cut
    FROM g_pro_rata p LEFT JOIN g_cut c USING (gk)
    UNION ALL
    SELECT g.grant_id, NULL, coalesce(g.funding_org_name, g.funding_org_id), 'not declared', g.amount_pence, 'not declared', NULL, NULL
    FROM grants_stg_grant g ANTI JOIN g_named n USING (grant_id) ANTI JOIN grants_round r USING (grant_id)`);
  await createGrantFunderTypeView(db);
  for (const t of ["g_fdir", "g_named", "g_named_split", "g_remaining", "g_pro_rata", "g_cut"]) await db.run(`DROP TABLE IF EXISTS ${t}`);
}
