// A seeded synthetic Community Chest ledger in 360Giving CSV for `chest demo`: ~£500K to ~82 made-up organisations over two rounds, weighted towards deprived LSOAs.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SYNTHETIC_LABEL, type DemoContext } from "../demo/generators.ts";
import type { Place } from "../place/schema.ts";
import { demoRoundsFor } from "../place/demo-rounds.ts";
import { mulberry32 } from "../../src/lib/random.ts";
import { largestRemainder } from "./money.ts";
import { toCsv } from "../kit/delimited.ts";

export interface DemoLsoa {
  lsoa21cd: string;
  lsoa21nm: string;
  ward_code: string | null;
  ward_name: string | null;
  lad_code: string;
  lad_name: string;
  partnership: string;
  population: number;
  imd_decile: number | null;
}

interface Theme {
  key: string;
  title: string;
  weight: number;
  groups: string[];
  activities: string[];
}

const themes: Theme[] = [
  {
    key: "loneliness",
    title: "Loneliness and isolation",
    weight: 0.2,
    groups: ["Lunch Club", "Friendship Circle", "Tea and Talk", "Befriending Network"],
    activities: ["Weekly lunch club for isolated older residents", "Befriending calls and monthly tea afternoons", "Intergenerational games mornings", "Drop-in conversation café for people living alone"],
  },
  {
    key: "cost-of-living",
    title: "Cost of living",
    weight: 0.2,
    groups: ["Community Pantry", "Warm Space", "Money Matters Collective", "Food Share"],
    activities: ["Winter warm space with hot meals and benefits advice", "Community pantry and budgeting sessions", "Energy bill and debt advice drop-ins", "Low-cost food club with cooking on a budget"],
  },
  {
    key: "mental-wellbeing",
    title: "Mental wellbeing",
    weight: 0.2,
    groups: ["Wellbeing Circle", "Peer Support Network", "Mindful Makers", "Listening Space"],
    activities: ["Peer support group for low mood and anxiety", "Gardening for wellbeing sessions", "Creative wellbeing workshops", "Men's mental health walk-and-talk group"],
  },
  {
    key: "physical-activity",
    title: "Physical activity",
    weight: 0.15,
    groups: ["Walking Club", "Chair Yoga Group", "Community Football", "Move Together"],
    activities: ["Gentle exercise classes for people with long-term conditions", "Community walking group with a health walk leader", "Women-only swimming and fitness sessions", "Inclusive football sessions for young adults"],
  },
  {
    key: "healthy-food",
    title: "Healthy food",
    weight: 0.08,
    groups: ["Community Kitchen", "Grow and Cook", "Supper Club"],
    activities: ["Cook-and-eat sessions for families", "Community growing plot and harvest meals", "Healthy cooking classes for carers"],
  },
  {
    key: "digital-inclusion",
    title: "Digital inclusion",
    weight: 0.07,
    groups: ["Digital Buddies", "Tech Help Hub"],
    activities: ["One-to-one help getting online for older residents", "Device lending and digital skills sessions"],
  },
  {
    key: "carers",
    title: "Support for carers",
    weight: 0.05,
    groups: ["Carers' Café", "Carers' Circle"],
    activities: ["Respite afternoons and peer support for unpaid carers", "Carers' café with advice sessions"],
  },
  {
    key: "arts",
    title: "Arts and creativity",
    weight: 0.05,
    groups: ["Craft Collective", "Community Choir", "Story Circle"],
    activities: ["Community choir open to all abilities", "Craft and chat mornings", "Oral history and storytelling project"],
  },
];

/** Invented place-words, so no organisation name can be mistaken for a real group. */
const placeWords = [
  "Amberwick", "Bramblecote", "Cinderholt", "Dapplewell", "Elderhythe", "Fernwhistle", "Gorsebrook", "Hazelquay", "Ivybarrow",
  "Juniperlea", "Kestrelholm", "Lanternmoor", "Marigold Row", "Nettlecombe", "Oakenquill", "Pebblewick", "Quillmere", "Rosethorn Yard",
  "Saffronhythe", "Thistlewick", "Umberfold", "Velvetmead", "Willowquay", "Yarrowby", "Zinnia Court", "Applethwaite Lane", "Bluebell Wharf",
  "Copperleaf", "Dovecote Green", "Emberly", "Foxglove Rise", "Goldcrest", "Harebell Row", "Inkwell Street", "Larkspur", "Moonwort",
];

const organisationTypes = ["Community group", "Registered charity", "Community Interest Company", "Faith group", "Tenants' and residents' association"];

function weightedPick<T>(rng: () => number, items: readonly T[], weight: (t: T) => number): T {
  const total = items.reduce((a, t) => a + weight(t), 0);
  let r = rng() * total;
  for (const t of items) {
    r -= weight(t);
    if (r <= 0) return t;
  }
  return items[items.length - 1];
}

function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

/** A standard normal deviate (Box–Muller) from the seeded generator. */
function normal(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function ladCodeType(code: string): string {
  return code.startsWith("E09") ? "LONB" : code.startsWith("E06") ? "UA" : code.startsWith("E07") ? "NMD" : code.startsWith("E08") ? "MD" : "LAD";
}

interface DemoRound {
  programme: string;
  name: string;
  potPence: number;
  awardFrom: string;
  /** Contributor a few grants name as a Funding Org (to show named funders), with what it put in. */
  named?: { funder: string; funderId: string; pence: number };
}

function demoRounds(place: Place): DemoRound[] {
  // The demo's own rounds (pipelines/place/demo-rounds.ts), whether or not `chest demo` has applied them to the place yet.
  const synthetic = place.rounds.filter((r) => r.synthetic);
  return (synthetic.length >= 2 ? synthetic : demoRoundsFor(place)).slice(0, 2).map((r, i) => {
    const named = r.contributions.find((c) => c.funderId && c.type === "business");
    return {
      programme: r.programme,
      name: r.name,
      potPence: Math.round(r.contributions.reduce((a, c) => a + c.amount, 0) * 100),
      awardFrom: i === 0 ? "2024-02-05" : "2025-02-03",
      named: named ? { funder: named.funder, funderId: named.funderId!, pence: Math.round(named.amount * 100) } : undefined,
    };
  });
}

export const demoColumns = [
  "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
  "Planned Dates:Start Date", "Planned Dates:End Date", "Planned Dates:Duration (months)",
  "Recipient Org:Identifier", "Recipient Org:Name", "Recipient Org:Organisation Type",
  "Recipient Org:Location:0:Name", "Recipient Org:Location:0:Geographic Code", "Recipient Org:Location:0:Geographic Code Type",
  "Beneficiary Location:0:Name", "Beneficiary Location:0:Country Code", "Beneficiary Location:0:Geographic Code", "Beneficiary Location:0:Geographic Code Type",
  "Beneficiary Location:1:Name", "Beneficiary Location:1:Country Code", "Beneficiary Location:1:Geographic Code", "Beneficiary Location:1:Geographic Code Type",
  "Funding Org:0:Identifier", "Funding Org:0:Name", "Funding Org:1:Identifier", "Funding Org:1:Name",
  "Grant Programme:0:Code", "Grant Programme:0:Title",
  "Classifications:0:Vocabulary", "Classifications:0:Code", "Classifications:0:Title",
  "From An Open Call?", "Last Modified", "Data Source",
];

export const demoDataSource = "https://example.org/chest-atlas/synthetic-demo-ledger";

/** Build the rows of the synthetic ledger (pure: same LSOAs, place and seed → same rows). */
export function demoLedgerRows(lsoas: DemoLsoa[], place: Place, seed: number): string[][] {
  const rng = mulberry32(seed ^ 0x6a7e5);
  const rounds = demoRounds(place);
  const partnerships = [...new Set(lsoas.map((l) => l.partnership))].sort();
  const popOf = (p: string) => lsoas.filter((l) => l.partnership === p).reduce((a, l) => a + l.population, 0);
  const lads = [...new Map(lsoas.map((l) => [l.lad_code, l])).values()].sort((a, b) => a.lad_code.localeCompare(b.lad_code));
  const ladPop = new Map(lads.map((l) => [l.lad_code, lsoas.filter((x) => x.lad_code === l.lad_code).reduce((a, x) => a + x.population, 0)]));

  // 82 organisations, spread over partnerships by population (at least 6 each).
  const orgCount = 82;
  const minEach = Math.min(6, Math.floor(orgCount / Math.max(1, partnerships.length)));
  const extra = largestRemainder(orgCount - minEach * partnerships.length, partnerships.map(popOf));
  const names = new Set<string>();
  const chestId = "360G-CHESTDEMO";
  const orgs: { id: string; name: string; theme: Theme; partnership: string; baseLad: (typeof lads)[number]; type: string }[] = [];
  partnerships.forEach((p, pi) => {
    for (let k = 0; k < minEach + extra[pi]; k++) {
      const theme = weightedPick(rng, themes, (t) => t.weight);
      let name = "";
      do name = `${pick(rng, placeWords)} ${pick(rng, theme.groups)}`;
      while (names.has(name));
      names.add(name);
      const home = lads.filter((l) => l.partnership === p);
      // About one in ten is based in another borough than where it works (the head-office effect).
      const elsewhere = rng() < 0.1 && lads.length > home.length;
      const pool = elsewhere ? lads.filter((l) => l.partnership !== p) : home;
      const baseLad = weightedPick(rng, pool, (l) => ladPop.get(l.lad_code) ?? 1);
      orgs.push({ id: `${chestId}-ORG-${String(orgs.length + 1).padStart(3, "0")}`, name, theme, partnership: p, baseLad, type: pick(rng, organisationTypes) });
    }
  });

  // Who is funded in which round: 18 organisations twice, the others once (about 48 + 52 grants).
  const order = orgs.map((o, i) => ({ o, r: rng(), i })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.o);
  const both = order.slice(0, 18);
  const rest = order.slice(18);
  const r1 = [...both, ...rest.slice(0, 30)];
  const r2 = [...both, ...rest.slice(30)];

  const rows: string[][] = [];
  [r1, r2].forEach((members, ri) => {
    const round = rounds[ri];
    const sorted = [...members].sort((a, b) => a.id.localeCompare(b.id));
    // Amounts: log-normal around £4,000 (mostly £1K–£15K), then scaled so the round's pot is spent exactly, in £50 steps.
    const raw = sorted.map(() => Math.min(25_000, Math.max(600, Math.exp(Math.log(4000) + 0.65 * normal(rng)))));
    const unit = round.potPence % 5000 === 0 ? 5000 : 100;
    const amounts = largestRemainder(round.potPence / unit, raw).map((u) => u * unit);
    let namedLeft = round.named ? Math.floor(round.named.pence * 0.6) : 0;
    sorted.forEach((org, k) => {
      const amount = amounts[k];
      const candidates = lsoas.filter((l) => l.partnership === org.partnership);
      // Weighted towards deprived LSOAs (decile 1 counts 3.5 times as much as decile 10 per resident), not exclusively.
      const where = weightedPick(rng, candidates, (l) => l.population * (1 + (2.5 * (10 - (l.imd_decile ?? 5))) / 9));
      const atWard = rng() < 0.4 && where.ward_code;
      const second =
        !atWard && rng() < 0.15 ? candidates.filter((l) => l.ward_code === where.ward_code && l.lsoa21cd !== where.lsoa21cd)[0] ?? null : null;
      const award = addDays(round.awardFrom, Math.floor(rng() * 40));
      const start = addDays(award, 21 + Math.floor(rng() * 30));
      const months = pick(rng, [6, 9, 12, 12, 12]);
      const end = addDays(start, Math.round(months * 30.4));
      const activity = pick(rng, org.theme.activities);
      const named = round.named && org.theme.key === "physical-activity" && amount <= namedLeft ? round.named : undefined;
      if (named) namedLeft -= amount;
      const id = `${chestId}-R${ri + 1}-${String(k + 1).padStart(3, "0")}`;
      rows.push([
        id,
        `${activity} (synthetic)`,
        `${SYNTHETIC_LABEL}. A made-up grant to a fictional organisation for the Chest Atlas demo: ${activity.toLowerCase()} in ${atWard ? where.ward_name : where.lsoa21nm}, ${where.lad_name}.`,
        "GBP",
        String(amount / 100),
        award,
        start,
        end,
        String(months),
        org.id,
        org.name,
        org.type,
        org.baseLad.lad_name,
        org.baseLad.lad_code,
        ladCodeType(org.baseLad.lad_code),
        atWard ? (where.ward_name ?? "") : where.lsoa21nm,
        "GB",
        atWard ? where.ward_code! : where.lsoa21cd,
        atWard ? "WD" : "LSOA",
        second ? second.lsoa21nm : "",
        second ? "GB" : "",
        second ? second.lsoa21cd : "",
        second ? "LSOA" : "",
        chestId,
        `${place.name} Community Chest (synthetic demo)`,
        named ? named.funderId : "",
        named ? named.funder : "",
        round.programme,
        round.name,
        "Chest Atlas demo themes",
        org.theme.key,
        org.theme.title,
        "Yes",
        "2025-04-01T00:00:00Z",
        demoDataSource,
      ]);
    });
  });
  return rows;
}

/** `chest demo`: write data/demo/<place>/grants/demo-<place>-chest-ledger.csv from the built database. */
export async function generateDemoLedger(ctx: DemoContext): Promise<string[]> {
  const lsoas = await ctx.db.all<DemoLsoa>(`
    SELECT l.lsoa21cd, l.lsoa21nm, l.ward_code, l.ward_name, l.lad_code, l.lad_name,
      coalesce(l.partnership, l.lad_name) AS partnership, coalesce(l.population, 0)::INTEGER AS population, i.imd_decile::INTEGER AS imd_decile
    FROM lsoa l LEFT JOIN iod2025 i USING (lsoa21cd) ORDER BY l.lsoa21cd`);
  const rows = demoLedgerRows(lsoas, ctx.place, ctx.seed);
  mkdirSync(ctx.outDir, { recursive: true });
  const path = join(ctx.outDir, `demo-${ctx.place.id}-chest-ledger.csv`);
  const tmp = `${path}.part-${process.pid}`;
  writeFileSync(tmp, toCsv(demoColumns, rows));
  renameSync(tmp, path);
  const total = rows.reduce((a, r) => a + Math.round(Number(r[4]) * 100), 0);
  ctx.log.progress(`demo: ${rows.length} synthetic grants, £${(total / 100).toLocaleString("en-GB")}, to ${new Set(rows.map((r) => r[9])).size} fictional organisations: ${path}`);
  return [path];
}
