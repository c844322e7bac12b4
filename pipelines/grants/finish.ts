// The end of the grants stage: the final grants and grant_files tables from the staging tables and what locate and funders worked out, and the check that the money adds up.
import type { Db } from "../db/connection.ts";
import { IntegrityError } from "../errors.ts";
import { createDocumentedTable } from "./tables.ts";

/** The final `grants` and `grant_files` tables from the staging tables and what locate/funders worked out. */
export async function finishTables(db: Db): Promise<void> {
  await createDocumentedTable(db, "grants");
  // What locate/funders worked out, one narrow row per grant in ingest order (gk: file, then row).
  await db.run(`CREATE OR REPLACE TEMP TABLE grants_fin AS
    SELECT g.gk, r.round_id, p.location_method, p.in_place_pence, p.outside_pence,
      b.recipient_lsoa21cd, b.recipient_lad_code, b.recipient_base_method, b.recipient_in_place
    FROM grants_stg_grant g
    JOIN grants_placed p USING (grant_id)
    LEFT JOIN grants_round r USING (grant_id)
    LEFT JOIN grants_recipient_base b USING (grant_id)
    ORDER BY g.gk`);
  // The staging table is usually in ingest order already (a checked ledger is): then its wide rows are paired with
  // the narrow ones by position instead of being sorted again.
  const [{ inOrder }] = await db.all<{ inOrder: boolean }>(`
    SELECT count(*) FILTER (WHERE gk IS DISTINCT FROM n) = 0 AND count(*) = (SELECT count(*) FROM grants_fin) AS "inOrder"
    FROM (SELECT gk, row_number() OVER () - 1 AS n FROM grants_stg_grant)`);
  await db.run(`
    INSERT INTO grants
    SELECT
      g.grant_id, g.title, g.description, g.currency, g.amount_pence,
      (g.amount_pence::DECIMAL(18,0) / 100)::DECIMAL(18,2) AS amount_gbp,
      g.award_date::DATE, g.planned_start, g.planned_end, g.planned_months,
      g.recipient_type, g.recipient_id, g.recipient_name, g.recipient_charity_number, g.recipient_company_number, g.recipient_postcode,
      g.funding_org_id, g.funding_org_name, g.funding_org_count, g.programme_code, g.programme_title,
      f.round_id, g.themes,
      f.location_method, f.in_place_pence, f.outside_pence, g.amount_pence - f.in_place_pence - f.outside_pence,
      f.recipient_lsoa21cd, f.recipient_lad_code, f.recipient_base_method, f.recipient_in_place,
      g.file_seq, g.source_file, g.source_sheet, g.source_row, g.data_source, g.date_modified
    FROM ${inOrder ? "grants_stg_grant g POSITIONAL JOIN grants_fin f" : "grants_stg_grant g JOIN grants_fin f USING (gk) ORDER BY g.gk"}`);
  await createDocumentedTable(db, "grant_files");
  await db.run(`
    INSERT INTO grant_files
    SELECT f.seq, f.file, f.stored_as, f.format, f.encoding, f.sheet, f.rows_read, f.accepted, f.rejected, f.merged, f.superseded,
      (SELECT count(*) FROM grants_rejects r WHERE r.file = f.file AND r.severity = 'warning')::INTEGER,
      f.accepted_pence
    FROM grants_stg_file f ORDER BY f.seq`);
  for (const t of ["grants_fin", "grants_placed", "grants_round", "grants_recipient_base"]) await db.run(`DROP TABLE IF EXISTS ${t}`);
}

/** The money must add up: placed + outside + unattributed = amount, LSOA rows = placed, funder rows = amount (each per grant, to the penny). */
export async function checkTotals(db: Db): Promise<void> {
  const [c] = await db.all<{ bad_split: number; bad_lsoa: number; bad_funder: number; negative: number }>(`
    SELECT
      (SELECT count(*) FROM grants WHERE unattributed_pence < 0 OR in_place_pence < 0 OR outside_pence < 0)::INTEGER AS negative,
      (SELECT count(*) FROM grants WHERE in_place_pence + outside_pence + unattributed_pence <> amount_pence)::INTEGER AS bad_split,
      (SELECT count(*) FROM grants g LEFT JOIN (SELECT grant_id, sum(amount_pence) s FROM grant_lsoa GROUP BY 1) l USING (grant_id)
        WHERE coalesce(l.s, 0) <> g.in_place_pence)::INTEGER AS bad_lsoa,
      (SELECT count(*) FROM grants g LEFT JOIN (SELECT grant_id, sum(amount_pence) s FROM grant_funder_type GROUP BY 1) f USING (grant_id)
        WHERE coalesce(f.s, 0) <> g.amount_pence)::INTEGER AS bad_funder`);
  if (c.negative || c.bad_split || c.bad_lsoa || c.bad_funder)
    throw new IntegrityError(
      `grant money does not add up (grants with negative parts ${c.negative}, split ≠ amount ${c.bad_split}, LSOA rows ≠ placed ${c.bad_lsoa}, funder rows ≠ amount ${c.bad_funder}): this is a bug, please report it`,
    );
}
