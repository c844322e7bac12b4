// Where the money goes: resolve each grant's beneficiary codes (or its recipient's postcode or district) to the place's LSOAs and split the pence exactly, set-based in DuckDB.
import { existsSync } from "node:fs";
import type { Db } from "../db/connection.ts";
import { ident, literal } from "../db/sql.ts";
import { InputError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Place } from "../place/schema.ts";
import { buildCodeLists, codeListTables, hasCodeLists } from "../build/stages/code-lists.ts";
import { apportionSql, cutSql } from "./apportion.ts";
import { createDocumentedTable } from "./tables.ts";
import { createGrantLsoaView } from "./views.ts";

export interface LocateOptions {
  place: Place;
  rawDir: string;
  postcodes: string | null;
  log: Logger;
  /** Number for the first issue this step adds to grants_rejects. */
  nextIssue: number;
}

const csv = (path: string) => `read_csv(${literal(path)}, header = true, all_varchar = true)`;

/** Code kind → the suffix of the method name (beneficiary_lsoa, …), as SQL over the column `kind`. */
const methodSuffix = (kind: string) =>
  `CASE ${kind} WHEN 'LSOA21' THEN 'lsoa' WHEN 'LSOA11' THEN 'lsoa11' WHEN 'MSOA21' THEN 'msoa' WHEN 'WD' THEN 'ward' WHEN 'LAD' THEN 'district' WHEN 'ICB' THEN 'icb' END`;

export async function locateGrants(db: Db, options: LocateOptions): Promise<void> {
  const { place, rawDir, postcodes, log } = options;
  // National code lists: stored when the database was built; read from the fetched lookups for a database built before.
  const stored = await hasCodeLists(db);
  if (!stored) {
    const { lookup11 } = await buildCodeLists(db, rawDir, { temp: true });
    const [{ locations }] = await db.all<{ locations: number }>(`SELECT (SELECT count(*) FROM grants_stg_location) + (SELECT count(*) FROM grants_stg_recipient_code)::INTEGER AS locations`);
    if (!lookup11 && locations > 0)
      log.warn(`grants: no LSOA 2011 → 2021 lookup in ${rawDir} (run \`chest fetch\`): LSOA 2011 codes cannot be converted and codes outside the place are not recognised`);
  }

  // In-place targets: every code that can be placed, and the place's LSOAs it covers (with population weights).
  // An LSOA 2011 code that still exists in 2021 is an LSOA 2021 code; a changed one goes to its best-fit 2021 LSOA.
  await db.run(
    `CREATE OR REPLACE TEMP TABLE g_target AS
    SELECT lsoa21cd AS code, 'LSOA21' AS kind, lsoa21cd, coalesce(population, 0)::BIGINT AS population, lad_code FROM lsoa
    UNION ALL SELECT msoa21cd, 'MSOA21', lsoa21cd, coalesce(population, 0), lad_code FROM lsoa WHERE msoa21cd IS NOT NULL
    UNION ALL SELECT ward_code, 'WD', lsoa21cd, coalesce(population, 0), lad_code FROM lsoa WHERE ward_code IS NOT NULL
    UNION ALL SELECT lad_code, 'LAD', lsoa21cd, coalesce(population, 0), lad_code FROM lsoa
    UNION ALL SELECT icb_code, 'ICB', lsoa21cd, coalesce(population, 0), lad_code FROM lsoa WHERE icb_code = $icb
    UNION ALL SELECT k.lsoa11cd, 'LSOA11', l.lsoa21cd, coalesce(l.population, 0), l.lad_code
      FROM code_lsoa11_changed k JOIN lsoa l ON l.lsoa21cd = k.lsoa21cd
      WHERE k.lsoa11cd NOT IN (SELECT lsoa21cd FROM lsoa)`,
    { icb: place.icb?.code ?? "" },
  );
  await db.run(`CREATE OR REPLACE TEMP TABLE g_target_code AS SELECT code, first(kind) AS kind, first(lad_code) AS lad_code, count(*) AS lsoas, sum(population) AS population FROM g_target GROUP BY code`);
  // Codes recognised anywhere (England and Wales), with their district; place codes first.
  await db.run(`CREATE OR REPLACE TEMP TABLE g_known AS
    SELECT code, kind, lad_code FROM g_target_code WHERE code IS NOT NULL
    UNION ALL SELECT code, kind, lad_code FROM code_known ANTI JOIN g_target_code USING (code)`);
  // LSOA names ("Oxford 008B") some publishers put where the code should be; the place's first.
  await db.run(`CREATE OR REPLACE TEMP TABLE g_names AS
    SELECT upper(lsoa21nm) AS name, first(lsoa21cd) AS code FROM lsoa WHERE lsoa21nm IS NOT NULL GROUP BY 1
    UNION ALL SELECT name, code FROM code_lsoa_name WHERE name NOT IN (SELECT upper(lsoa21nm) FROM lsoa WHERE lsoa21nm IS NOT NULL)`);

  // Beneficiary locations: what each code is.
  await db.run(`CREATE OR REPLACE TEMP TABLE g_loc AS
    WITH l AS (
      SELECT s.*, nullif(upper(trim(s.geo_code)), '') AS given FROM grants_stg_location s
    ), n AS (
      SELECT l.*, CASE WHEN NOT regexp_matches(l.given, '^[A-Z][0-9]{8}$') THEN l.given END AS maybe_name FROM l
    ), c AS (
      SELECT n.* EXCLUDE (maybe_name), nm.code AS from_name, coalesce(nm.code, n.given) AS code
      FROM n LEFT JOIN g_names nm ON nm.name = n.maybe_name
    )
    SELECT c.*, coalesce(t.kind, k.kind) AS code_kind,
      CASE
        WHEN c.code IS NULL THEN 'no code'
        WHEN t.code IS NOT NULL THEN 'in place'
        WHEN k.code IS NOT NULL THEN 'outside place'
        WHEN regexp_matches(c.code, '^[WSN][0-9]{8}$') THEN 'outside place'
        WHEN regexp_matches(c.code, '^(E1[0-35]|E4[07]|E54|E92|K0[2-4])[0-9]{6}$') THEN 'wide area'
        WHEN regexp_matches(c.code, '^E0[1256789][0-9]{6}$') THEN 'unknown code'
        WHEN regexp_matches(c.code, '^E[0-9]{8}$') THEN 'unsupported code'
        ELSE 'unknown code'
      END AS resolution
    FROM c LEFT JOIN g_target_code t ON t.code = c.code LEFT JOIN g_known k ON k.code = c.code`);
  // Each usable location (in or outside the place) gets an equal share of the grant, to the penny.
  await db.run(`CREATE OR REPLACE TEMP TABLE g_share AS
    ${apportionSql(
      `SELECT l.gk, l.seq, g.amount_pence, 1 AS one FROM g_loc l JOIN grants_stg_grant g USING (gk) WHERE l.resolution IN ('in place', 'outside place')`,
      "gk",
      "amount_pence",
      "one",
      "seq",
    )}`);

  // What each LSOA 2011 code in use became (once per code, not once per grant).
  await db.run(`CREATE OR REPLACE TEMP TABLE g_lsoa11_codes AS
    SELECT t.code, string_agg(t.lsoa21cd, '; ' ORDER BY t.lsoa21cd) AS lsoa21_codes FROM g_target t
    WHERE t.code IN (SELECT code FROM g_loc WHERE code_kind = 'LSOA11') GROUP BY t.code`);

  await createDocumentedTable(db, "grant_beneficiary_locations");
  await db.run(`INSERT INTO grant_beneficiary_locations
    SELECT l.grant_id, l.seq, l.name, l.geo_code, l.geo_code_type, l.country_code, l.code, l.code_kind, l.resolution,
      CASE WHEN l.code_kind = 'LSOA11' AND l.resolution = 'in place' THEN c.lsoa21_codes END,
      s.amount, l.source_column
    FROM g_loc l LEFT JOIN g_share s USING (gk, seq) LEFT JOIN g_lsoa11_codes c ON c.code = l.code
    ORDER BY l.grant_id, l.seq`);

  // The recipient: its postcode (through a directory the user supplies) and its location codes.
  await db.run(`CREATE OR REPLACE TEMP TABLE g_pc (pc VARCHAR, code VARCHAR)`);
  if (postcodes) await readPostcodes(db, postcodes, log);
  await db.run(`CREATE OR REPLACE TEMP TABLE g_recipient AS
    WITH pc AS (
      SELECT g.grant_id, p.code FROM grants_stg_grant g
      JOIN g_pc p ON p.pc = upper(regexp_replace(g.recipient_postcode, '\\s', '', 'g'))
      WHERE g.recipient_type = 'organisation'
    ), rc AS (
      SELECT grant_id, first(code ORDER BY seq) AS code FROM (
        SELECT r.grant_id, r.seq, upper(trim(r.geo_code)) AS code FROM grants_stg_recipient_code r
      ) x WHERE code IN (SELECT code FROM g_known) OR code IN (SELECT code FROM g_target_code) GROUP BY grant_id
    )
    SELECT g.grant_id, g.recipient_type, g.amount_pence, g.recipient_postcode,
      pc.code AS pc_code, pk.kind AS pc_kind, pk.lad_code AS pc_lad, pt.code IS NOT NULL AS pc_in_place,
      rc.code AS rc_code, rk.kind AS rc_kind, rk.lad_code AS rc_lad
    FROM grants_stg_grant g
    LEFT JOIN pc USING (grant_id)
    LEFT JOIN g_known pk ON pk.code = pc.code
    LEFT JOIN g_target_code pt ON pt.code = pc.code
    LEFT JOIN rc USING (grant_id)
    LEFT JOIN g_known rk ON rk.code = rc.code`);

  // Per grant: what the beneficiary locations give, else the recipient's postcode, else its district.
  await db.run(`CREATE OR REPLACE TEMP TABLE g_grant AS
    WITH b AS (
      SELECT any_value(l.grant_id) AS grant_id,
        count(*) FILTER (WHERE l.resolution IN ('in place', 'outside place')) AS n_usable,
        count(*) FILTER (WHERE l.resolution = 'in place') AS n_in,
        count(*) FILTER (WHERE l.resolution = 'wide area') AS n_wide,
        coalesce(sum(s.amount) FILTER (WHERE l.resolution = 'in place'), 0) AS in_place,
        coalesce(sum(s.amount) FILTER (WHERE l.resolution = 'outside place'), 0) AS outside,
        CASE WHEN min(l.code_kind) FILTER (WHERE l.resolution = 'in place') = max(l.code_kind) FILTER (WHERE l.resolution = 'in place')
          THEN 'beneficiary_' || first(${methodSuffix("l.code_kind")}) FILTER (WHERE l.resolution = 'in place')
          ELSE 'beneficiary_mixed' END AS b_method
      FROM g_loc l LEFT JOIN g_share s USING (gk, seq) GROUP BY l.gk
    )
    SELECT r.grant_id, r.amount_pence,
      coalesce(b.n_usable, 0) AS n_usable, coalesce(b.n_in, 0) AS n_in, coalesce(b.n_wide, 0) AS n_wide,
      coalesce(b.in_place, 0) AS b_in_place, coalesce(b.outside, 0) AS b_outside, b.b_method,
      CASE
        WHEN coalesce(b.n_usable, 0) > 0 OR coalesce(b.n_wide, 0) > 0 THEN NULL
        WHEN r.pc_code IS NOT NULL AND (r.pc_in_place OR r.pc_kind IS NOT NULL) THEN 'postcode'
        WHEN r.rc_lad IS NOT NULL THEN 'district'
      END AS fallback,
      CASE
        WHEN coalesce(b.n_usable, 0) > 0 OR coalesce(b.n_wide, 0) > 0 THEN NULL
        WHEN r.pc_code IS NOT NULL AND (r.pc_in_place OR r.pc_kind IS NOT NULL) THEN r.pc_code
        WHEN r.rc_lad IS NOT NULL THEN r.rc_lad
      END AS fallback_code
    FROM g_recipient r LEFT JOIN b USING (grant_id)`);
  await db.run(`CREATE OR REPLACE TEMP TABLE g_fallback AS
    SELECT g.grant_id, g.fallback, g.fallback_code, g.amount_pence, t.code IS NOT NULL AS in_place
    FROM g_grant g LEFT JOIN g_target_code t ON t.code = g.fallback_code WHERE g.fallback IS NOT NULL`);

  // Targets → the place's LSOAs, apportioned by population with largest-remainder rounding. Stored compactly: one
  // row per target with the cut-off that says which LSOAs get an extra penny (grant_lsoa_part), and the LSOAs each
  // code covers (grant_area_lsoa); the view grant_lsoa spreads them (a district is ~200 LSOAs: 200 rows stored as one).
  await db.run(`CREATE OR REPLACE TEMP TABLE g_part AS
    SELECT l.gk, l.grant_id, l.seq AS part, s.amount AS total, l.code, 'beneficiary_' || ${methodSuffix("l.code_kind")} AS method
    FROM g_loc l JOIN g_share s USING (gk, seq) WHERE l.resolution = 'in place'
    UNION ALL
    SELECT g.gk, f.grant_id, -1, f.amount_pence, f.fallback_code, CASE f.fallback WHEN 'postcode' THEN 'recipient_postcode' ELSE 'recipient_district' END
    FROM g_fallback f JOIN grants_stg_grant g USING (grant_id) WHERE f.in_place`);
  await createDocumentedTable(db, "grant_area_lsoa");
  await db.run(`INSERT INTO grant_area_lsoa
    SELECT t.code, t.lsoa21cd, t.population, c.population, c.lsoas
    FROM g_target t JOIN g_target_code c USING (code) WHERE t.code IN (SELECT code FROM g_part) ORDER BY t.code, t.lsoa21cd`);
  // Only a code with several LSOAs can leave pennies over. Ties go to the LSOA code first in order: its rank among
  // the codes (li) is what the split sorts by, a number rather than text.
  await db.run(`CREATE OR REPLACE TEMP TABLE g_area_rank AS
    SELECT *, dense_rank() OVER (ORDER BY lsoa21cd)::INTEGER AS li FROM grant_area_lsoa WHERE code_lsoas > 1`);
  await db.run(`CREATE OR REPLACE TEMP TABLE g_cut AS
    ${cutSql(
      `SELECT p.gk, p.part, p.total, a.lsoa21cd, a.li, a.population, a.code_population, a.code_lsoas
       FROM g_part p JOIN g_area_rank a USING (code)`,
      "gk, part", "total", "population", "li", { weight: "code_population", count: "code_lsoas" }, "lsoa21cd",
    )}`);
  await createDocumentedTable(db, "grant_lsoa_part");
  await db.run(`INSERT INTO grant_lsoa_part
    SELECT p.grant_id, p.code, p.method, p.total, c.rem_cut, c.tie_cut,
      p.gk IN (SELECT gk FROM g_part GROUP BY gk HAVING count(*) > 1) OR p.code IN (SELECT code FROM grant_area_lsoa GROUP BY code, lsoa21cd HAVING count(*) > 1)
    FROM g_part p LEFT JOIN g_cut c USING (gk, part)
    ORDER BY p.gk, p.part`);
  await createGrantLsoaView(db);

  await db.run(`CREATE OR REPLACE TEMP TABLE grants_placed AS
    SELECT g.grant_id,
      CASE
        WHEN g.n_in > 0 THEN g.b_method
        WHEN g.n_usable > 0 THEN 'outside_place'
        WHEN g.n_wide > 0 THEN 'wide_area'
        WHEN f.fallback = 'postcode' AND f.in_place THEN 'recipient_postcode'
        WHEN f.fallback = 'district' AND f.in_place THEN 'recipient_district'
        WHEN f.fallback IS NOT NULL THEN 'outside_place'
        ELSE 'not_located'
      END AS location_method,
      (g.b_in_place + CASE WHEN f.in_place THEN f.amount_pence ELSE 0 END)::BIGINT AS in_place_pence,
      (g.b_outside + CASE WHEN f.fallback IS NOT NULL AND NOT f.in_place THEN f.amount_pence ELSE 0 END)::BIGINT AS outside_pence
    FROM g_grant g LEFT JOIN g_fallback f USING (grant_id)`);

  // Where each recipient organisation is based (for "where grantees are based" against "where the money is spent").
  await db.run(`CREATE OR REPLACE TEMP TABLE grants_recipient_base AS
    SELECT r.grant_id,
      CASE
        WHEN r.pc_kind = 'LSOA21' OR (r.pc_in_place AND r.pc_kind = 'LSOA11') THEN coalesce((SELECT min(t.lsoa21cd) FROM g_target t WHERE t.code = r.pc_code), r.pc_code)
        WHEN r.pc_kind = 'LSOA11' THEN (SELECT min(k.lsoa21cd) FROM code_lsoa11_changed k WHERE k.lsoa11cd = r.pc_code)
        WHEN r.pc_code IS NULL AND r.rc_kind = 'LSOA21' THEN r.rc_code
      END AS recipient_lsoa21cd,
      coalesce(r.pc_lad, r.rc_lad) AS recipient_lad_code,
      CASE WHEN r.pc_lad IS NOT NULL THEN 'postcode' WHEN r.rc_lad IS NOT NULL THEN 'location code' END AS recipient_base_method,
      coalesce(r.pc_lad, r.rc_lad) IN (SELECT lad_code FROM lsoa) AS recipient_in_place
    FROM g_recipient r WHERE r.recipient_type = 'organisation' AND coalesce(r.pc_lad, r.rc_lad) IS NOT NULL`);

  // Notes for the rejects report: codes not used, codes converted, postcodes not found.
  await db.run(
    `INSERT INTO grants_rejects
    SELECT $first + row_number() OVER (ORDER BY g.file_seq, g.source_row, x.ord, x.seq) - 1, g.source_file, g.source_sheet, g.source_row, x.col, x.value, 'warning', x.reason, g.grant_id
    FROM (
      SELECT grant_id, 0 AS ord, seq, source_column AS col, geo_code AS value,
        CASE resolution
          WHEN 'unknown code' THEN CASE WHEN NOT regexp_matches(code, '^[A-Z][0-9]{8}$') THEN 'not an ONS geography code (a letter and eight digits, such as E01000001); this beneficiary location is not used to place the money' ELSE 'unknown geography code: not an LSOA (2011 or 2021), MSOA 2021, ward 2024 or district code in the ONS lookups (older ward and district codes are not converted); this beneficiary location is not used to place the money' END
          WHEN 'unsupported code' THEN 'a geography code of a type that cannot be placed in LSOAs (only LSOA, MSOA, ward, district and ICB codes can); this beneficiary location is not used'
        END AS reason
      FROM g_loc WHERE resolution IN ('unknown code', 'unsupported code')
      UNION ALL
      SELECT grant_id, 1, seq, source_column, geo_code, 'an LSOA name was given where the code belongs; read as ' || from_name FROM g_loc WHERE from_name IS NOT NULL
      UNION ALL
      SELECT l.grant_id, 2, l.seq, l.source_column, l.geo_code,
        'LSOA 2011 code: converted to LSOA 2021 ' || replace(c.lsoa21_codes, '; ', ', ') || ' through the ONS best-fit lookup'
      FROM g_loc l JOIN g_lsoa11_codes c ON c.code = l.code WHERE l.code_kind = 'LSOA11' AND l.resolution = 'in place'
      UNION ALL
      SELECT r.grant_id, 3, 0, CASE WHEN f.format = 'json' THEN 'recipientOrganization/0/postalCode' ELSE 'Recipient Org:Postal Code' END, r.recipient_postcode,
        'recipient postcode not found in the postcode directory; the money is placed by other means if it can be'
      FROM g_recipient r JOIN g_grant gg USING (grant_id) JOIN grants_stg_grant g2 USING (grant_id) JOIN grants_stg_file f ON f.seq = g2.file_seq
      WHERE $havePostcodes AND r.recipient_postcode IS NOT NULL AND r.pc_code IS NULL AND gg.n_usable = 0 AND gg.n_wide = 0
    ) x JOIN grants_stg_grant g USING (grant_id)`,
    { first: options.nextIssue, havePostcodes: Boolean(postcodes) },
  );
  for (const t of ["g_part", "g_cut", "g_area_rank", "g_lsoa11_codes", "g_share", "g_loc", "g_grant", "g_fallback", "g_recipient", "g_pc", "g_names", "g_known", "g_target_code", "g_target"])
    await db.run(`DROP TABLE IF EXISTS ${t}`);
  if (!stored) for (const { name } of codeListTables) await db.run(`DROP TABLE IF EXISTS temp.main.${name}`);
}

/** A postcode directory (ONSPD, NSPL or a small file in their layout): postcode column pcds (or pcd, pcd7, pcd8, postcode) and LSOA column lsoa21cd or lsoa21 (or lsoa11cd/lsoa11). */
async function readPostcodes(db: Db, path: string, log: Logger): Promise<void> {
  if (!existsSync(path)) throw new InputError(path, "postcode directory not found (set by CHEST_POSTCODES)");
  let columns: string[];
  try {
    columns = (await db.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${csv(path)}`)).map((c) => c.column_name);
  } catch (e) {
    throw new InputError(path, `postcode directory is not a readable CSV (${(e as Error).message.split("\n")[0]})`);
  }
  const find = (names: string[]) => {
    for (const name of names) {
      const hit = columns.find((c) => c.trim().toLowerCase() === name);
      if (hit) return hit;
    }
    return undefined;
  };
  const pc = find(["pcds", "pcd", "pcd7", "pcd8", "postcode"]);
  const lsoa = find(["lsoa21cd", "lsoa21", "lsoa11cd", "lsoa11"]);
  if (!pc || !lsoa)
    throw new InputError(path, `postcode directory needs a postcode column (pcds) and an LSOA column (lsoa21cd or lsoa21); found ${columns.slice(0, 12).join(", ")}`);
  await db.run(`INSERT INTO g_pc
    SELECT DISTINCT upper(regexp_replace(${ident(pc)}, '\\s', '', 'g')) AS pc, upper(trim(${ident(lsoa)})) AS code
    FROM ${csv(path)}
    WHERE upper(regexp_replace(${ident(pc)}, '\\s', '', 'g')) IN (
      SELECT upper(regexp_replace(recipient_postcode, '\\s', '', 'g')) FROM grants_stg_grant WHERE recipient_postcode IS NOT NULL
    ) AND nullif(trim(${ident(lsoa)}), '') IS NOT NULL`);
  const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM g_pc`);
  log.progress(`grants: postcode directory ${path}: ${n} recipient postcode(s) found (LSOA column ${lsoa})`);
}
