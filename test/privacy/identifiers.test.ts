// The shared identifier check: UK phone numbers in every written form and obfuscated emails are caught, ordinary codes and ids are not, and the JS predicate and the SQL agree.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/db/connection.ts";
import { createIdentifierMacros, hasIdentifierSql, identifierCandidatePattern, identifierIn, identifierReasonsSql } from "../../pipelines/privacy/identifiers.ts";

const identifiers: [string, RegExp][] = [
  ["+44 (0)20 7946 0018", /phone/],
  ["020-7946-0018", /phone/],
  ["(020) 79460018", /phone/],
  ["0044 7700 900 123", /phone/],
  ["07700 900123", /phone/],
  ["+447700900123", /phone/],
  ["020.7946.0018", /phone/],
  ["ACT-1 tel:01632 960001", /phone/],
  ["ring 0161 496 0000 after 5", /phone/],
  ["tel.02079460018", /phone/],
  ["jo [at] example.org", /email address written to avoid filters/],
  ["jo(at)example dot org", /email address written to avoid filters/],
  ["jo at example dot org", /email address written to avoid filters/],
  ["JO (AT) EXAMPLE.ORG", /email address written to avoid filters/],
  ["jo @ example.org", /email address written to avoid filters/],
  ["jo@example[dot]org", /email address written to avoid filters/],
  ["jo@example dot co dot uk", /email address written to avoid filters/],
  ["jo.bloggs@example.org", /email address/],
  ["943 476 5919", /NHS number/],
  ["Mrs Jones", /name/],
  ["12 Mare Street", /street address/],
  ["E8 4AA", /postcode/],
];
const ordinary = [
  "E01000001", "E02000369", "E05014059", "E09000001+E09000012", "F84001", "U05451", "2024-04-02", "2024-04-02T10:00:00Z",
  "51.5361491234", "-0.127812345", "-0.0742861234", "0.0123456789", "R-000123", "ACT-0042", "ACT-20240402-001", "360G-bench-10023", "9434765918", "2024/25",
  "Housing", "Meet at the park. Then lunch", "sessions at Hackney Library", "120", "1000.50", "0.5", "Q1 2024", "v2.0.1",
];

let db: Db;
beforeAll(async () => {
  db = await openDb(":memory:");
  await createIdentifierMacros(db);
});
afterAll(() => db.close());

const sqlReasons = async (v: string) => (await db.all<{ r: string[] }>(`SELECT ${identifierReasonsSql("$v")} AS r`, { v }))[0]!.r;
const sqlHas = async (v: string) => (await db.all<{ b: boolean }>(`SELECT ${hasIdentifierSql("$v")} AS b`, { v }))[0]!.b;

describe("identifierIn (JS) and identifierReasonsSql (DuckDB)", () => {
  it.each(identifiers)("%s is refused", async (value, reason) => {
    expect(identifierIn(value)).toMatch(reason);
    expect((await sqlReasons(value))[0]).toBe(identifierIn(value));
    expect(await sqlHas(value)).toBe(true);
  });
  it.each(ordinary)("%s is not an identifier", async (value) => {
    expect(identifierIn(value)).toBeNull();
    expect(await sqlReasons(value)).toEqual([]);
    expect(await sqlHas(value)).toBe(false);
  });
  it("the one-pattern row filter lets every identifier through and stops ordinary values (a 10-digit run with a bad check digit aside)", async () => {
    const candidate = async (v: string, postcodes: boolean) =>
      (await db.all<{ b: boolean }>(`SELECT regexp_matches($v, '${identifierCandidatePattern({ postcodes })}') AS b`, { v }))[0]!.b;
    for (const [value] of identifiers) expect([value, await candidate(value, true)]).toEqual([value, true]);
    for (const value of identifiers.map(([v]) => v).filter((v) => !/postcode/.test(identifierIn(v) ?? ""))) expect([value, await candidate(value, false)]).toEqual([value, true]);
    for (const value of ordinary.filter((v) => v !== "9434765918")) expect([value, await candidate(value, true)]).toEqual([value, false]);
  });
  it("skips the postcode check for a field meant to hold one", () => {
    expect(identifierIn("E8 4AA", { allowPostcode: true })).toBeNull();
    expect(identifierIn("E8 4AA, tel 020 7946 0018", { allowPostcode: true })).toMatch(/phone/);
  });
});
