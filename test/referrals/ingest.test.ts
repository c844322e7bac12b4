// Referral ingest on the real north east London database: hostile rows get clear row-level reasons, identifiers are refused and never stored, measures add up.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { updateDatabase } from "../../pipelines/build/update.ts";
import { openDb, type Db } from "../../pipelines/db/connection.ts";
import { InputError } from "../../pipelines/errors.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { IdentifierRefusal } from "../../pipelines/referrals/format.ts";
import { REJECTS_FILE, referralsStage } from "../../pipelines/referrals/stage.ts";
import { buildBase, fixture, freshDb, ingest, rejects, tempDir, TODAY, type Base, type RejectRow } from "./helpers.ts";

let base: Base;
beforeAll(async () => {
  base = await buildBase();
});

const HOSTILE = "hostile referrals 'Q1' (v2).csv";
/** Every layer's April 2024 totals (all needs), as the aggregate examples give them. */
const aprilTotals = (db: Db) =>
  db.all(`SELECT layer, area_code, referrals, unmet FROM referral_measures WHERE period = '2024-04' AND need = 'all' ORDER BY layer, area_code`);
const byLine = (rows: RejectRow[]) => {
  const map = new Map<number, RejectRow[]>();
  for (const r of rows) (map.get(r.line) ?? map.set(r.line, []).get(r.line)!).push(r);
  return map;
};

describe("hostile record-level file", () => {
  let result: Awaited<ReturnType<typeof ingest>>;
  let rows: Map<number, RejectRow[]>;
  beforeAll(async () => {
    result = await ingest(base, [fixture(HOSTILE)]);
    rows = byLine(await rejects(result.db));
  });

  const expectReason = (line: number, column: string, reason: RegExp) => {
    const found = rows.get(line) ?? [];
    expect(found.map((r) => `${r.column}: ${r.reason}`).join("\n"), `line ${line}`).toMatch(reason);
    expect(found.some((r) => r.column === column && reason.test(r.reason)), `line ${line} column ${column}`).toBe(true);
  };

  it("accepts the good rows and rejects every bad one, with the line it is on", async () => {
    const accepted = await result.db.all<{ line: number; referral_id: string; lsoa21cd: string; location_method: string }>(
      `SELECT line, referral_id, lsoa21cd, location_method FROM referral ORDER BY line`,
    );
    expect(accepted.map((r) => r.line)).toEqual([2, 7, 8, 18, 27, 28, 31, 32]);
    expect([...rows.keys()].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22, 23, 24, 25, 26, 29, 30]);
    const [file] = result.stats;
    expect(file).toMatchObject({ file: HOSTILE, format: "records", rows: 31, accepted: 8, rejected_rows: 23 });
  });

  it("unknown practice code", () => expectReason(3, "practice_code", /unknown practice code: not in the NHS ODS list/));
  it("LSOA outside the place", () => expectReason(4, "lsoa_code", /LSOA E01004646 is in Westminster, outside the place/));
  it("future date", () => expectReason(5, "referral_date", new RegExp(`in the future \\(after ${TODAY}\\)`)));
  it("dd/mm/yyyy date", () => expectReason(11, "referral_date", /dd\/mm\/yyyy dates are ambiguous.*yyyy-mm-dd/));
  it("a date that does not exist", () => expectReason(29, "referral_date", /not a real calendar date/));
  it("coordinates outside England", () => expectReason(9, "longitude", /outside England/));
  it("latitude and longitude swapped", () => expectReason(10, "longitude", /look swapped/));
  it("coordinates in Wales, not in the place", () => expectReason(19, "longitude", /not in any LSOA of the place/));
  it("grid references instead of degrees", () => expectReason(20, "longitude", /British National Grid/));
  it("Welsh LSOA", () => expectReason(17, "lsoa_code", /W01000001 .*is outside the place/));
  it("unknown need category, reported not guessed", () => {
    expectReason(12, "needs", /unknown need category .*never guessed/);
    expect(rows.get(12)![0].value).toBe("Gardening club");
  });
  it("missing outcome", () => expectReason(13, "outcome", /missing outcome/));
  it("negative wait", () => expectReason(21, "days_waited", /negative/));
  it("wait longer than the time since the referral", () => expectReason(30, "days_waited", /more days than have passed/));
  it("practice in another PCN", () => expectReason(22, "pcn_code", /practice F84003 belongs to PCN U05451/));
  it("unknown age band", () => expectReason(23, "age_band", /unknown age band/));
  it("duplicate referral id keeps the first", () => expectReason(16, "referral_id", /duplicate referral id: also at line 2/));
  it("postcode without a postcode directory", () => expectReason(26, "postcode", /no postcode directory/));

  it("refuses rows with direct identifiers, withholds the values and stores nothing from them", async () => {
    expectReason(6, "referral_id", /looks like an NHS number/);
    expectReason(25, "needs", /looks like an NHS number/);
    expectReason(14, "postcode", /looks like an address/);
    expectReason(15, "activity_id", /email address/);
    expectReason(24, "source", /person's name/);
    for (const line of [6, 14, 15, 24, 25]) for (const r of rows.get(line)!) expect(r.value === null || r.value === "(withheld)", `line ${line}`).toBe(true);
    const everything = JSON.stringify(await result.db.all(`SELECT * FROM referral`)) + JSON.stringify(await rejects(result.db));
    for (const secret of ["943 476 5919", "9434765919", "4000079190", "jo.bloggs", "Mrs Jones", "Mare Street", "E8 4AA", "E84AA"]) expect(everything).not.toContain(secret);
    expect(result.stats[0].identifier_rows).toBe(5);
  });

  it("does not mistake other digits for NHS numbers", async () => {
    // 4000079191 fails the check digit; a coordinate with ten decimals is not an NHS number either.
    const ids = (await result.db.all<{ referral_id: string }>(`SELECT referral_id FROM referral`)).map((r) => r.referral_id);
    expect(ids).toContain("4000079191");
    expect(ids).toContain("R-130");
  });

  it("converts 2011 LSOA codes and records that it did", async () => {
    const [r] = await result.db.all<{ lsoa21cd: string; location_method: string }>(`SELECT lsoa21cd, location_method FROM referral WHERE referral_id = 'R-105'`);
    expect(r).toEqual({ lsoa21cd: "E01035643", location_method: "lsoa11" });
    expect(result.stats[0].lsoa11_converted).toBe(1);
    expect(result.log.lines.join("\n")).toMatch(/1 rows gave 2011 LSOA codes \(mixed with \d+ rows of 2021 codes\)/);
  });

  it("locates coordinates with the spatial index", async () => {
    const [r] = await result.db.all<{ lsoa21cd: string; location_method: string; needs: string[] }>(
      `SELECT lsoa21cd, location_method, needs FROM referral WHERE referral_id = 'R-116'`,
    );
    expect(r).toEqual({ lsoa21cd: "E01001773", location_method: "coordinates", needs: ["arts_creativity"] });
  });

  it("maps synonyms to categories and keeps ISO date-times", async () => {
    const got = await result.db.all<{ referral_id: string; needs: string[]; referral_date: string }>(
      `SELECT referral_id, needs, strftime(referral_date, '%Y-%m-%d') AS referral_date FROM referral WHERE referral_id IN ('R-125', 'R-126') ORDER BY 1`,
    );
    expect(got).toEqual([
      { referral_id: "R-125", needs: ["carers", "long_term_conditions"], referral_date: "2024-04-25" },
      { referral_id: "R-126", needs: ["housing"], referral_date: "2024-04-05" },
    ]);
  });

  it("writes the rejects report with file, line, column, value and reason", () => {
    const path = join(result.reportsDir, REJECTS_FILE);
    expect(existsSync(path)).toBe(true);
    const text = readFileSync(path, "utf8").replace(/^\uFEFF/, "");
    expect(text.split("\r\n")[0]).toBe("file,row,column,value,reason,severity");
    expect(text).toContain("unknown practice code");
    expect(text).not.toContain("9434765919");
    expect(text).not.toContain("943 476 5919");
  });
});

describe("postcodes through a user-supplied directory", () => {
  it("locates a postcode and never stores it", async () => {
    const { db } = await ingest(base, [fixture(HOSTILE)], { postcodes: fixture("postcode-directory.csv") });
    const [r] = await db.all<{ lsoa21cd: string; location_method: string }>(`SELECT lsoa21cd, location_method FROM referral WHERE referral_id = 'R-124'`);
    expect(r).toEqual({ lsoa21cd: "E01001753", location_method: "postcode" });
    const columns = (await db.all<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'referral'`)).map((c) => c.column_name);
    expect(columns).not.toContain("postcode");
    expect(JSON.stringify(await db.all(`SELECT * FROM referral`))).not.toContain("E8 4AA");
  });
});

describe("files refused whole", () => {
  it("a column named like an NHS number: refused, nothing changes, the message names the column", async () => {
    const { path } = await freshDb(base);
    const before = readFileSync(path);
    const ctx = { place: base.place, rawDir: base.rawDir, reportsDir: join(base.dir, "rejects-x"), log: silentLogger };
    const error = await updateDatabase(path, [referralsStage([fixture("identifier-column.csv")], ctx, { today: TODAY })], silentLogger).catch((e) => e);
    expect(error).toBeInstanceOf(IdentifierRefusal);
    expect((error as Error).message).toMatch(/identifier-column\.csv: refused: column "NHS Number" \(NHS number\) holds direct identifiers/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("rejects a row with more or fewer fields than the header, with that reason, and keeps the others (ragged.csv)", async () => {
    // Row 3 has an unquoted comma in its needs ("Housing, Food"); it used to refuse the whole file.
    const { db, stats } = await ingest(base, [fixture("ragged.csv")]);
    expect(await db.all(`SELECT referral_id, needs::VARCHAR[] AS needs FROM referral`)).toEqual([{ referral_id: "R-1", needs: ["housing"] }]);
    expect(await rejects(db)).toEqual([
      { file: "ragged.csv", line: 3, column: "", value: null, reason: "has 7 fields where the header has 6: a value with the delimiter in it that is not in quotes, or a damaged row" },
    ]);
    expect(stats[0]).toMatchObject({ rows: 2, accepted: 1, rejected_rows: 1 });
    // A ragged row among thousands keeps its neighbours' lines: the row after it is still reported on its own line.
    const text = ["referral_id,referral_date,practice_code,lsoa_code,needs,outcome", "R-1,2024-04-02,F84003,E01001753,Housing,connected",
      "R-2,2024-04-02,F84003,E01001753,Housing,connected,extra", "R-3,2024-04-02,F84003,E01001753,Housing,unknown-outcome", "R-4,2024-04-02,F84003,E01001753,Housing,connected"].join("\n");
    const path = join(tempDir(), "ragged-middle.csv");
    writeFileSync(path, text + "\n");
    const second = await ingest(base, [path]);
    expect(await second.db.all(`SELECT referral_id FROM referral ORDER BY 1`)).toEqual([{ referral_id: "R-1" }, { referral_id: "R-4" }]);
    expect((await rejects(second.db)).map((r) => [r.line, r.column])).toEqual([[3, ""], [4, "outcome"]]);
  });

  it("names the line where a quote that is never closed opens", async () => {
    const path = join(tempDir(), "open-quote.csv");
    writeFileSync(path, 'referral_id,referral_date,practice_code,lsoa_code,needs,outcome\nR-1,2024-04-02,F84003,E01001753,Housing,connected\nR-2,2024-04-02,F84003,E01001753,"Housing,connected\nR-3,2024-04-02,F84003,E01001753,Food,connected\n');
    const error = await ingest(base, [path]).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe("open-quote.csv: not readable as CSV: a quoted field opened on line 3 is never closed");
  });

  it("refuses a file whose stray quote swallows the lines after it, rather than lose them inside one row", async () => {
    const path = join(tempDir(), "stray-quote.csv");
    writeFileSync(path, [
      "referral_id,referral_date,practice_code,lsoa_code,needs,outcome",
      'R-1,2024-04-02,F84003,E01001753,"Housing,connected', // the quote opened here closes on line 4
      "R-2,2024-04-02,F84003,E01001753,Housing,connected",
      'R-3,2024-04-02,F84003,E01001753,"Food",connected',
    ].join("\n") + "\n");
    const error = await ingest(base, [path]).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^stray-quote\.csv: cannot be read as CSV \(line 2\)/);
    // The same with a ragged row further on: the rows after the stray quote are not read as one row and rejected.
    writeFileSync(path, readFileSync(path, "utf8") + "R-4,2024-04-02,F84003,E01001753,Housing,connected,extra\n");
    const second = await ingest(base, [path]).catch((e) => e);
    expect(second).toBeInstanceOf(InputError);
  });

  it.each([["not-a-referral-file.csv", /is not a referral file Chest Atlas knows/]])("%s", async (name, message) => {
    const error = await ingest(base, [fixture(name)]).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(message);
    // DuckDB quotes the offending line in its own message; ours must not (it may hold identifiers).
    expect((error as Error).message).not.toMatch(/Caf|Food,connected/);
  });

  it("an unknown place synonym target is a clear place-file error", async () => {
    const place = { ...base.place, needSynonyms: { "Green gym": "gardening" } };
    const error = await ingest(base, [fixture("records-example.csv")], { place }).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/needSynonyms: "Green gym" points to "gardening", which is not a need category/);
  });
});

describe("aggregate files", () => {
  it("checks every row and keeps the good ones", async () => {
    const { db, stats } = await ingest(base, [fixture("aggregate-hostile.csv")]);
    const rows = byLine(await rejects(db));
    const reason = (line: number) => (rows.get(line) ?? []).map((r) => `${r.column}: ${r.reason}`).join("; ");
    expect(reason(3)).toMatch(/unmet: more unmet referrals \(12\) than referrals \(10\)/);
    expect(reason(4)).toMatch(/area_code: MSOA E02999999 is not in the place/);
    expect(reason(5)).toMatch(/period: in the future/);
    expect(reason(6)).toMatch(/period: must be a month as yyyy-mm/);
    expect(reason(7)).toMatch(/need: unknown need category "Gardening"/);
    expect(reason(8)).toMatch(/no "all" row for this period and area/);
    expect(reason(9)).toMatch(/appear again at line 2/);
    expect(reason(11)).toMatch(/unmet: must be a whole number/);
    const kept = await db.all<{ line: number; layer: string; area_code: string; converted_from_2011: boolean }>(
      `SELECT line, layer, area_code, converted_from_2011 FROM referral_aggregate ORDER BY line`,
    );
    expect(kept).toEqual([
      { line: 2, layer: "msoa", area_code: "E02000369", converted_from_2011: false },
      { line: 10, layer: "lsoa", area_code: "E01035643", converted_from_2011: true },
    ]);
    expect(stats[0]).toMatchObject({ format: "aggregate", rows: 10, accepted: 2 });
  });

  it("reads semicolons, UTF-16, a byte-order mark and Windows-1252 (£) alike, with row-level reasons", async () => {
    const text = readFileSync(fixture("aggregate-hostile.csv"), "utf8").trimEnd() + "\n2024-04,E02000369,Café vouchers £5,3,1\n2024-04,E02000369,Housing,3,1,extra\n";
    const dir = tempDir();
    const write = (name: string, bytes: Buffer) => {
      writeFileSync(join(dir, name), bytes);
      return join(dir, name);
    };
    const semicolons = text.replaceAll(",", ";");
    const variants = [
      write("comma.csv", Buffer.from(text, "utf8")),
      write("semicolons.csv", Buffer.from(semicolons, "utf8")),
      write("utf16.csv", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(semicolons, "utf16le")])),
      write("bom.csv", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")])),
      write("windows-1252.csv", Buffer.from(text, "latin1")),
    ];
    const seen: string[] = [];
    for (const file of variants) {
      const { db, stats } = await ingest(base, [file]);
      const name = basename(file);
      const rows = await rejects(db, name);
      const kept = await db.all(`SELECT line, layer, area_code FROM referral_aggregate ORDER BY line`);
      expect(stats[0], name).toMatchObject({ format: "aggregate", rows: 12, accepted: 2 });
      expect(rows.find((r) => r.line === 12)?.reason, name).toMatch(/unknown need category "Café vouchers £5"/);
      expect(rows.find((r) => r.line === 13)?.reason, name).toMatch(/has 6 fields where the header has 5/);
      seen.push(JSON.stringify({ kept, rejects: rows.map((r) => [r.line, r.column, r.value, r.reason]) }));
      db.close();
    }
    expect(new Set(seen).size).toBe(1);
  });

  it("takes counts re-sent in a later file as a correction (the later ingest wins, changes reported), never adding them twice", async () => {
    const revised = join(tempDir(), "aggregate-revised.csv");
    writeFileSync(revised, readFileSync(fixture("aggregate-example.csv"), "utf8").replace("2024-04,E02000369,all,42,6", "2024-04,E02000369,all,45,7"));
    const { db, reportsDir, log } = await ingest(base, [fixture("aggregate-example.csv"), revised]);
    // Each file's line gives the figures stored, after the corrections.
    expect(log.lines).toContain("aggregate-example.csv: 5 aggregate rows, 0 accepted, 0 rejected, 5 replaced by a later file");
    expect(log.lines).toContain("aggregate-revised.csv: 5 aggregate rows, 5 accepted, 0 rejected");
    expect(await aprilTotals(db)).toEqual([
      { layer: "lad", area_code: "E09000012", referrals: 45, unmet: 7 },
      { layer: "lad", area_code: "E09000025", referrals: 310, unmet: 41 },
      { layer: "msoa", area_code: "E02000369", referrals: 45, unmet: 7 },
      { layer: "pcn", area_code: "U05451", referrals: 120, unmet: 14 },
      { layer: "place", area_code: "north-east-london", referrals: 355, unmet: 48 },
    ]);
    expect(await db.all(`SELECT DISTINCT file FROM referral_aggregate`)).toEqual([{ file: "aggregate-revised.csv" }]);
    expect(await rejects(db)).toEqual([]);
    expect(await db.all(`SELECT identifier, field, old_value, new_value, old_file, new_file, rule FROM input_changes WHERE kind = 'referrals' ORDER BY field`)).toEqual([
      { identifier: "2024-04 E02000369 all", field: "referrals", old_value: "42", new_value: "45", old_file: "aggregate-example.csv", new_file: "aggregate-revised.csv", rule: "later ingest" },
      { identifier: "2024-04 E02000369 all", field: "unmet", old_value: "6", new_value: "7", old_file: "aggregate-example.csv", new_file: "aggregate-revised.csv", rule: "later ingest" },
    ]);
    expect(readFileSync(join(reportsDir, "referrals-changes.csv"), "utf8")).toContain("2024-04 E02000369 all,referrals,42,45");
  });

  it("rejects aggregate rows that would count record-level referrals twice", async () => {
    const { db } = await ingest(base, [fixture("records-example.csv"), fixture("aggregate-example.csv")]);
    const rows = await rejects(db, "aggregate-example.csv");
    // May 2024 records do not overlap the April 2024 aggregates.
    expect(rows).toEqual([]);
    const { db: db2 } = await ingest(base, [fixture(HOSTILE), fixture("aggregate-example.csv")]);
    const overlap = await rejects(db2, "aggregate-example.csv");
    expect(overlap.map((r) => r.line)).toEqual([2, 3, 4, 5]);
    expect(overlap[0].reason).toMatch(/record-level referrals already cover this area in 2024-04/);
  });
});

describe("measures", () => {
  it("count each referral once per need and once in all, per layer and period, with rates and waits", async () => {
    const { db } = await ingest(base, [fixture("records-example.csv")]);
    const get = (layer: string, code: string, period: string, need = "all") =>
      db.all<Record<string, unknown>>(
        `SELECT referrals, unmet, waits_n, wait_mean, wait_median, population, referrals_per_1000, unmet_share
         FROM referral_measures WHERE layer = $layer AND area_code = $code AND period = $period AND need = $need`,
        { layer, code, period, need },
      );
    const [msoa] = await get("msoa", "E02000369", "2024/25");
    const [{ pop }] = await db.all<{ pop: number }>(`SELECT sum(population)::INTEGER AS pop FROM lsoa WHERE msoa21cd = 'E02000369'`);
    expect(msoa).toMatchObject({ referrals: 4, unmet: 1, waits_n: 3, wait_median: 14, population: pop, unmet_share: 0.25 });
    expect(msoa.wait_mean).toBeCloseTo(38 / 3, 2);
    expect(msoa.referrals_per_1000).toBeCloseTo(4000 / pop, 3);
    expect((await get("msoa", "E02000369", "2024-05"))[0]).toMatchObject({ referrals: 4 });
    // Medians for financial years only (what the gate publishes): months and the whole span keep their counts and sums.
    expect((await get("msoa", "E02000369", "2024-05"))[0]).toMatchObject({ waits_n: 3, wait_median: null });
    expect((await get("msoa", "E02000369", "all"))[0]).toMatchObject({ waits_n: 3, wait_median: null });
    expect((await get("lsoa", "E01035643", "2024/25"))[0]).toMatchObject({ referrals: 1, unmet: 1 });
    expect((await get("ward", "E05009371", "2024/25"))[0]).toMatchObject({ referrals: 2 });
    expect((await get("pcn", "U05451", "2024/25"))[0]).toMatchObject({ referrals: 3 });
    expect((await get("pcn", "U51492", "2024/25"))[0]).toMatchObject({ referrals: 1 });
    expect((await get("lad", "E09000012", "all"))[0]).toMatchObject({ referrals: 4 });
    expect((await get("place", "north-east-london", "2024/25"))[0]).toMatchObject({ referrals: 4 });
    for (const need of ["loneliness", "physical_activity", "cost_of_living", "mental_wellbeing", "carers", "food"])
      expect((await get("msoa", "E02000369", "2024/25", need))[0], need).toMatchObject({ referrals: 1 });
  });

  it("add aggregate counts to their own layer and the layers that contain them", async () => {
    const { db } = await ingest(base, [fixture("aggregate-example.csv")]);
    expect(await aprilTotals(db)).toEqual([
      { layer: "lad", area_code: "E09000012", referrals: 42, unmet: 6 },
      { layer: "lad", area_code: "E09000025", referrals: 310, unmet: 41 },
      { layer: "msoa", area_code: "E02000369", referrals: 42, unmet: 6 },
      { layer: "pcn", area_code: "U05451", referrals: 120, unmet: 14 },
      { layer: "place", area_code: "north-east-london", referrals: 352, unmet: 47 },
    ]);
  });

  it("an empty run still creates every table", async () => {
    const { db } = await freshDb(base);
    for (const t of ["referral", "referral_aggregate", "referral_reject", "referral_file", "referral_measures", "practice", "pcn", "need_category"]) {
      const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = $t`, { t });
      expect(n, t).toBe(1);
    }
  });

  it("re-running over the same files gives the same tables", async () => {
    const a = await ingest(base, [fixture(HOSTILE), fixture("records-example.csv")]);
    const b = await ingest(base, [fixture(HOSTILE), fixture("records-example.csv")]);
    const dump = (db: typeof a.db) =>
      Promise.all([
        db.all(`SELECT * EXCLUDE (referral_date), strftime(referral_date, '%Y-%m-%d') AS d FROM referral ORDER BY file, line`),
        db.all(`SELECT * FROM referral_reject ORDER BY ALL`),
        db.all(`SELECT * FROM referral_measures ORDER BY ALL`),
      ]);
    expect(JSON.stringify(await dump(a.db))).toBe(JSON.stringify(await dump(b.db)));
  });
});

describe("schemas", () => {
  it("referral and referral_measures have the documented columns and types", async () => {
    const { path } = await freshDb(base);
    const db = await openDb(path, { readOnly: true });
    const cols = async (table: string) =>
      (await db.all<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $table ORDER BY ordinal_position`,
        { table },
      )).map((c) => `${c.column_name} ${c.data_type}`);
    // The repeating columns are ENUMs over their known values (pipelines/referrals/types.ts): read back as text.
    const shortEnum = (c: string) => c.replace(/ENUM\(.*\)/, "ENUM");
    expect((await cols("referral")).map(shortEnum)).toEqual([
      "file ENUM", "file_order INTEGER", "line INTEGER", "referral_id VARCHAR", "referral_date DATE", "month ENUM",
      "financial_year ENUM", "practice_code ENUM", "pcn_code ENUM", "lsoa21cd ENUM", "location_method ENUM",
      "age_band ENUM", "source ENUM", "outcome ENUM", "activity_id VARCHAR", "days_waited INTEGER", "needs ENUM[]",
    ]);
    expect(await cols("referral")).toContain("location_method ENUM('coordinates', 'lsoa11', 'lsoa21', 'postcode')");
    const [{ lsoas, places }] = await db.all<{ lsoas: number; places: number }>(
      `SELECT (SELECT count(*) FROM unnest(enum_range(NULL::referral_lsoa)))::INTEGER AS lsoas, (SELECT count(*) FROM lsoa)::INTEGER AS places`,
    );
    expect(lsoas).toBe(places);
    expect(await cols("referral_measures")).toEqual([
      "layer VARCHAR", "area_code VARCHAR", "area_name VARCHAR", "parent_code VARCHAR", "period VARCHAR", "period_type VARCHAR",
      "need VARCHAR", "referrals INTEGER", "unmet INTEGER", "population INTEGER", "referrals_per_1000 DOUBLE", "unmet_per_1000 DOUBLE",
      "unmet_share DOUBLE", "waits_n INTEGER", "wait_sum BIGINT", "wait_mean DOUBLE", "wait_median DOUBLE", "from_aggregates INTEGER",
    ]);
    expect(await cols("practice")).toEqual([
      "code VARCHAR", "name VARCHAR", "postcode VARCHAR", "status VARCHAR", "sub_icb_code VARCHAR", "prescribing_setting INTEGER",
      "pcn_code VARCHAR", "pcn_name VARCHAR", "lat DOUBLE", "lon DOUBLE", "in_place BOOLEAN", "location_method VARCHAR",
    ]);
    db.close();
  });
});
