// The equity compute layer on tiny in-memory databases: exact cases (all money in decile 1, equal per head), funder-type splits, rounds and change, no grants.
import { afterEach, describe, expect, it } from "vitest";
import type { Db } from "../../pipelines/db/connection.ts";
import { ALL, NO_ROUND, computeEquity, type EquityResult, type EquityRow } from "../../pipelines/equity/compute.ts";
import { concentrationIndex, decileGroups, slopeIndex } from "../../src/lib/equity.ts";
import { equityDb, tenDeciles, type FixtureGrant, type FixtureLsoa } from "./helpers.ts";

let db: Db | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
});

const row = (r: EquityResult, layer: string, round = ALL, funder = ALL, area?: string): EquityRow => {
  const found = r.rows.find((x) => x.layer === layer && x.round_id === round && x.funder_type === funder && (area === undefined || x.area_code === area));
  if (!found) throw new Error(`no row ${layer} ${round} ${funder} ${area ?? ""}`);
  return found;
};

describe("computeEquity: exact cases", () => {
  it("all money in decile 1 of ten equal deciles: Core20 share 1, concentration index −0.9, SII and RII towards the deprived end", async () => {
    const lsoas = tenDeciles();
    db = await equityDb({ lsoas, rounds: [{ id: "r1", name: "Round one", seq: 0 }], grants: [{ id: "g1", round: "r1", lsoas: { [lsoas[0].code]: 1_000_000 } }] });
    const r = await computeEquity(db);
    const place = row(r, "place");
    expect(place.core20_spend_share).toBe(1);
    expect(place.core20_population_share).toBeCloseTo(0.2, 12);
    expect(place.core20_ratio).toBeCloseTo(5, 12);
    expect(place.concentration_index).toBeCloseTo(-0.9, 12);
    expect(place.concentration_index!).toBeLessThan(0);
    expect(place.spend).toBe(10_000);
    expect(place.spend_per_head).toBe(1);
    expect(place.sii!).toBeLessThan(0);
    expect(place.rii!).toBeLessThan(1);
    // The same numbers straight from the library on the ten groups (£10 per head in decile 1, nothing elsewhere).
    const groups = [{ population: 1000, value: 10 }, ...Array.from({ length: 9 }, () => ({ population: 1000, value: 0 }))];
    expect(place.sii).toBeCloseTo(slopeIndex(groups).sii!, 12);
    expect(place.rii).toBeCloseTo(slopeIndex(groups).rii!, 12);
    expect(place.headline).toBe("Across all rounds, 100% of spend reached Core20 neighbourhoods, home to 20% of residents.");
    expect(row(r, "place", "r1").headline).toBe("In round 1, 100% of spend reached Core20 neighbourhoods, home to 20% of residents.");
    // The borough and the partnership are the same ten LSOAs here, so they agree with the place.
    expect(row(r, "lad").concentration_index).toBeCloseTo(-0.9, 12);
    expect(row(r, "partnership").concentration_index).toBeCloseTo(-0.9, 12);
    expect(row(r, "lad").area_name).toBe("Barking & O'Dagenham / Test");
    expect(row(r, "partnership").area_code).toBe('Partnership "A"');
  });

  it("equal spend per head in every decile: concentration index 0, SII 0, RII 1, Core20 share = population share", async () => {
    const lsoas = tenDeciles().map((l, i) => ({ ...l, population: 500 * (i + 1) }));
    // £2 per head everywhere: 200 pence × population.
    const grants = lsoas.map((l, i) => ({ id: `g${i}`, round: null, lsoas: { [l.code]: 200 * l.population } }));
    db = await equityDb({ lsoas, grants });
    const place = row(await computeEquity(db), "place");
    expect(place.concentration_index).toBeCloseTo(0, 12);
    expect(place.sii).toBeCloseTo(0, 10);
    expect(place.rii).toBeCloseTo(1, 10);
    expect(place.core20_spend_share).toBeCloseTo(place.core20_population_share!, 12);
    expect(place.core20_ratio).toBeCloseTo(1, 12);
    expect(place.spend_per_head).toBeCloseTo(2, 12);
  });

  it("agrees with the library applied to the raw rows by hand (uneven money, uneven populations, a decile with no LSOAs)", async () => {
    const lsoas: FixtureLsoa[] = [
      { code: "A1", lad: "LA", ladName: "Alpha", partnership: "P", population: 1200, decile: 1 },
      { code: "A2", lad: "LA", ladName: "Alpha", partnership: "P", population: 1800, decile: 1 },
      { code: "A3", lad: "LA", ladName: "Alpha", partnership: "P", population: 1500, decile: 3 },
      { code: "B1", lad: "LB", ladName: "Beta", partnership: "P", population: 1600, decile: 2 },
      { code: "B2", lad: "LB", ladName: "Beta", partnership: "P", population: 1400, decile: 7 },
      { code: "B3", lad: "LB", ladName: "Beta", partnership: "P", population: 1000, decile: 10 },
    ];
    const grants: (FixtureGrant & { round: string })[] = [
      { id: "g1", round: "r1", lsoas: { A1: 30_000, A3: 12_345 } },
      { id: "g2", round: "r1", lsoas: { B2: 50_000 } },
      { id: "g3", round: "r2", lsoas: { A2: 7_000, B1: 8_000, B3: 1_000 } },
    ];
    db = await equityDb({ lsoas, grants, rounds: [{ id: "r1", name: "One", seq: 0 }, { id: "r2", name: "Two", seq: 1 }] });
    const r = await computeEquity(db);
    const byCode = new Map(lsoas.map((l) => [l.code, l]));
    const expectFor = (codes: string[], rounds: string[]) => {
      const rows = codes.map((c) => ({
        decile: byCode.get(c)!.decile!,
        population: byCode.get(c)!.population,
        spend: grants.filter((g) => rounds.includes(g.round)).reduce((s, g) => s + (g.lsoas[c] ?? 0), 0) / 100,
      }));
      return decileGroups(rows);
    };
    const alpha = ["A1", "A2", "A3"];
    const all = lsoas.map((l) => l.code);
    expect(row(r, "lad", ALL, ALL, "LA").concentration_index).toBeCloseTo(concentrationIndex(expectFor(alpha, ["r1", "r2"]))!, 12);
    expect(row(r, "lad", "r1", ALL, "LA").sii).toBeCloseTo(slopeIndex(expectFor(alpha, ["r1"])).sii!, 12);
    expect(row(r, "place", "r2").concentration_index).toBeCloseTo(concentrationIndex(expectFor(all, ["r2"]))!, 12);
    expect(row(r, "place", "r2").sii).toBeCloseTo(slopeIndex(expectFor(all, ["r2"])).sii!, 12);
    // Alpha has no LSOA in decile 2: that decile has no residents and no figure per head.
    const alphaDeciles = r.deciles.filter((d) => d.area_code === "LA" && d.round_id === ALL && d.funder_type === ALL);
    expect(alphaDeciles.map((d) => d.decile)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(alphaDeciles[1]).toMatchObject({ decile: 2, population: 0, lsoas: 0, spend: 0, spend_per_head: null });
    expect(alphaDeciles[0]).toMatchObject({ decile: 1, population: 3000, lsoas: 2, spend: 370, grants: 2 });
    expect(alphaDeciles.at(-1)).toMatchObject({ cum_population_share: 1, cum_spend_share: 1 });
    // A grant over two deciles counts once in the group and once in each decile.
    expect(row(r, "place", "r2").grants).toBe(1);
    expect(r.deciles.filter((d) => d.layer === "place" && d.round_id === "r2" && d.funder_type === ALL && d.grants > 0).map((d) => d.decile)).toEqual([1, 2, 10]);
  });
});

describe("computeEquity: funder types, rounds and change", () => {
  it("splits each grant's LSOA money by its funder types, and counts the grant once under all funders", async () => {
    const lsoas = tenDeciles();
    db = await equityDb({
      lsoas,
      rounds: [{ id: "r1", name: "One", seq: 0 }],
      grants: [
        { id: "g1", round: "r1", lsoas: { [lsoas[0].code]: 60_000, [lsoas[9].code]: 20_000 }, elsewhere: 20_000, funders: { NHS: 75_000, "local authority": 25_000 } },
        { id: "g2", round: "r1", lsoas: { [lsoas[4].code]: 10_000 }, funders: { business: 10_000 } },
      ],
    });
    const r = await computeEquity(db);
    expect(r.funderTypes).toEqual(["NHS", "local authority", "business"]);
    expect(row(r, "place", "r1", "NHS").spend).toBeCloseTo(600, 9); // 75% of £800 placed
    expect(row(r, "place", "r1", "local authority").spend).toBeCloseTo(200, 9);
    expect(row(r, "place", "r1", "business").spend).toBeCloseTo(100, 9);
    expect(row(r, "place", "r1", ALL).spend).toBeCloseTo(900, 9);
    expect(row(r, "place", "r1", ALL).grants).toBe(2);
    expect(row(r, "place", "r1", "NHS").grants).toBe(1);
    // Same shape of money for NHS and local authority money (one grant, split pro rata): same statistics.
    expect(row(r, "place", "r1", "NHS").concentration_index).toBeCloseTo(row(r, "place", "r1", "local authority").concentration_index!, 12);
    expect(row(r, "place", "r1", "NHS").core20_spend_share).toBeCloseTo(0.75, 12);
    expect(r.coverage.find((c) => c.round_id === ALL)).toEqual({ round_id: ALL, grants: 2, awarded: 1100, placed: 900 });
  });

  it("orders rounds by the configuration, not by id, and gives each round's change from the one before", async () => {
    const lsoas = tenDeciles();
    db = await equityDb({
      lsoas,
      rounds: [{ id: "z-first", name: "Spring", seq: 0, synthetic: true }, { id: "a-second", name: "Autumn", seq: 1, synthetic: true }],
      grants: [
        { id: "g1", round: "z-first", lsoas: { [lsoas[0].code]: 50_000, [lsoas[5].code]: 50_000 } },
        { id: "g2", round: "a-second", lsoas: { [lsoas[1].code]: 90_000, [lsoas[5].code]: 10_000 } },
      ],
    });
    const r = await computeEquity(db);
    expect(r.rounds.map((x) => x.round_id)).toEqual(["z-first", "a-second"]);
    expect(r.rounds.every((x) => x.synthetic)).toBe(true);
    const first = row(r, "place", "z-first");
    const second = row(r, "place", "a-second");
    expect(first.core20_spend_share).toBeCloseTo(0.5, 12);
    expect(second.core20_spend_share).toBeCloseTo(0.9, 12);
    expect(first.previous_round_id).toBeNull();
    expect(first.core20_spend_share_change).toBeNull();
    expect(second.previous_round_id).toBe("z-first");
    expect(second.core20_spend_share_change).toBeCloseTo(0.4, 12);
    expect(second.concentration_index_change).toBeCloseTo(second.concentration_index! - first.concentration_index!, 12);
    expect(second.sii_change).toBeCloseTo(second.sii! - first.sii!, 12);
    expect(second.headline).toBe("In round 2, 90% of spend reached Core20 neighbourhoods, home to 20% of residents.");
    expect(row(r, "place").synthetic).toBe(true);
    // Rows come in a stable order: (all) first, then the rounds in configuration order.
    expect(r.rows.filter((x) => x.layer === "place" && x.funder_type === ALL).map((x) => x.round_id)).toEqual([ALL, "z-first", "a-second"]);
  });

  it("keeps grants in no round apart, and says 'all grants recorded' rather than 'all rounds'", async () => {
    const lsoas = tenDeciles();
    db = await equityDb({ lsoas, rounds: [{ id: "r1", name: "One", seq: 0 }], grants: [
      { id: "g1", round: "r1", lsoas: { [lsoas[0].code]: 10_000 } },
      { id: "g2", round: null, lsoas: { [lsoas[9].code]: 10_000 } },
    ] });
    const r = await computeEquity(db);
    expect(r.rounds.map((x) => x.round_id)).toEqual(["r1", NO_ROUND]);
    expect(row(r, "place", NO_ROUND).spend).toBe(100);
    expect(row(r, "place", NO_ROUND).round_seq).toBeNull();
    expect(row(r, "place").headline).toBe("In all grants recorded, 50% of spend reached Core20 neighbourhoods, home to 20% of residents.");
  });

  it("a borough with no money in a round has a row with zero spend and no statistics, not a missing row", async () => {
    const lsoas = [...tenDeciles("E1", "One"), ...tenDeciles("E2", "Two")];
    db = await equityDb({ lsoas, rounds: [{ id: "r1", name: "One", seq: 0 }], grants: [{ id: "g1", round: "r1", lsoas: { [lsoas[0].code]: 10_000 } }] });
    const r = await computeEquity(db);
    const two = row(r, "lad", "r1", ALL, "E2");
    expect(two).toMatchObject({ spend: 0, grants: 0, population: 10_000, core20_spend_share: null, concentration_index: null, sii: null, rii: null });
    expect(two.core20_population_share).toBeCloseTo(0.2, 12);
    expect(two.headline).toBe("In round 1, no spend was recorded; Core20 neighbourhoods are home to 20% of residents.");
  });
});

describe("computeEquity: edge cases", () => {
  it("works with no grant tables at all: one row per area with no spend, saying so", async () => {
    db = await equityDb({ lsoas: tenDeciles(), withGrantTables: false });
    const r = await computeEquity(db);
    expect(r.hasGrants).toBe(false);
    expect(r.rounds).toEqual([]);
    expect(r.funderTypes).toEqual([]);
    expect(r.coverage).toEqual([]);
    expect(r.rows.map((x) => [x.layer, x.round_id, x.funder_type])).toEqual([
      ["place", ALL, ALL],
      ["partnership", ALL, ALL],
      ["lad", ALL, ALL],
    ]);
    expect(row(r, "place").headline).toBe("Across all rounds, no spend was recorded; Core20 neighbourhoods are home to 20% of residents.");
    expect(r.deciles).toHaveLength(30);
  });

  it("works with empty grant tables, without a meta table, and leaves out a partnership layer nobody belongs to", async () => {
    db = await equityDb({ lsoas: tenDeciles("E1", "One", null), meta: false });
    const r = await computeEquity(db);
    expect(r.hasGrants).toBe(true);
    expect(r.placeId).toBe("place");
    expect(r.rows.map((x) => x.layer)).toEqual(["place", "lad"]);
    expect(row(r, "place").spend).toBe(0);
  });

  it("keeps money placed in an LSOA with no IMD decile out of the statistics but reports it", async () => {
    const lsoas = [...tenDeciles(), { code: "X", lad: "E09000099", ladName: "Barking & O'Dagenham / Test", partnership: null, population: 900, decile: null }];
    db = await equityDb({ lsoas, grants: [{ id: "g1", round: null, lsoas: { [lsoas[0].code]: 10_000, X: 5_000 } }] });
    const place = row(await computeEquity(db), "place");
    expect(place.unranked_spend).toBe(50);
    expect(place.spend).toBe(100);
    expect(place.core20_spend_share).toBe(1);
    expect(place.population).toBe(10_000);
  });
});
