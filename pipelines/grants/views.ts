// The grant views spread from compact stored parts, to the penny: grant_lsoa (a grant's parts over their codes' LSOAs) and grant_funder_type (round pro rata grants over their round's contributions).
import type { Db } from "../db/connection.ts";
import { spreadSql } from "./apportion.ts";
import { createDocumentedView } from "./tables.ts";

/** grant_lsoa: each part of a grant spread over its code's LSOAs by population, summed per grant, LSOA and method (only grants with several parts need the sum). */
export async function createGrantLsoaView(db: Db): Promise<void> {
  const amount = spreadSql("p.total_pence", "a.population", "a.code_population", "a.code_lsoas", "a.lsoa21cd", "p.rem_cut", "p.lsoa_cut");
  await createDocumentedView(
    db,
    "grant_lsoa",
    `SELECT * FROM (
      SELECT p.grant_id, a.lsoa21cd, ${amount} AS amount_pence, p.method
      FROM grant_lsoa_part p JOIN grant_area_lsoa a USING (code) WHERE NOT p.shared
    ) WHERE amount_pence > 0
    UNION ALL
    SELECT p.grant_id, a.lsoa21cd, sum(${amount})::BIGINT, p.method
    FROM grant_lsoa_part p JOIN grant_area_lsoa a USING (code) WHERE p.shared
    GROUP BY p.grant_id, a.lsoa21cd, p.method HAVING sum(${amount}) > 0`,
  );
}

/** grant_funder_type: named-funder and not-declared rows as stored; each round pro rata row spread over the round's contributions. */
export async function createGrantFunderTypeView(db: Db): Promise<void> {
  const amount = spreadSql("p.amount_pence", "w.weight", "w.round_weight", "w.contributions", "w.seq", "p.rem_cut", "p.seq_cut");
  await createDocumentedView(
    db,
    "grant_funder_type",
    `SELECT grant_id, round_id, funder, funder_type, amount_pence, basis FROM grant_funder_part WHERE basis <> 'round pro rata'
    UNION ALL
    SELECT p.grant_id, p.round_id, w.funder, w.funder_type, ${amount} AS amount_pence, p.basis
    FROM grant_funder_part p JOIN grant_round_weight w USING (round_id) WHERE p.basis = 'round pro rata'`,
  );
}
