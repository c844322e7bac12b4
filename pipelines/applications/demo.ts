// A seeded synthetic applications round (about three times the pot), with panel scores and applicants' votes, for demos and tests; every row says it is synthetic.
import { SYNTHETIC_LABEL } from "../demo/generators.ts";
import { largestRemainder } from "../grants/money.ts";
import { csvText } from "../../src/lib/csv.ts";
import { NEED_CATEGORIES } from "../../src/lib/needs.ts";
import type { PbVote } from "../../src/lib/participatory.ts";
import type { PanelScore } from "../../src/lib/panel.ts";
import { mulberry32 } from "../../src/lib/random.ts";
import { templateHeader } from "./template.ts";

export interface DemoArea {
  code: string;
  /** 0–100, higher = more need; applications lean towards needier areas. Equal when absent. */
  need?: number;
}

export interface DemoRoundOptions {
  areas: readonly DemoArea[];
  pot: number;
  round: string;
  seed: number;
  /** Requests add up to about this many times the pot (default 3). */
  oversubscription?: number;
  panelMembers?: number;
  /** Need category keys to draw themes from (default: every category but "other"). */
  themes?: readonly string[];
}

export interface DemoRound {
  label: string;
  header: string[];
  rows: string[][];
  panelScores: PanelScore[];
  /** Panel criteria and the scale they are scored on. */
  panelCriteria: string[];
  panelScale: { min: number; max: number };
  /** Applicants vote on each other's pitches (never their own), as in Barking and Dagenham. */
  votes: PbVote[];
}

const ALL_THEMES = NEED_CATEGORIES.filter((c) => c.key !== "other").map((c) => c.key);
const NOUNS = ["Club", "Circle", "Collective", "Project", "Network", "Hub", "Group", "Trust", "Association", "Café"];
const ADJECTIVES = ["Riverside", "Northfield", "Greenway", "Oak Tree", "Harbour", "Meadow", "Station Road", "Parkside", "Elm", "Lantern", "Bridge", "Willow"];
const BANDS = ["micro", "micro", "micro", "small", "small", "small", "small", "medium", "medium", "large"];
export const PANEL_CRITERIA = ["reach", "delivery", "value for money"];

/** Pick an index with probability proportional to weights. */
function pick(rand: () => number, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rand() * total;
  for (let i = 0; i < weights.length; i++) if ((r -= weights[i]) < 0) return i;
  return weights.length - 1;
}

/** The demo round: applications in the template layout, panel scores on 1–5 and approval votes, all from one seed. */
export function demoRound(options: DemoRoundOptions): DemoRound {
  const rand = mulberry32(options.seed);
  const { areas, pot, round } = options;
  const THEMES = options.themes?.length ? [...options.themes] : ALL_THEMES;
  if (areas.length === 0) throw new RangeError("the demo round needs at least one area");
  const target = Math.round(pot * (options.oversubscription ?? 3));
  const areaWeights = areas.map((a) => 0.2 + (a.need ?? 50) / 100);
  // Draw requests (£500–£10,000, most £1K–£5K) until they pass the target, then scale them to it in £50 steps.
  const raw: number[] = [];
  while (raw.reduce((a, b) => a + b, 0) < target) raw.push(Math.min(10_000, 500 + Math.exp(7.6 + 0.6 * (rand() + rand() + rand() - 1.5))));
  const steps = largestRemainder(Math.round(target / 50), raw);
  const header = templateHeader();
  const col = new Map(header.map((t, i) => [t, i]));
  const rows: string[][] = [];
  const quality: number[] = [];
  const themeOf: string[][] = [];
  steps.forEach((s, i) => {
    const amount = Math.max(1, s) * 50;
    const themes = [THEMES[pick(rand, THEMES.map((_, k) => 1 / (k + 2)))]];
    if (rand() < 0.35) themes.push(THEMES[Math.floor(rand() * THEMES.length)]);
    const served = new Set<string>();
    const count = 1 + Math.floor(rand() * 3);
    while (served.size < Math.min(count, areas.length)) served.add(areas[pick(rand, areaWeights)].code);
    const name = `${ADJECTIVES[Math.floor(rand() * ADJECTIVES.length)]} ${NOUNS[Math.floor(rand() * NOUNS.length)]}`;
    const row = new Array<string>(header.length).fill("");
    const set = (title: string, value: string) => (row[col.get(title)!] = value);
    const id = `DEMO-${round.replace(/[^A-Za-z0-9]+/g, "-")}-${String(i + 1).padStart(3, "0")}`;
    set("Identifier", id);
    set("Title", `${name} ${themes[0].replaceAll("_", " ")} project`);
    set("Description", `Synthetic demo application (not a real organisation) for ${themes.map((t) => t.replaceAll("_", " ")).join(" and ")}.`);
    set("Amount Applied For", String(amount));
    set("Currency", "GBP");
    set("Recipient Org:Name", `${name} (synthetic)`);
    if (rand() < 0.4) set("Recipient Org:Charity Number", String(1_100_000 + Math.floor(rand() * 99_999)));
    set("Recipient Org:Income Band", BANDS[Math.floor(rand() * BANDS.length)]);
    set("Themes", [...new Set(themes)].join("; "));
    set("Beneficiary Location:Geographic Code", [...served].join("; "));
    set("Expected Participants", String(10 + Math.floor(rand() * 120)));
    set("Sessions", String(6 + Math.floor(rand() * 46)));
    set("Planned Dates:Duration (months)", String([3, 6, 6, 12, 12, 12, 18, 24][Math.floor(rand() * 8)]));
    set("Grant Programme:Title", round);
    rows.push(row);
    quality.push(rand());
    themeOf.push([...new Set(themes)]);
  });
  const ids = rows.map((r) => r[col.get("Identifier")!]);

  const members = Array.from({ length: options.panelMembers ?? 4 }, (_, k) => `Panel member ${k + 1}`);
  const panelScores: PanelScore[] = [];
  ids.forEach((application, i) => {
    for (const member of members) {
      for (const criterion of PANEL_CRITERIA) {
        const score = Math.round(1 + 4 * quality[i] + (rand() - 0.5) * 2);
        panelScores.push({ member, application, criterion, score: Math.min(5, Math.max(1, score)) });
      }
    }
  });

  // Each applicant backs 3–6 others' pitches, favouring good ones and its own themes (so blocs form by theme).
  const votes: PbVote[] = [];
  ids.forEach((voter, v) => {
    const wanted = 3 + Math.floor(rand() * 4);
    const weights = ids.map((_, p) => (p === v ? 0 : 0.2 + quality[p] + (themeOf[p].some((t) => themeOf[v].includes(t)) ? 2 : 0)));
    const chosen = new Set<number>();
    while (chosen.size < Math.min(wanted, ids.length - 1)) {
      const p = pick(rand, weights);
      chosen.add(p);
      weights[p] = 0;
    }
    for (const p of [...chosen].sort((a, b) => a - b)) votes.push({ voter, project: ids[p] });
  });

  return { label: SYNTHETIC_LABEL, header, rows, panelScores, panelCriteria: PANEL_CRITERIA, panelScale: { min: 1, max: 5 }, votes };
}

/** The round's applications as CSV text (the template layout), panel scores and votes as CSV too. */
export function demoRoundCsv(round: DemoRound): { applications: string; panel: string; votes: string } {
  return {
    applications: csvText(round.header, round.rows),
    panel: csvText(["member", "application", "criterion", "score"], round.panelScores.map((s) => [s.member, s.application, s.criterion, s.score])),
    votes: csvText(["voter", "application", "approval"], round.votes.map((v) => [v.voter, v.project, 1])),
  };
}
