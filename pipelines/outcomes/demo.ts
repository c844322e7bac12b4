// Seeded synthetic monitoring returns for the demo grants, with realistic gaps: late and missing returns, unpaired questionnaires, a few typos.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mulberry32, normalGenerator } from "../../src/lib/random.ts";
import type { DemoContext } from "../demo/generators.ts";
import { toCsv } from "../kit/delimited.ts";
import { hasTable } from "../db/catalog.ts";
import { todayInLondon } from "../referrals/stage.ts";
import { columns, quarterDates, quarterDue, quarterLabel, quartersBetween, type Quarter } from "./format.ts";
import { grantsForOutcomesSql } from "./stage.ts";

export interface DemoGrant {
  grant_id: string;
  lad_code: string | null;
  start: string;
  end: string;
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(v)));

export interface DemoReturns {
  returns: string[][];
  reach: string[][];
  participants: string[][];
}

/** The rows of the three demo files (pure: same grants, boroughs, seed and today → same rows). */
export function demoReturnRows(grants: DemoGrant[], boroughs: string[], seed: number, today: string): DemoReturns {
  const rng = mulberry32(seed ^ 0x0c7c0e5);
  const normal = normalGenerator(rng);
  const out: DemoReturns = { returns: [], reach: [], participants: [] };
  const bands = ["16-24", "25-34", "35-49", "50-64", "65+", "0-15"];
  grants.forEach((g, gi) => {
    const silent = rng() < 0.08; // a group that never sends a return
    const due = quartersBetween(g.start, g.end).filter((q) => quarterDates(q).end < today);
    const arrived: Quarter[] = [];
    for (const q of due) {
      if (silent || rng() > 0.85) continue; // missing return
      const dueOn = quarterDue(q);
      const late = rng() < 0.2;
      const sent = late ? addDays(dueOn, 5 + Math.floor(rng() * 50)) : addDays(quarterDates(q).end, 1 + Math.floor(rng() * 25));
      if (sent > today) continue;
      arrived.push(q);
      out.returns.push([g.grant_id, quarterLabel(q), String(4 + Math.floor(rng() * 11)), sent]);
      const home = g.lad_code ?? boroughs[0];
      for (const band of bands.slice(0, 2 + Math.floor(rng() * 4))) {
        const lad = rng() < 0.2 ? boroughs[Math.floor(rng() * boroughs.length)] : home;
        out.reach.push([g.grant_id, quarterLabel(q), lad, band, String(Math.floor(rng() * 11))]);
      }
    }
    if (!arrived.length || rng() < 0.3) return; // many small groups send reach only
    const first = quarterLabel(arrived[0]);
    const last = quarterLabel(arrived[arrived.length - 1]);
    const people = 4 + Math.floor(rng() * 12);
    for (let k = 1; k <= people; k++) {
      const code = `G${String(gi + 1).padStart(3, "0")}-${String(k).padStart(2, "0")}`;
      const level = 2.7 + 0.6 * normal();
      const effect = 0.3 + 0.45 * normal();
      const life = 5.2 + 2 * normal();
      const anxious = 4.8 + 2.4 * normal();
      const items = (shift: number) => Array.from({ length: 7 }, () => String(clamp(level + shift + 0.55 * normal(), 1, 5)));
      const noAfter = rng() < 0.12;
      const noBefore = !noAfter && rng() < 0.04;
      if (!noBefore) out.participants.push([g.grant_id, first, code, "before", ...items(0), "", String(clamp(life, 0, 10)), String(clamp(life + 0.6 + normal(), 0, 10)), String(clamp(life + 0.3 + 1.5 * normal(), 0, 10)), String(clamp(anxious, 0, 10)), ""]);
      if (noAfter) continue;
      const gp = rng();
      const after = [g.grant_id, last, code, "after", ...items(effect), "", String(clamp(life + 0.8 + normal(), 0, 10)), String(clamp(life + 1 + normal(), 0, 10)), String(clamp(life + 0.9 + 1.5 * normal(), 0, 10)), String(clamp(anxious - 0.9 + 1.5 * normal(), 0, 10)), gp < 0.26 ? "yes" : gp < 0.8 ? "no" : "unsure"];
      if (rng() < 0.01) after[4 + Math.floor(rng() * 7)] = "6"; // a typo: items are 1–5, so the row is rejected and reported
      out.participants.push(after);
    }
  });
  return out;
}

/** `chest demo`: write data/demo/<place>/outcomes/demo-<place>-{returns,reach,participants}.csv from the demo grants. */
export async function generateDemoReturns(ctx: DemoContext): Promise<string[]> {
  if (!(await hasTable(ctx.db, "grants"))) return [];
  const grants = await ctx.db.all<DemoGrant>(`
    SELECT grant_id, lad_code, strftime(start_date, '%Y-%m-%d') AS start, strftime(end_date, '%Y-%m-%d') AS "end"
    FROM (${grantsForOutcomesSql(await hasTable(ctx.db, "grant_lsoa"))}) WHERE round_id IS NOT NULL ORDER BY grant_id`);
  const boroughs = (await ctx.db.all<{ lad_code: string }>(`SELECT lad_code FROM place_lad ORDER BY lad_code`)).map((b) => b.lad_code);
  const today = process.env.CHEST_TODAY ?? todayInLondon();
  const rows = demoReturnRows(grants, boroughs, ctx.seed, today);
  mkdirSync(ctx.outDir, { recursive: true });
  const paths: string[] = [];
  for (const kind of ["returns", "reach", "participants"] as const) {
    const path = join(ctx.outDir, `demo-${ctx.place.id}-${kind}.csv`);
    const tmp = `${path}.part-${process.pid}`;
    writeFileSync(tmp, toCsv(columns[kind].map((c) => c.name), rows[kind]));
    renameSync(tmp, path);
    paths.push(path);
  }
  ctx.log.progress(
    `demo: synthetic monitoring returns for ${grants.length} grants: ${rows.returns.length} returns, ${rows.reach.length} reach rows, ${rows.participants.length} questionnaires`,
  );
  return paths;
}
