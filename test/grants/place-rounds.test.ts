// Funding rounds: optional in the place configuration and checked when present; the synthetic demo rounds live with the demo (data/inputs/demo-rounds.json), never in a place file.
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { registerInput } from "../../pipelines/inputs/registry.ts";
import { demoRoundsFile, demoRoundsFor, recordDemoRounds, withDemoRounds } from "../../pipelines/place/demo-rounds.ts";
import { loadPlace } from "../../pipelines/place/load.ts";
import { placeSchema } from "../../pipelines/place/schema.ts";
import { tempDir } from "./helpers.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const minimal = { id: "p", name: "P", localAuthorities: [{ code: "E09000025", name: "Newham" }] };

describe("place rounds", () => {
  it("default to no rounds and no funders", () => {
    const p = placeSchema.parse(minimal);
    expect(p.rounds).toEqual([]);
    expect(p.funders).toEqual([]);
  });

  it("no place file in data/places carries a synthetic round", () => {
    const files = readdirSync(join(root, "data/places")).filter((f) => f.endsWith(".json"));
    expect(files).toEqual(expect.arrayContaining(["north-east-london.json", "plymouth.json"]));
    for (const f of files) expect(loadPlace(join(root, "data/places", f)).rounds.filter((r) => r.synthetic)).toEqual([]);
  });

  it("the demo makes two synthetic rounds adding up to £505,000 for any place, valid as place rounds", () => {
    for (const id of ["north-east-london", "plymouth"]) {
      const place = loadPlace(join(root, `data/places/${id}.json`));
      const rounds = demoRoundsFor(place);
      expect(rounds.map((r) => [r.id, r.programme, r.synthetic, r.targetResidents])).toEqual([
        ["demo-r1", "CHESTDEMO-R1", true, 3500],
        ["demo-r2", "CHESTDEMO-R2", true, 4000],
      ]);
      expect(rounds.flatMap((r) => r.contributions).reduce((a, c) => a + c.amount, 0)).toBe(505_000);
      expect(new Set(rounds.flatMap((r) => r.contributions.map((c) => c.type)))).toEqual(new Set(["NHS", "local authority", "philanthropy", "business"]));
      expect(rounds.every((r) => r.description.startsWith("SYNTHETIC DEMO ROUND"))).toBe(true);
      expect(placeSchema.safeParse({ ...place, rounds }).success).toBe(true);
    }
  });

  it("apply only while the demo recorded them for this place and its grants are stored", () => {
    const place = loadPlace(join(root, "data/places/north-east-london.json"));
    const inputs = tempDir();
    expect(withDemoRounds(place, inputs).rounds).toEqual([]);
    recordDemoRounds(place, inputs);
    // Recorded, but only a real ledger is stored: no synthetic rounds.
    const own = join(tempDir(), "our-ledger.csv");
    writeFileSync(own, "Identifier\n");
    registerInput(inputs, "grants", own);
    expect(withDemoRounds(place, inputs).rounds).toEqual([]);
    const demo = join(tempDir(), "demo-north-east-london-chest-ledger.csv");
    writeFileSync(demo, "Identifier\nx\n");
    registerInput(inputs, "grants", demo);
    expect(withDemoRounds(place, inputs).rounds.map((r) => r.id)).toEqual(["demo-r1", "demo-r2"]);
    // Applying twice adds nothing; another place ignores them.
    expect(withDemoRounds(withDemoRounds(place, inputs), inputs).rounds).toHaveLength(2);
    expect(withDemoRounds(loadPlace(join(root, "data/places/plymouth.json")), inputs).rounds).toEqual([]);
    // Without the demo ledger among the inputs to load (`chest inputs remove`), the demo's rounds go again.
    expect(withDemoRounds(withDemoRounds(place, inputs), inputs, []).rounds).toEqual([]);
  });

  it("a place's own round with the demo's programme or id wins over the demo's", () => {
    const place = { ...loadPlace(join(root, "data/places/north-east-london.json")), rounds: [{ id: "r1", name: "Real", programme: "chestdemo-r1", description: "", synthetic: false, contributions: [{ funder: "F", type: "NHS" as const, amount: 1 }] }] };
    const inputs = tempDir();
    recordDemoRounds(place, inputs);
    mkdirSync(join(inputs, "grants"), { recursive: true });
    const demo = join(tempDir(), "demo-ledger.csv");
    writeFileSync(demo, "Identifier\n");
    registerInput(inputs, "grants", demo);
    expect(withDemoRounds(place, inputs).rounds.map((r) => r.id)).toEqual(["r1", "demo-r2"]);
    expect(demoRoundsFile(inputs)).toBe(join(inputs, "demo-rounds.json"));
  });

  it("refuses an unknown funder type, a non-positive amount, and rounds sharing an id or programme", () => {
    const round = (id: string, programme: string, type = "NHS", amount = 10) => ({ id, name: id, programme, contributions: [{ funder: "F", type, amount }] });
    const bad = placeSchema.safeParse({ ...minimal, rounds: [round("a", "X", "charity"), round("a", "x", "NHS", 0)] });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        "rounds.0.contributions.0.type: must be one of NHS, local authority, philanthropy, business, other",
        "rounds.1.contributions.0.amount: must be a positive amount in pounds",
      ]),
    );
    const dup = placeSchema.safeParse({ ...minimal, rounds: [round("a", "X"), round("a", "x")] });
    expect(dup.error!.issues.map((i) => i.message)).toEqual(["round id a is also used by round 1", `programme "x" is also round 1's: each round needs its own`]);
  });
});
