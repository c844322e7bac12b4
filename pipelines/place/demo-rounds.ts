// The synthetic demo funding rounds: made for any place by `chest demo`, kept beside the inputs (not in the place file), and applied while demo grants are loaded.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { scanInputs } from "../inputs/registry.ts";
import type { InputFile } from "../kit/kind.ts";
import { placeSchema, type Place } from "./schema.ts";

type Round = Place["rounds"][number];

/** Where the demo keeps the rounds it applied, beside the stored inputs, so a later build sees the same rounds. */
export function demoRoundsFile(inputsDir: string): string {
  return join(inputsDir, "demo-rounds.json");
}

/** Two synthetic rounds (£240,000 and £265,000 from four kinds of funder) for any place: same place → same rounds. */
export function demoRoundsFor(place: Pick<Place, "id" | "name">): Round[] {
  const description = `SYNTHETIC DEMO ROUND: made-up contributions so the demo ledger for ${place.name} has a round to belong to. Not real funding.`;
  const round = (n: number, amounts: [number, number, number, number], targetResidents: number): Round => ({
    id: `demo-r${n}`,
    name: `Community Chest round ${n} (demo)`,
    programme: `CHESTDEMO-R${n}`,
    description,
    synthetic: true,
    targetResidents,
    contributions: [
      { funder: "NHS partner (demo)", type: "NHS", amount: amounts[0] },
      { funder: "Local authority partners (demo)", type: "local authority", amount: amounts[1] },
      { funder: "Philanthropic partner (demo)", type: "philanthropy", amount: amounts[2] },
      { funder: "Business partner (demo)", funderId: "360G-chestdemo-funder-business", type: "business", amount: amounts[3] },
    ],
  });
  return [round(1, [120_000, 60_000, 40_000, 20_000], 3500), round(2, [125_000, 65_000, 50_000, 25_000], 4000)];
}

const overlaySchema = z.object({ place: z.string(), rounds: placeSchema.shape.rounds });

/** Record the demo rounds for this place beside the inputs (written atomically); withDemoRounds applies them. */
export function recordDemoRounds(place: Place, inputsDir: string): void {
  const rounds = demoRoundsFor(place);
  mkdirSync(inputsDir, { recursive: true });
  const file = demoRoundsFile(inputsDir);
  writeFileSync(`${file}.part-${process.pid}`, JSON.stringify({ place: place.id, rounds }, null, 2) + "\n");
  renameSync(`${file}.part-${process.pid}`, file);
}

function applyRounds<P extends Place>(place: P, rounds: Round[]): P {
  const own = new Set(place.rounds.map((r) => r.id));
  const programmes = new Set(place.rounds.map((r) => r.programme.toLowerCase()));
  const extra = rounds.filter((r) => !own.has(r.id) && !programmes.has(r.programme.toLowerCase()));
  return extra.length ? { ...place, rounds: [...place.rounds, ...extra] } : place;
}

/**
 * The place with the demo rounds applied, when the demo recorded rounds for this place and its synthetic grants are
 * among the stored inputs (`stored`: the inputs about to be loaded, all of them by default); otherwise without them,
 * as its file says (a real ledger alone never gets synthetic rounds).
 */
export function withDemoRounds<P extends Place>(place: P, inputsDir: string, stored: InputFile[] = scanInputs(inputsDir)): P {
  const file = demoRoundsFile(inputsDir);
  if (!existsSync(file)) return place;
  const parsed = overlaySchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success || parsed.data.place !== place.id) return place;
  if (stored.some((f) => f.kind === "grants" && f.name.startsWith("demo-"))) return applyRounds(place, parsed.data.rounds);
  const demo = new Set(parsed.data.rounds.map((r) => r.id));
  const own = place.rounds.filter((r) => !(r.synthetic && demo.has(r.id)));
  return own.length === place.rounds.length ? place : { ...place, rounds: own };
}
