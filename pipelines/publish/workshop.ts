// What the Workshop page receives: one row per LSOA (every layer's codes, residents, the need index's components, chest money already there), each LSOA's per-theme referral figures and provision index from the need stage, and the round's context (data vintages, themes and their configured weights, last round's equity), computed at site-build time.
import type { Db } from "../db/connection.ts";
import { ident } from "../db/sql.ts";
import { MissingSourceError } from "../errors.ts";
import { SYNTHETIC_LABEL } from "../demo/generators.ts";
import { hasTable } from "../db/catalog.ts";
import { queryToArrow } from "./arrow.ts";
import { COMPONENTS } from "../../src/lib/need-themes.ts";
import { needLabel } from "../../src/lib/needs.ts";

/** The need components that are the same for every theme (deprivation, indicators, age): one column each in workshop-lsoa. */
export const LSOA_COMPONENTS = COMPONENTS.filter((c) => c.source === "iod" || c.source === "indicator" || c.source === "census").map((c) => c.key);
/** The need components that differ by theme (referral figures as published): columns of workshop-theme. */
export const THEME_COMPONENTS = COMPONENTS.filter((c) => c.source === "referral").map((c) => c.key);

async function requireNeed(db: Db): Promise<void> {
  for (const table of ["need_input", "need_area", "need_component"]) {
    if (!(await hasTable(db, table))) throw new MissingSourceError(`${table} is missing: run \`chest build\` (the Workshop reads the need stage's components)`);
  }
}

/** The last funding round by its order in the place file, or null when no grants are loaded. */
async function lastRound(db: Db): Promise<{ round_id: string; round_name: string; synthetic: boolean } | null> {
  if (!(await hasTable(db, "grant_rounds"))) return null;
  const rows = await db.all<{ round_id: string; round_name: string; synthetic: boolean }>(
    `SELECT DISTINCT round_id, round_name, synthetic, round_seq FROM grant_rounds ORDER BY round_seq DESC LIMIT 1`,
  );
  return rows[0] ?? null;
}

/**
 * One row per LSOA of the place, ordered by code: codes and names of every layer (PCN by nearest practice, custom
 * neighbourhood when ingested), residents, national IMD decile, each theme-independent need component exactly as the
 * need stage read it (need_input), and the chest money already located there (last round, all rounds) in pounds.
 * Grant money is public by nature (360Giving); no referral figure is in this table.
 */
export async function workshopLsoa(db: Db): Promise<Buffer> {
  await requireNeed(db);
  const grants = await hasTable(db, "grant_lsoa");
  const custom = await hasTable(db, "neighbourhood_lsoa");
  const last = await lastRound(db);
  const money = grants
    ? `SELECT gl.lsoa21cd,
              SUM(gl.amount_pence) / 100.0 AS spend_all,
              SUM(gl.amount_pence) FILTER (WHERE g.round_id = $round) / 100.0 AS spend_last
       FROM grant_lsoa gl JOIN grants g USING (grant_id)
       GROUP BY gl.lsoa21cd`
    : `SELECT NULL::VARCHAR AS lsoa21cd, 0.0 AS spend_all, 0.0 AS spend_last WHERE false`;
  const components = LSOA_COMPONENTS.map((c) => `n.${ident(c)}::DOUBLE AS ${ident(c)}`).join(",\n           ");
  const sql = `
    WITH money AS (${money})
    SELECT l.lsoa21cd AS code, l.lsoa21nm AS name,
           l.msoa21cd AS msoa, coalesce(l.msoa_name, l.msoa21nm) AS msoa_name,
           l.ward_code AS ward, l.ward_name,
           p.pcn_code AS pcn, p.pcn_name,
           l.lad_code AS lad, l.lad_name,
           coalesce(l.partnership, l.lad_name) AS partnership,
           ${custom ? "c.neighbourhood_code" : "NULL::VARCHAR"} AS neighbourhood, ${custom ? "c.neighbourhood_name" : "NULL::VARCHAR"} AS neighbourhood_name,
           l.population::INTEGER AS population,
           i.imd_decile::INTEGER AS imd_decile,
           ${components},
           coalesce(m.spend_last, 0)::DOUBLE AS spend_last,
           coalesce(m.spend_all, 0)::DOUBLE AS spend_all
    FROM lsoa l
    JOIN iod2025 i USING (lsoa21cd)
    JOIN need_input n ON n.lsoa21cd = l.lsoa21cd AND n.theme = 'all'
    LEFT JOIN need_lsoa_pcn p ON p.lsoa21cd = l.lsoa21cd
    ${custom ? "LEFT JOIN neighbourhood_lsoa c ON c.lsoa21cd = l.lsoa21cd" : ""}
    LEFT JOIN money m ON m.lsoa21cd = l.lsoa21cd
    ORDER BY l.lsoa21cd`;
  return queryToArrow(db, sql, grants ? { round: last?.round_id ?? "" } : undefined);
}

/**
 * One row per LSOA and need theme: the LSOA's position in workshop-lsoa (its rank by code, from 0), the theme's referral
 * components as the need stage took them from the publish gate (need_input: the published MSOA, ward or borough rate
 * given to the LSOAs inside; NULL = hidden or none), and the need stage's provision index for the theme (0–100, higher
 * = more provision). Nothing here is finer than what the gate published.
 */
export async function workshopTheme(db: Db): Promise<Buffer> {
  await requireNeed(db);
  const referral = THEME_COMPONENTS.map((c) => `n.${ident(c)}::FLOAT AS ${ident(c)}`).join(", ");
  return queryToArrow(
    db,
    `SELECT (dense_rank() OVER (ORDER BY n.lsoa21cd) - 1)::INTEGER AS lsoa, n.theme, ${referral},
            a.provision_score::FLOAT AS provision_score
     FROM need_input n
     JOIN lsoa l USING (lsoa21cd)
     LEFT JOIN need_area a ON a.layer = 'lsoa' AND a.code = n.lsoa21cd AND a.theme = n.theme
     ORDER BY n.theme, n.lsoa21cd`,
  );
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

/** Each theme's need-side components and weights exactly as the need stage built them (need_component, place overrides applied), and the components any theme uses. */
async function needThemes(db: Db) {
  const rows = await db.all<{ theme: string; key: string; weight: number; used: boolean }>(
    `SELECT theme, key, weight::DOUBLE AS weight, used FROM need_component WHERE side = 'need' AND weight > 0 ORDER BY theme, key`,
  );
  const themes = [...new Set(rows.map((r) => r.theme))]
    .sort((a, b) => (a === "all" ? -1 : b === "all" ? 1 : 0) || needLabel(a).localeCompare(needLabel(b), "en-GB"))
    .map((theme) => ({ key: theme, label: needLabel(theme), components: rows.filter((r) => r.theme === theme).map(({ key, weight }) => ({ key, weight })) }));
  const used = new Set(rows.filter((r) => r.used).map((r) => r.key));
  const components = COMPONENTS.filter((c) => used.has(c.key) && c.source !== "provision").map(({ key, label, description, source, direction, method }) => ({ key, label, description, source, direction, method }));
  return { themes, components };
}

/** The round's context for the page and the decision record: place, data vintages, the need themes, last round and its equity. */
export async function workshopMeta(db: Db): Promise<string> {
  await requireNeed(db);
  const meta = Object.fromEntries((await db.all<{ key: string; value: string }>(`SELECT key, value FROM meta`)).map((r) => [r.key, r.value]));
  const needMeta = Object.fromEntries((await db.all<{ key: string; value: string }>(`SELECT key, value FROM need_meta`)).map((r) => [r.key, r.value]));
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
    need: {
      ...(await needThemes(db)),
      referralLayer: needMeta.referral_layer || null,
      referralYear: needMeta.referral_period || null,
      synthetic: needMeta.synthetic === "true",
    },
    lastRound: last ? { id: last.round_id, name: last.round_name, synthetic: last.synthetic, equity: await lastRoundEquity(db, last.round_id) } : null,
    synthetic: Boolean(last?.synthetic) || needMeta.synthetic === "true",
    syntheticLabel: SYNTHETIC_LABEL,
  });
}
