// What the Grants page may receive: small aggregated rows from the grant tables, with no names of individual recipients.
import type { Db } from "../db/connection.ts";
import { locationMethodLabel, locationMethodLabels, locationMethodOrder } from "../../src/lib/grants-labels.ts";
import { literal } from "../db/sql.ts";
import { SYNTHETIC_LABEL } from "../demo/generators.ts";

/** Optional filters for the maps and the ledger (null/undefined = all). */
export interface GrantFilter {
  roundId?: string | null;
  funderType?: string | null;
}

/** True when the database has the grant tables (a database built before any grants stage has none). */
export async function hasGrantTables(db: Db): Promise<boolean> {
  const rows = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name IN ('grants', 'grant_lsoa', 'grant_funder_type', 'grant_rounds')`);
  return rows[0].n === 4;
}

const recipientName = `CASE WHEN g.recipient_type = 'individual' THEN 'Individual recipient' ELSE g.recipient_name END`;
const recipientId = `CASE WHEN g.recipient_type = 'individual' THEN NULL ELSE g.recipient_id END`;

/**
 * Each grant's share of its LSOA money that counts under the filter: 1 with no funder-type filter, else the
 * share of the grant's amount attributed to that funder type (a fraction, so per-LSOA results are in £, not pence).
 */
function weightedLsoa(filter: GrantFilter): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = {};
  const where: string[] = [];
  if (filter.roundId) {
    where.push("g.round_id = $round");
    params.round = filter.roundId;
  }
  let share = "1.0";
  if (filter.funderType) {
    share = `coalesce((SELECT sum(f.amount_pence) FROM grant_funder_type f WHERE f.grant_id = g.grant_id AND f.funder_type = $ftype), 0)::DOUBLE / nullif(g.amount_pence, 0)`;
    params.ftype = filter.funderType;
  }
  return {
    sql: `SELECT gl.lsoa21cd, gl.grant_id, gl.amount_pence * coalesce(${share}, 0) AS pence
      FROM grant_lsoa gl JOIN grants g USING (grant_id) ${where.length ? `WHERE ${where.join(" AND ")}` : ""}`,
    params,
  };
}

export interface LedgerRow {
  grant_id: string;
  award_date: string;
  title: string;
  recipient: string;
  recipient_id: string | null;
  recipient_type: string;
  amount: number;
  in_place: number;
  programme: string | null;
  round_id: string | null;
  round_name: string | null;
  synthetic: boolean;
  boroughs: string | null;
  partnerships: string | null;
  based_in: string | null;
  location_method: string;
  location: string;
  themes: string | null;
  funder_types: string | null;
}

/** The location method's label (src/lib/grants-labels.ts) as SQL over `method`. */
function locationLabelSql(method: string): string {
  const known = Object.entries(locationMethodLabels).map(([m, label]) => `WHEN ${literal(m)} THEN ${literal(label)}`).join(" ");
  return `CASE WHEN ${method} IS NULL OR ${method} = '' THEN ${literal(locationMethodLabel(null))} ELSE CASE ${method} ${known} ELSE ${method} END END`;
}

/**
 * The ledger as SQL, one row per grant, for a searchable table and CSV download. Grants to individuals show
 * "Individual recipient" and no identifier. `scope: "place"` keeps grants that touch the place (money placed in
 * it, a recipient based in it, or a round of the chest); "all" keeps every grant.
 */
export function grantLedgerSql(scope: "place" | "all"): string {
  return `
    WITH spent_in AS (SELECT DISTINCT gl.grant_id, l.lad_name, l.partnership FROM grant_lsoa gl JOIN lsoa l USING (lsoa21cd)),
    spent AS (
      SELECT grant_id, nullif(array_to_string(list_sort(list_distinct(list(lad_name))), '; '), '') AS boroughs,
        nullif(array_to_string(list_sort(list_distinct(list(partnership))), '; '), '') AS partnerships
      FROM spent_in GROUP BY grant_id
    ), funders AS (
      -- largest share first, then by name: a sorted list (an ordered string_agg sorts each grant's rows on its own, slowly)
      SELECT grant_id, array_to_string(list_transform(list_sort(list({'k': -s, 'f': funder_type, 'text': funder_type || ' ' || round(100.0 * s / nullif(t, 0))::INTEGER || '%'})), x -> x.text), '; ') AS funder_types
      FROM (SELECT grant_id, funder_type, s, sum(s) OVER (PARTITION BY grant_id) AS t FROM (
        SELECT grant_id, funder_type, sum(amount_pence) AS s FROM grant_funder_type GROUP BY 1, 2))
      GROUP BY grant_id
    ), rounds AS (SELECT DISTINCT round_id, round_name, synthetic FROM grant_rounds),
    lads AS (SELECT DISTINCT lad_code, lad_name FROM lsoa)
    SELECT g.grant_id, strftime(g.award_date, '%Y-%m-%d') AS award_date, g.title, ${recipientName} AS recipient, ${recipientId} AS recipient_id,
      g.recipient_type, (g.amount_pence / 100.0)::DOUBLE AS amount, (g.in_place_pence / 100.0)::DOUBLE AS in_place,
      coalesce(g.programme_title, g.programme_code) AS programme, g.round_id, r.round_name, coalesce(r.synthetic, false) AS synthetic,
      s.boroughs, s.partnerships, CASE WHEN g.recipient_type = 'organisation' THEN coalesce(bl.lad_name, CASE WHEN g.recipient_in_place = false THEN 'outside the place' END) END AS based_in,
      g.location_method, ${locationLabelSql("g.location_method")} AS location, g.themes, f.funder_types
    FROM grants g
    LEFT JOIN spent s USING (grant_id)
    LEFT JOIN funders f USING (grant_id)
    LEFT JOIN rounds r USING (round_id)
    LEFT JOIN lads bl ON bl.lad_code = g.recipient_lad_code
    ${scope === "place" ? "WHERE g.in_place_pence > 0 OR g.round_id IS NOT NULL OR g.recipient_in_place" : ""}
    ORDER BY g.award_date DESC, g.grant_id`;
}

/** The ledger's rows (grantLedgerSql), `scope` "place" by default. */
export async function grantLedger(db: Db, options: { scope?: "place" | "all" } = {}): Promise<LedgerRow[]> {
  return db.all<LedgerRow>(grantLedgerSql(options.scope ?? "place"));
}

export interface LsoaMoneyRow {
  lsoa21cd: string;
  lsoa21nm: string;
  msoa21cd: string | null;
  msoa_name: string | null;
  ward_name: string | null;
  lad_name: string;
  partnership: string | null;
  population: number;
  imd_decile: number | null;
  grants: number;
  amount: number;
  per_head: number | null;
}

/** £ and £ per head by LSOA, every LSOA of the place (zeros included), optionally for one round or funder type. */
export async function moneyByLsoa(db: Db, filter: GrantFilter = {}): Promise<LsoaMoneyRow[]> {
  const w = weightedLsoa(filter);
  return db.all<LsoaMoneyRow>(
    `WITH m AS (SELECT lsoa21cd, count(DISTINCT grant_id) FILTER (WHERE pence > 0) AS grants, sum(pence) AS pence FROM (${w.sql}) GROUP BY 1)
    SELECT l.lsoa21cd, l.lsoa21nm, l.msoa21cd, l.msoa_name, l.ward_name, l.lad_name, l.partnership, coalesce(l.population, 0)::INTEGER AS population,
      i.imd_decile::INTEGER AS imd_decile, coalesce(m.grants, 0)::INTEGER AS grants,
      round(coalesce(m.pence, 0) / 100.0, 2)::DOUBLE AS amount,
      CASE WHEN l.population > 0 THEN round(coalesce(m.pence, 0) / 100.0 / l.population, 4) END::DOUBLE AS per_head
    FROM lsoa l LEFT JOIN m USING (lsoa21cd) LEFT JOIN iod2025 i USING (lsoa21cd)
    ORDER BY l.lsoa21cd`,
    w.params,
  );
}

export interface MsoaMoneyRow {
  msoa21cd: string;
  msoa_name: string | null;
  lad_name: string;
  population: number;
  grants: number;
  amount: number;
  per_head: number | null;
}

/** £ and £ per head by MSOA (House of Commons Library names), optionally filtered. */
export async function moneyByMsoa(db: Db, filter: GrantFilter = {}): Promise<MsoaMoneyRow[]> {
  const w = weightedLsoa(filter);
  return db.all<MsoaMoneyRow>(
    `WITH m AS (SELECT lsoa21cd, grant_id, pence FROM (${w.sql}))
    SELECT l.msoa21cd, any_value(l.msoa_name) AS msoa_name, any_value(l.lad_name) AS lad_name, sum(coalesce(l.population, 0))::INTEGER AS population,
      (SELECT count(DISTINCT m2.grant_id) FROM m m2 JOIN lsoa l2 USING (lsoa21cd) WHERE l2.msoa21cd = l.msoa21cd AND m2.pence > 0)::INTEGER AS grants,
      round(coalesce(sum(x.pence), 0) / 100.0, 2)::DOUBLE AS amount,
      CASE WHEN sum(l.population) > 0 THEN round(coalesce(sum(x.pence), 0) / 100.0 / sum(l.population), 4) END::DOUBLE AS per_head
    FROM lsoa l LEFT JOIN (SELECT lsoa21cd, sum(pence) AS pence FROM m GROUP BY 1) x USING (lsoa21cd)
    WHERE l.msoa21cd IS NOT NULL
    GROUP BY l.msoa21cd ORDER BY l.msoa21cd`,
    w.params,
  );
}

/**
 * £, £ per head and grants by LSOA and by MSOA for every pair of choices at once, as moneyByLsoa and moneyByMsoa give
 * them for one: each round of `rounds` and each funder type of `types` ('' = all), areas with money only (£0.01 or
 * more), in the order of the choices, then LSOAs before MSOAs, then by code. Set-based: the map's switches for a
 * 100,000-grant ledger were 130 queries. `$rounds` and `$types` are the statement's parameters.
 */
export const moneyForChoicesSql = `
  WITH choice_round AS (SELECT r AS round_id, i AS ri FROM unnest($rounds::VARCHAR[]) WITH ORDINALITY t(r, i)),
  choice_type AS (SELECT f AS funder_type, i AS ti FROM unnest($types::VARCHAR[]) WITH ORDINALITY t(f, i)),
  in_round AS (
    SELECT c.ri, g.grant_id FROM choice_round c, grants g WHERE c.round_id = ''
    UNION ALL SELECT c.ri, g.grant_id FROM choice_round c JOIN grants g USING (round_id) WHERE c.round_id <> ''
  ),
  typed AS (SELECT grant_id, funder_type, sum(amount_pence) AS pence FROM grant_funder_type GROUP BY ALL),
  of_type AS (
    SELECT c.ti, g.grant_id, 1.0::DOUBLE AS share FROM choice_type c, grants g WHERE c.funder_type = ''
    UNION ALL SELECT c.ti, t.grant_id, coalesce(t.pence::DOUBLE / nullif(g.amount_pence, 0), 0)
    FROM choice_type c JOIN typed t USING (funder_type) JOIN grants g USING (grant_id) WHERE c.funder_type <> ''
  ),
  weights AS (SELECT r.ri, t.ti, r.grant_id, t.share FROM in_round r JOIN of_type t USING (grant_id) WHERE t.share > 0),
  placed AS (SELECT grant_id, lsoa21cd, sum(amount_pence) AS pence FROM grant_lsoa GROUP BY ALL),
  by_lsoa AS (
    SELECT w.ri, w.ti, p.lsoa21cd, sum(p.pence * w.share) AS pence, count(*) AS grants
    FROM placed p JOIN weights w USING (grant_id) GROUP BY ALL
  ),
  grant_msoa AS (SELECT DISTINCT p.grant_id, l.msoa21cd FROM placed p JOIN lsoa l USING (lsoa21cd) WHERE l.msoa21cd IS NOT NULL),
  msoa_grants AS (SELECT w.ri, w.ti, m.msoa21cd, count(*) AS grants FROM grant_msoa m JOIN weights w USING (grant_id) GROUP BY ALL),
  msoa_people AS (SELECT msoa21cd, sum(population) AS population FROM lsoa WHERE msoa21cd IS NOT NULL GROUP BY 1),
  by_msoa AS (
    SELECT m.ri, m.ti, l.msoa21cd, sum(m.pence) AS pence
    FROM by_lsoa m JOIN lsoa l USING (lsoa21cd) WHERE l.msoa21cd IS NOT NULL GROUP BY ALL
  ),
  areas AS (
    SELECT m.ri, m.ti, 1 AS li, 'lsoa' AS layer, m.lsoa21cd AS code, m.grants, round(m.pence / 100.0, 2) AS amount,
      CASE WHEN l.population > 0 THEN round(m.pence / 100.0 / l.population, 4) END AS per_head
    FROM by_lsoa m JOIN lsoa l USING (lsoa21cd)
    UNION ALL
    SELECT m.ri, m.ti, 2, 'msoa', m.msoa21cd, g.grants, round(m.pence / 100.0, 2),
      CASE WHEN p.population > 0 THEN round(m.pence / 100.0 / p.population, 4) END
    FROM by_msoa m JOIN msoa_people p USING (msoa21cd) JOIN msoa_grants g USING (ri, ti, msoa21cd)
  )
  SELECT a.layer, r.round_id, t.funder_type, a.code, a.grants::INTEGER AS grants, a.amount::DOUBLE AS amount, a.per_head::DOUBLE AS per_head
  FROM areas a JOIN choice_round r USING (ri) JOIN choice_type t USING (ti)
  WHERE a.amount > 0
  ORDER BY a.ri, a.ti, a.li, a.code`;

export interface FunderMixRow {
  round_id: string | null;
  round_name: string | null;
  synthetic: boolean;
  funder_type: string;
  contributed: number | null;
  attributed: number;
  grants: number;
}

/** Money by funder type and round: what the configuration says was put in, and what the grants attribute. */
export async function funderMix(db: Db): Promise<FunderMixRow[]> {
  return db.all<FunderMixRow>(`
    WITH a AS (
      SELECT round_id, funder_type, sum(amount_pence) AS pence, count(DISTINCT grant_id) AS grants FROM grant_funder_type GROUP BY 1, 2
    ), c AS (
      SELECT round_id, funder_type, sum(contribution_pence) AS pence FROM grant_rounds GROUP BY 1, 2
    ), r AS (SELECT DISTINCT round_id, round_name, synthetic, round_seq FROM grant_rounds)
    SELECT coalesce(a.round_id, c.round_id) AS round_id, r.round_name, coalesce(r.synthetic, false) AS synthetic,
      coalesce(a.funder_type, c.funder_type) AS funder_type,
      (c.pence / 100.0)::DOUBLE AS contributed, (coalesce(a.pence, 0) / 100.0)::DOUBLE AS attributed, coalesce(a.grants, 0)::INTEGER AS grants
    FROM a FULL JOIN c ON a.round_id IS NOT DISTINCT FROM c.round_id AND a.funder_type = c.funder_type
    LEFT JOIN r ON r.round_id = coalesce(a.round_id, c.round_id)
    ORDER BY r.round_seq NULLS LAST, funder_type`);
}

export interface OrganisationRow {
  recipient_id: string | null;
  recipient: string;
  recipient_type: string;
  grants: number;
  amount: number;
  in_place: number;
  rounds: number;
  based_in: string | null;
  boroughs: string | null;
}

/** Totals per recipient organisation; all grants to individuals are one row with no names. */
export async function organisationTotals(db: Db, options: { scope?: "place" | "all" } = {}): Promise<OrganisationRow[]> {
  const scope = options.scope ?? "place";
  return db.all<OrganisationRow>(`
    WITH g AS (
      SELECT *, CASE WHEN recipient_type = 'individual' THEN '(individuals)' ELSE coalesce(recipient_id, recipient_name) END AS rkey
      FROM grants ${scope === "place" ? "WHERE in_place_pence > 0 OR round_id IS NOT NULL OR recipient_in_place" : ""}
    ), lads AS (SELECT DISTINCT lad_code, lad_name FROM lsoa),
    spent AS (
      SELECT g.rkey, string_agg(DISTINCT l.lad_name, '; ' ORDER BY l.lad_name) AS boroughs
      FROM g JOIN grant_lsoa gl USING (grant_id) JOIN lsoa l USING (lsoa21cd) GROUP BY 1
    ), agg AS (
      SELECT g.rkey, g.recipient_type, any_value(g.recipient_name) AS name, count(*)::INTEGER AS grants,
        (sum(g.amount_pence) / 100.0)::DOUBLE AS amount, (sum(g.in_place_pence) / 100.0)::DOUBLE AS in_place,
        count(DISTINCT g.round_id)::INTEGER AS rounds, string_agg(DISTINCT bl.lad_name, '; ' ORDER BY bl.lad_name) AS based_in
      FROM g LEFT JOIN lads bl ON bl.lad_code = g.recipient_lad_code GROUP BY 1, 2
    )
    SELECT CASE WHEN a.recipient_type = 'individual' THEN NULL ELSE a.rkey END AS recipient_id,
      CASE WHEN a.recipient_type = 'individual' THEN 'Individual recipients' ELSE a.name END AS recipient,
      a.recipient_type, a.grants, a.amount, a.in_place, a.rounds,
      CASE WHEN a.recipient_type = 'organisation' THEN a.based_in END AS based_in, s.boroughs
    FROM agg a LEFT JOIN spent s USING (rkey)
    ORDER BY a.amount DESC, recipient`);
}

export interface CoverageRow {
  method: string;
  label: string;
  grants: number;
  amount: number;
  in_place: number;
  share_of_amount: number;
}

/** How the money was located: grants and £ per method, in a fixed order (every method listed, zeros included). */
export async function coverage(db: Db): Promise<CoverageRow[]> {
  const rows = await db.all<Omit<CoverageRow, "label">>(`
    SELECT location_method AS method, count(*)::INTEGER AS grants, (sum(amount_pence) / 100.0)::DOUBLE AS amount,
      (sum(in_place_pence) / 100.0)::DOUBLE AS in_place,
      coalesce(sum(amount_pence)::DOUBLE / nullif((SELECT sum(amount_pence) FROM grants), 0), 0) AS share_of_amount
    FROM grants GROUP BY 1`);
  const by = new Map(rows.map((r) => [r.method, r]));
  return locationMethodOrder.map((method) => ({
    method,
    label: locationMethodLabel(method),
    grants: by.get(method)?.grants ?? 0,
    amount: by.get(method)?.amount ?? 0,
    in_place: by.get(method)?.in_place ?? 0,
    share_of_amount: by.get(method)?.share_of_amount ?? 0,
  }));
}

export interface SpentBasedRow {
  lad_code: string;
  lad_name: string;
  spent: number;
  based: number;
  grants_spent: number;
  grants_based: number;
}

/**
 * The head-office effect, by borough: £ spent there (beneficiary placement) against £ of grants whose
 * recipient organisation is based there (whatever the grant's beneficiaries), plus a row for recipients based
 * outside the place and one for recipients whose base is unknown.
 */
export async function spentVersusBased(db: Db): Promise<SpentBasedRow[]> {
  return db.all<SpentBasedRow>(`
    WITH lads AS (SELECT lad_code, any_value(lad_name) AS lad_name FROM lsoa GROUP BY 1),
    spent AS (SELECT l.lad_code, sum(gl.amount_pence) AS pence, count(DISTINCT gl.grant_id) AS grants FROM grant_lsoa gl JOIN lsoa l USING (lsoa21cd) GROUP BY 1),
    touching AS (SELECT * FROM grants WHERE in_place_pence > 0 OR round_id IS NOT NULL OR recipient_in_place),
    based AS (
      SELECT CASE WHEN recipient_in_place THEN recipient_lad_code WHEN recipient_lad_code IS NOT NULL THEN 'outside' ELSE 'unknown' END AS lad_code,
        sum(amount_pence) AS pence, count(*) AS grants
      FROM touching WHERE recipient_type = 'organisation' GROUP BY 1
    )
    SELECT l.lad_code, l.lad_name, (coalesce(s.pence, 0) / 100.0)::DOUBLE AS spent, (coalesce(b.pence, 0) / 100.0)::DOUBLE AS based,
      coalesce(s.grants, 0)::INTEGER AS grants_spent, coalesce(b.grants, 0)::INTEGER AS grants_based
    FROM lads l LEFT JOIN spent s USING (lad_code) LEFT JOIN based b USING (lad_code)
    UNION ALL
    SELECT b.lad_code, CASE b.lad_code WHEN 'outside' THEN 'Based outside the place' ELSE 'Base not known' END, 0, (b.pence / 100.0)::DOUBLE, 0, b.grants::INTEGER
    FROM based b WHERE b.lad_code IN ('outside', 'unknown')
    ORDER BY 1`);
}

export interface LsoaFunderTypeRow {
  lsoa21cd: string;
  funder_type: string;
  amount: number;
}

/** £ by LSOA and funder type (each grant's LSOA money split in the proportions of its funder attribution), for equity by funder type. */
export async function moneyByLsoaAndFunderType(db: Db): Promise<LsoaFunderTypeRow[]> {
  return db.all<LsoaFunderTypeRow>(`
    WITH shares AS (
      SELECT f.grant_id, f.funder_type, sum(f.amount_pence)::DOUBLE / nullif(any_value(g.amount_pence), 0) AS share
      FROM grant_funder_type f JOIN grants g USING (grant_id) GROUP BY 1, 2
    )
    SELECT gl.lsoa21cd, s.funder_type, round(sum(gl.amount_pence * s.share) / 100.0, 2)::DOUBLE AS amount
    FROM grant_lsoa gl JOIN shares s USING (grant_id)
    GROUP BY 1, 2 HAVING sum(gl.amount_pence * s.share) > 0 ORDER BY 1, 2`);
}

export interface GrantTotals {
  grants: number;
  organisations: number;
  individuals: number;
  amount: number;
  in_place: number;
  outside: number;
  unattributed: number;
  placed_share: number;
  files: number;
  rejected_rows: number;
  warnings: number;
  synthetic: boolean;
}

/** Headline numbers, for the page's summary line. */
export async function grantTotals(db: Db): Promise<GrantTotals> {
  const [t] = await db.all<GrantTotals>(`
    SELECT count(*)::INTEGER AS grants,
      count(DISTINCT coalesce(recipient_id, recipient_name)) FILTER (WHERE recipient_type = 'organisation')::INTEGER AS organisations,
      count(*) FILTER (WHERE recipient_type = 'individual')::INTEGER AS individuals,
      (coalesce(sum(amount_pence), 0) / 100.0)::DOUBLE AS amount, (coalesce(sum(in_place_pence), 0) / 100.0)::DOUBLE AS in_place,
      (coalesce(sum(outside_pence), 0) / 100.0)::DOUBLE AS outside, (coalesce(sum(unattributed_pence), 0) / 100.0)::DOUBLE AS unattributed,
      coalesce(sum(in_place_pence)::DOUBLE / nullif(sum(amount_pence), 0), 0) AS placed_share,
      (SELECT count(*) FROM grant_files)::INTEGER AS files,
      (SELECT coalesce(sum(rejected), 0) FROM grant_files)::INTEGER AS rejected_rows,
      (SELECT count(*) FROM grants_rejects WHERE severity = 'warning')::INTEGER AS warnings,
      coalesce((SELECT bool_or(synthetic) FROM grant_rounds r WHERE r.round_id IN (SELECT round_id FROM grants)), false) AS synthetic
    FROM grants`);
  return t;
}

export interface GrantFileRow {
  file: string;
  format: string;
  rows_read: number;
  accepted: number;
  rejected: number;
  warnings: number;
  accepted_amount: number;
}

/** Per ingested file: what was read, accepted and rejected (for the Data page). */
export async function grantFiles(db: Db): Promise<GrantFileRow[]> {
  return db.all<GrantFileRow>(`
    SELECT file, format, rows_read, accepted, rejected, warnings, (accepted_pence / 100.0)::DOUBLE AS accepted_amount FROM grant_files ORDER BY seq`);
}

export interface GrantSynthetic {
  /** funding rounds the place configuration marks synthetic */
  rounds: number;
  /** grants in a synthetic round or whose description starts with the demo label */
  grants: number;
}

/** How much of the ledger is synthetic demo data (the Grants page shows a banner whenever either count is above 0). */
export async function grantSynthetic(db: Db): Promise<GrantSynthetic> {
  const [s] = await db.all<GrantSynthetic>(
    `SELECT (SELECT count(DISTINCT round_id) FROM grant_rounds WHERE synthetic)::INTEGER AS rounds,
      (SELECT count(*) FROM grants g WHERE starts_with(coalesce(g.description, ''), $label)
        OR g.round_id IN (SELECT round_id FROM grant_rounds WHERE synthetic))::INTEGER AS grants`,
    { label: SYNTHETIC_LABEL },
  );
  return s;
}
