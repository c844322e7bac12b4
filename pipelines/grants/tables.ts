// The grant tables the stage writes, with a description of every column (also stored as DuckDB comments, for the data dictionary).
import type { Db } from "../db/connection.ts";
import { ident } from "../db/sql.ts";
import { commentTable, createTable, type TableDecl } from "../kit/table.ts";
import { inTransaction } from "../db/transaction.ts";

/** A table the stage writes, or (view) a view over them. */
export type TableDoc = TableDecl & { description: string; view?: boolean };

export const grantTables: TableDoc[] = [
  {
    name: "grants",
    description: "One row per accepted grant (360Giving), with where its money was placed and who the recipient is.",
    columns: [
      ["grant_id", "VARCHAR", "360Giving Identifier (unique)"],
      ["title", "VARCHAR", "Title ('' when the file had none)"],
      ["description", "VARCHAR", "Description ('' when the file had none)"],
      ["currency", "VARCHAR", "always GBP (other currencies are rejected)"],
      ["amount_pence", "BIGINT", "Amount Awarded in whole pence"],
      ["amount_gbp", "DECIMAL(18,2)", "Amount Awarded in pounds"],
      ["award_date", "DATE", "Award Date"],
      ["planned_start", "VARCHAR", "Planned Dates:Start Date (YYYY, YYYY-MM or YYYY-MM-DD)"],
      ["planned_end", "VARCHAR", "Planned Dates:End Date"],
      ["planned_months", "DOUBLE", "Planned Dates:Duration (months)"],
      ["recipient_type", "VARCHAR", "organisation or individual"],
      ["recipient_id", "VARCHAR", "Recipient Org:Identifier or Recipient Ind:Identifier"],
      ["recipient_name", "VARCHAR", "recipient name; for individuals never published (publish shows 'Individual recipient')"],
      ["recipient_charity_number", "VARCHAR", "Recipient Org:Charity Number"],
      ["recipient_company_number", "VARCHAR", "Recipient Org:Company Number"],
      ["recipient_postcode", "VARCHAR", "Recipient Org:Postal Code"],
      ["funding_org_id", "VARCHAR", "first Funding Org:Identifier"],
      ["funding_org_name", "VARCHAR", "first Funding Org:Name"],
      ["funding_org_count", "INTEGER", "number of funding organisations named"],
      ["programme_code", "VARCHAR", "first Grant Programme:Code"],
      ["programme_title", "VARCHAR", "first Grant Programme:Title"],
      ["round_id", "VARCHAR", "the place's funding round the grant belongs to (by programme code or title), or NULL"],
      ["themes", "VARCHAR", "Classifications titles (or codes), joined with '; '"],
      ["location_method", "VARCHAR", "how the money was placed: beneficiary_lsoa, beneficiary_lsoa11, beneficiary_msoa, beneficiary_ward, beneficiary_district, beneficiary_icb, beneficiary_mixed, recipient_postcode, recipient_district, outside_place, wide_area, not_located"],
      ["in_place_pence", "BIGINT", "pence placed in the place's LSOAs (= the grant's rows in grant_lsoa)"],
      ["outside_pence", "BIGINT", "pence placed outside the place"],
      ["unattributed_pence", "BIGINT", "pence not placed (wide area or no location); in_place + outside + unattributed = amount"],
      ["recipient_lsoa21cd", "VARCHAR", "where the recipient is based: LSOA 2021 from its postcode (postcode directory) or location code"],
      ["recipient_lad_code", "VARCHAR", "where the recipient is based: local authority district"],
      ["recipient_base_method", "VARCHAR", "postcode or location code (NULL when unknown; always NULL for individuals)"],
      ["recipient_in_place", "BOOLEAN", "the recipient is based in the place"],
      ["source_seq", "INTEGER", "grant_files.seq of the file the grant came from, whose stored copy the export rebuilds the grant's 360Giving JSON from"],
      ["source_file", "VARCHAR", "file the grant came from (as the user named it)"],
      ["source_sheet", "VARCHAR", "sheet, for XLSX"],
      ["source_row", "INTEGER", "spreadsheet row (header = 1) or position in the JSON package (1 = first)"],
      ["data_source", "VARCHAR", "Data Source"],
      ["date_modified", "VARCHAR", "Last Modified"],
    ],
  },
  {
    name: "grant_beneficiary_locations",
    description: "Each Beneficiary Location of each grant and what it resolved to.",
    columns: [
      ["grant_id", "VARCHAR", "grant"],
      ["seq", "INTEGER", "position in the grant's list (0 = first)"],
      ["name", "VARCHAR", "Beneficiary Location:Name"],
      ["geo_code", "VARCHAR", "Beneficiary Location:Geographic Code as given"],
      ["geo_code_type", "VARCHAR", "Beneficiary Location:Geographic Code Type as given"],
      ["country_code", "VARCHAR", "Beneficiary Location:Country Code"],
      ["code", "VARCHAR", "the code used (upper-cased; an LSOA name given instead of a code is replaced by its code)"],
      ["code_kind", "VARCHAR", "LSOA21, LSOA11, MSOA21, WD, LAD, ICB, or NULL"],
      ["resolution", "VARCHAR", "in place, outside place, wide area, unknown code, unsupported code, no code"],
      ["lsoa21_codes", "VARCHAR", "for an LSOA 2011 code: the LSOA 2021 code(s) it became (best-fit lookup), '; '-joined"],
      ["share_pence", "BIGINT", "this location's equal share of the grant (NULL when the location is not used)"],
      ["source_column", "VARCHAR", "the column title or JSON path the code came from"],
    ],
  },
  {
    name: "grant_lsoa_part",
    description: "What grant_lsoa is spread from: one row per grant and place it names in the place (a beneficiary location, or the recipient's postcode or district), with that part's pence and which LSOAs get the extra penny of the largest-remainder split.",
    columns: [
      ["grant_id", "VARCHAR", "grant"],
      ["code", "VARCHAR", "the code the part is placed by (LSOA 2021 or 2011, MSOA, ward, district, ICB; see grant_area_lsoa)"],
      ["method", "VARCHAR", "as grant_lsoa.method"],
      ["total_pence", "BIGINT", "pence of the grant placed by this part (split over the code's LSOAs by population)"],
      ["rem_cut", "BIGINT", "largest-remainder cut-off: an LSOA whose remainder is larger, or equal with a code not after lsoa_cut, gets one extra penny; NULL: none does"],
      ["lsoa_cut", "VARCHAR", "the last LSOA (in order of remainder, then code) that gets an extra penny"],
      ["shared", "BOOLEAN", "the grant has other parts in the place, or the code lists an LSOA twice (its pence in an LSOA are summed over them)"],
    ],
  },
  {
    name: "grant_area_lsoa",
    description: "The place's LSOAs each code in grant_lsoa_part covers, with the population weights the grant money is split by.",
    columns: [
      ["code", "VARCHAR", "LSOA 2021 or 2011, MSOA 2021, ward, district or ICB code"],
      ["lsoa21cd", "VARCHAR", "LSOA 2021 in the place"],
      ["population", "BIGINT", "the LSOA's population (Census 2021; 0 when unknown)"],
      ["code_population", "BIGINT", "population of all the code's LSOAs"],
      ["code_lsoas", "BIGINT", "number of the code's LSOAs"],
    ],
  },
  {
    name: "grant_lsoa",
    view: true,
    description: "Grant money placed in the place's LSOAs; per grant the rows add up to grants.in_place_pence exactly. A view: grant_lsoa_part spread over grant_area_lsoa.",
    columns: [
      ["grant_id", "VARCHAR", "grant"],
      ["lsoa21cd", "VARCHAR", "LSOA 2021 in the place"],
      ["amount_pence", "BIGINT", "pence placed here (population-apportioned with largest-remainder rounding)"],
      ["method", "VARCHAR", "beneficiary_lsoa, beneficiary_lsoa11, beneficiary_msoa, beneficiary_ward, beneficiary_district, beneficiary_icb, recipient_postcode, recipient_district"],
    ],
  },
  {
    name: "grant_funding_orgs",
    description: "Every Funding Org a grant names.",
    columns: [
      ["grant_id", "VARCHAR", "grant"],
      ["seq", "INTEGER", "position (0 = first)"],
      ["org_id", "VARCHAR", "Funding Org:Identifier"],
      ["org_name", "VARCHAR", "Funding Org:Name"],
    ],
  },
  {
    name: "grant_rounds",
    description: "The place's funding rounds and their contributions (from the place configuration), one row per contribution.",
    columns: [
      ["round_id", "VARCHAR", "round id"],
      ["round_name", "VARCHAR", "round name"],
      ["programme", "VARCHAR", "Grant Programme code or title that links grants to the round"],
      ["synthetic", "BOOLEAN", "a demo round (made-up money)"],
      ["round_seq", "INTEGER", "order of the round in the configuration"],
      ["seq", "INTEGER", "order of the contribution in the round"],
      ["funder", "VARCHAR", "contributor"],
      ["funder_id", "VARCHAR", "contributor's organisation identifier, if given"],
      ["funder_type", "VARCHAR", "NHS, local authority, philanthropy, business or other"],
      ["contribution_pence", "BIGINT", "contribution in pence"],
    ],
  },
  {
    name: "grant_funder_part",
    description: "What grant_funder_type is spread from: a grant's named-funder and not-declared rows as they are, and one row per grant split pro rata over its round (spread by grant_round_weight).",
    columns: [
      ["grant_id", "VARCHAR", "grant"],
      ["round_id", "VARCHAR", "the grant's round, or NULL"],
      ["funder", "VARCHAR", "as grant_funder_type.funder (NULL for round pro rata: one row per contribution in the view)"],
      ["funder_type", "VARCHAR", "as grant_funder_type.funder_type (NULL for round pro rata)"],
      ["amount_pence", "BIGINT", "pence attributed (round pro rata: the grant's amount, split in the view)"],
      ["basis", "VARCHAR", "named funder, round pro rata, not declared"],
      ["rem_cut", "BIGINT", "round pro rata: largest-remainder cut-off (a contribution whose remainder is larger, or equal with seq not after seq_cut, gets one extra penny); NULL: none does"],
      ["seq_cut", "INTEGER", "round pro rata: the last contribution (in order of remainder, then seq) that gets an extra penny"],
    ],
  },
  {
    name: "grant_round_weight",
    description: "Each round contribution's weight in the pro rata split of the round's grants: what is left of it after the grants that name a funder.",
    columns: [
      ["round_id", "VARCHAR", "round"],
      ["seq", "INTEGER", "order of the contribution in the round"],
      ["funder", "VARCHAR", "contributor"],
      ["funder_type", "VARCHAR", "NHS, local authority, philanthropy, business or other"],
      ["weight", "BIGINT", "pence of the contribution not used by named grants (the whole contribution when the round has none left)"],
      ["round_weight", "BIGINT", "sum of the round's weights"],
      ["contributions", "BIGINT", "number of the round's contributions"],
    ],
  },
  {
    name: "grant_funder_type",
    view: true,
    description: "Whose money each grant is: the grant's amount split over funders; per grant the rows add up to grants.amount_pence exactly. A view: grant_funder_part, round pro rata rows spread over grant_round_weight.",
    columns: [
      ["grant_id", "VARCHAR", "grant"],
      ["round_id", "VARCHAR", "the grant's round, or NULL"],
      ["funder", "VARCHAR", "funder (contributor, named Funding Org, or the grant's first Funding Org when its type is not declared)"],
      ["funder_type", "VARCHAR", "NHS, local authority, philanthropy, business, other, or 'not declared'"],
      ["amount_pence", "BIGINT", "pence attributed (largest-remainder rounding)"],
      ["basis", "VARCHAR", "named funder (the grant names a declared funder), round pro rata (split by the round's remaining contributions), not declared"],
    ],
  },
  {
    name: "grants_rejects",
    description: "Every rejected row (severity error) and every value dropped or converted (warning), with where it was.",
    columns: [
      ["n", "INTEGER", "order found"],
      ["file", "VARCHAR", "file (as the user named it)"],
      ["sheet", "VARCHAR", "sheet (XLSX)"],
      ["row", "INTEGER", "spreadsheet row (header = 1) or grant position in a JSON package; NULL for whole-file notes"],
      ["column", "VARCHAR", "column title (spreadsheets) or JSON path"],
      ["value", "VARCHAR", "the value as read (truncated to 200 characters)"],
      ["severity", "VARCHAR", "error = the row was rejected; warning = the grant was kept and the value dropped, converted or noted"],
      ["reason", "VARCHAR", "what is wrong, in words"],
      ["grant_id", "VARCHAR", "Identifier, when known"],
    ],
  },
  {
    name: "grant_files",
    description: "Each registered grants file: what was read, accepted and rejected.",
    columns: [
      ["seq", "INTEGER", "order read: ingest order (a later file corrects an earlier one)"],
      ["file", "VARCHAR", "file (as the user named it)"],
      ["stored_as", "VARCHAR", "the stored copy (data/inputs/grants/…, as input_file.stored_as): the export rebuilds each grant's 360Giving JSON, and its values outside the standard, from it"],
      ["format", "VARCHAR", "csv, xlsx or json"],
      ["encoding", "VARCHAR", "text encoding detected (CSV, JSON)"],
      ["sheet", "VARCHAR", "sheet read (XLSX)"],
      ["rows_read", "INTEGER", "data rows (spreadsheets) or grants (JSON) in the file"],
      ["accepted", "INTEGER", "grants accepted"],
      ["rejected", "INTEGER", "rows rejected (each has at least one error in grants_rejects)"],
      ["merged", "INTEGER", "rows merged into an earlier row with the same Identifier (multiple-rows method)"],
      ["superseded", "INTEGER", "grants set aside because another file holds a newer version (later Last Modified, else later ingest; see input_changes)"],
      ["warnings", "INTEGER", "warnings in grants_rejects"],
      ["accepted_pence", "BIGINT", "total Amount Awarded of accepted grants"],
    ],
  },
];

export function tableDoc(name: string): TableDoc {
  const t = grantTables.find((t) => t.name === name);
  if (!t) throw new Error(`no grant table ${name}`);
  return t;
}

/** Drop a table or view of that name (a database built before a table became a view has the table). */
async function dropRelation(db: Db, name: string): Promise<void> {
  const [{ view }] = await db.all<{ view: boolean }>(`SELECT count(*) > 0 AS view FROM duckdb_views() WHERE view_name = $name AND NOT temporary`, { name });
  await db.run(`DROP ${view ? "VIEW" : "TABLE"} IF EXISTS ${ident(name)}`);
}

/** DROP and CREATE a table as documented (empty); comments are added by commentTables once the stage is done. */
export async function createDocumentedTable(db: Db, name: string): Promise<void> {
  const { description: _, view: __, ...bare } = tableDoc(name);
  await dropRelation(db, name);
  await createTable(db, bare);
}

/** (Re)create a documented view as `select`, which must give the documented columns, names and types, in order. */
export async function createDocumentedView(db: Db, name: string, select: string): Promise<void> {
  const doc = tableDoc(name);
  if (!doc.view) throw new Error(`grant table ${name} is not documented as a view`);
  await dropRelation(db, name);
  await db.run(`CREATE VIEW ${ident(name)} AS ${select}`);
  const columns = await db.all<{ c: string }>(`SELECT column_name || ' ' || data_type AS c FROM duckdb_columns() WHERE table_name = $name AND database_name = current_database() AND schema_name = 'main' ORDER BY column_index`, { name });
  const want = doc.columns.map(([c, type]) => `${c} ${type}`);
  if (columns.map((c) => c.c).join(", ") !== want.join(", ")) throw new Error(`view ${name} gives ${columns.map((c) => c.c).join(", ")}; documented: ${want.join(", ")}`);
}

/** Store the descriptions as DuckDB comments (visible in duckdb_tables() and duckdb_columns()). */
export async function commentTables(db: Db): Promise<void> {
  // One transaction: ~140 COMMENT statements, each its own commit otherwise (seconds under load, after a big ingest).
  await inTransaction(db, async () => {
    for (const t of grantTables) await commentTable(db, t);
  });
}
