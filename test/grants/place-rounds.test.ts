// Funding rounds in the place configuration: optional (old place files still load), checked when present.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadPlace } from "../../pipelines/place/load.ts";
import { placeSchema } from "../../pipelines/place/schema.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const minimal = { id: "p", name: "P", localAuthorities: [{ code: "E09000025", name: "Newham" }] };

describe("place rounds", () => {
  it("default to no rounds and no funders", () => {
    const p = placeSchema.parse(minimal);
    expect(p.rounds).toEqual([]);
    expect(p.funders).toEqual([]);
  });

  it("north east London has two synthetic demo rounds adding up to £505,000", () => {
    const p = loadPlace(`${root}data/places/north-east-london.json`);
    expect(p.rounds.map((r) => [r.id, r.programme, r.synthetic])).toEqual([
      ["demo-r1", "NELCC-DEMO-R1", true],
      ["demo-r2", "NELCC-DEMO-R2", true],
    ]);
    expect(p.rounds.flatMap((r) => r.contributions).reduce((a, c) => a + c.amount, 0)).toBe(505_000);
    expect(new Set(p.rounds.flatMap((r) => r.contributions.map((c) => c.type)))).toEqual(new Set(["NHS", "local authority", "philanthropy", "business"]));
    expect(JSON.parse(readFileSync(`${root}data/places/north-east-london.json`, "utf8")).rounds[0].description).toMatch(/^SYNTHETIC DEMO ROUND/);
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
