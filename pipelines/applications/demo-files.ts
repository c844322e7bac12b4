// `chest demo`'s synthetic awarding inputs: a decision record for demo round 2 (to compare with its synthetic grants) and round 3 (to award), and round 3's applications (about three times the pot), panel scores and votes; every file and row says synthetic.
//
// The records split each pot between the place's boroughs by residents × (½ + need/100) (need_area, all needs),
// and each borough's amount between six themes by the borough's need for each; whole pounds, largest remainder.
// The applications serve 1–3 wards each (needier wards more often) for those themes.
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../db/connection.ts";
import { SYNTHETIC_LABEL, type DemoContext } from "../demo/generators.ts";
import { largestRemainder } from "../grants/money.ts";
import { RECORD_KIND, RECORD_VERSION, type DecisionRecord } from "../../src/lib/decision-record.ts";
import { concentrationIndex, core20Share, decileGroups, spendPerHeadByDecile } from "../../src/lib/equity.ts";
import { mulberry32 } from "../../src/lib/random.ts";
import { demoRound, demoRoundCsv } from "./demo.ts";

/** The round the demo applications are for, and the round whose synthetic grants are compared with a record. */
export const DEMO_AWARD_ROUND = { name: "Community Chest round 3 (demo)", code: "CHESTDEMO-R3", pot: 250_000, date: "2026-09-15" };
export const DEMO_PAST_ROUND = { name: "Community Chest round 2 (demo)", code: "CHESTDEMO-R2", pot: 265_000, date: "2025-09-10" };
/** Themes the demo records split the pot by (need category keys). */
export const DEMO_THEMES = ["loneliness", "mental_wellbeing", "cost_of_living", "food", "family_support", "employment"] as const;

interface Borough {
  code: string;
  name: string;
  population: number;
  need: number;
  themes: Record<string, number>;
}

async function boroughs(db: Db): Promise<Borough[]> {
  const rows = await db.all<{ code: string; name: string; population: number; theme: string; need: number }>(`
    SELECT l.lad_code AS code, any_value(l.lad_name) AS name, sum(l.population)::DOUBLE AS population, n.theme, any_value(n.need_score)::DOUBLE AS need
    FROM lsoa l JOIN need_area n ON n.layer = 'lad' AND n.code = l.lad_code
    WHERE n.theme = 'all' OR list_contains($themes, n.theme)
    GROUP BY l.lad_code, n.theme ORDER BY l.lad_code, n.theme`, { themes: [...DEMO_THEMES] });
  const out = new Map<string, Borough>();
  for (const r of rows) {
    const b = out.get(r.code) ?? { code: r.code, name: r.name, population: r.population, need: 50, themes: {} };
    if (r.theme === "all") b.need = r.need;
    else b.themes[r.theme] = r.need;
    out.set(r.code, b);
  }
  return [...out.values()];
}

/** A decision record as the Workshop page would export it, for one demo round. */
async function demoRecord(db: Db, ctx: DemoContext, areas: Borough[], round: typeof DEMO_AWARD_ROUND, seed: number): Promise<DecisionRecord> {
  const rand = mulberry32(seed);
  const weights = areas.map((a) => a.population * (0.5 + a.need / 100) * (0.9 + 0.2 * rand()));
  const amounts = largestRemainder(round.pot, weights);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const deciles = await db.all<{ decile: number; population: number; spend: number }>(`
    WITH given AS (SELECT unnest($codes::VARCHAR[]) AS lad_code, unnest($amounts::DOUBLE[]) AS amount),
    lad AS (SELECT lad_code, sum(population)::DOUBLE AS pop FROM lsoa GROUP BY 1)
    SELECT i.imd_decile::INTEGER AS decile, sum(l.population)::DOUBLE AS population, sum(g.amount * l.population / lad.pop)::DOUBLE AS spend
    FROM lsoa l JOIN iod2025 i USING (lsoa21cd) JOIN given g USING (lad_code) JOIN lad USING (lad_code)
    GROUP BY 1 ORDER BY 1`, { codes: areas.map((a) => a.code), amounts });
  const core = core20Share(deciles);
  const per = spendPerHeadByDecile(deciles);
  const iod = await db.all<{ title: string }>(`SELECT title FROM provenance WHERE source = 'iod2025-file7'`);
  return {
    kind: RECORD_KIND,
    version: RECORD_VERSION,
    exported_at: `${round.date}T18:00:00.000Z`,
    date: round.date,
    place: { id: ctx.place.id, name: ctx.place.name },
    title: `${round.name}: agreed split (synthetic)`,
    synthetic: true,
    vintages: { iod: iod[0]?.title ?? "English Indices of Deprivation 2025", referral_period: null, ledger_files: [] },
    scenario: { pot: round.pot, alpha: 0.5, unit: 1, layer: "lad", standardisation: "national_rank", group_method: "median", pace_of_change: null, floor: null, cap: null, bounds: {}, url_state: "" },
    weights: { keys: ["income", "health"], labels: ["Income", "Health"], group: [50, 50], partners: [{ label: "Demo partners (synthetic)", weights: [50, 50] }] },
    allocation: areas.map((a, i) => {
      const split = largestRemainder(amounts[i], DEMO_THEMES.map((t) => Math.max(1, a.themes[t] ?? 50)));
      return {
        area_code: a.code,
        area_name: a.name,
        population: a.population,
        need_score: a.need,
        need_rank: [...areas].sort((x, y) => y.need - x.need).findIndex((x) => x.code === a.code) + 1,
        amount: amounts[i],
        share: amounts[i] / round.pot,
        per_head_part: (round.pot * 0.5 * a.population) / areas.reduce((s, x) => s + x.population, 0),
        need_part: amounts[i] - (round.pot * 0.5 * a.population) / areas.reduce((s, x) => s + x.population, 0),
        gap_adjustment: 0,
        bound: null,
        reasons: `SYNTHETIC: ${a.name} gets ${((100 * weights[i]) / totalWeight).toFixed(1)}% of the pot: residents × (½ + need ${a.need.toFixed(1)} / 100).`,
        themes: Object.fromEntries(DEMO_THEMES.map((t, k) => [t, split[k]])),
      };
    }),
    equity: {
      proposal: {
        spend: round.pot,
        core20_spend_share: core.spendShare,
        core20_population_share: core.populationShare,
        concentration_index: concentrationIndex(decileGroups(deciles)),
        deciles: per.map((d) => ({ decile: d.decile, population: d.population, spend: d.spend, spend_per_head: d.spendPerHead })),
      },
      last_round: null,
    },
    notes: [SYNTHETIC_LABEL],
    rationale: `${SYNTHETIC_LABEL}. A made-up agreement so the demo can show awarding within an agreed split.`,
  };
}

/** The decisions kind's demo: a record for round 2 (its grants are in the demo ledger) and one for round 3 (to award). */
export async function generateDemoDecisions(ctx: DemoContext): Promise<string[]> {
  const areas = await boroughs(ctx.db);
  if (!areas.length) return [];
  mkdirSync(ctx.outDir, { recursive: true });
  const files: string[] = [];
  for (const [round, k] of [[DEMO_PAST_ROUND, 2], [DEMO_AWARD_ROUND, 3]] as const) {
    const path = join(ctx.outDir, `demo-decision-${round.code.toLowerCase()}.json`);
    writeFileSync(path, JSON.stringify(await demoRecord(ctx.db, ctx, areas, round, ctx.seed + k), null, 2) + "\n");
    files.push(path);
  }
  return files;
}

/** The applications kind's demo: round 3's applications (wards, needier ones more often), panel scores and votes. */
export async function generateDemoApplications(ctx: DemoContext): Promise<string[]> {
  const wards = await ctx.db.all<{ code: string; need: number }>(
    `SELECT code, need_score::DOUBLE AS need FROM need_area WHERE layer = 'ward' AND theme = 'all' AND need_score IS NOT NULL ORDER BY code`);
  if (!wards.length) return [];
  const round = demoRound({ areas: wards, pot: DEMO_AWARD_ROUND.pot, round: DEMO_AWARD_ROUND.name, seed: ctx.seed + 14, themes: DEMO_THEMES });
  const csv = demoRoundCsv(round);
  mkdirSync(ctx.outDir, { recursive: true });
  const files = (["applications", "panel-scores", "votes"] as const).map((what) => join(ctx.outDir, `demo-${what}-${DEMO_AWARD_ROUND.code.toLowerCase()}.csv`));
  writeFileSync(files[0], csv.applications);
  writeFileSync(files[1], csv.panel);
  writeFileSync(files[2], csv.votes);
  ctx.log.info(`demo: ${round.rows.length} synthetic applications for ${DEMO_AWARD_ROUND.name}`);
  return files;
}
