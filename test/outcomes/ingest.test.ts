// Monitoring returns through the outcomes stage: good rows kept, hostile rows rejected with file/row/column/reason, identifiers never echoed, unpaired answers kept.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../pipelines/errors.ts";
import { ingest, rejectsOf, tempDir, writeFile } from "./helpers.ts";

const items = (v: number[]) => v.join(",");
const participantsHeader = "grant_id,period,participant_code,stage,swemwbs_1,swemwbs_2,swemwbs_3,swemwbs_4,swemwbs_5,swemwbs_6,swemwbs_7,swemwbs_total,ons_life_satisfaction,ons_worthwhile,ons_happiness,ons_anxiety,gp_otherwise";

describe("returns and reach", () => {
  it("stores good rows, rejects the rest, and works out what is due, late and missing", async () => {
    const dir = tempDir();
    const returns = writeFile(dir, "returns.csv", [
      "grant_id,period,sessions_delivered,submitted_on",
      "G1,2024-Q2,10,2024-07-20", // on time (due 31 Jul)
      "G1,2024-Q3,8,2024-11-15", // late (due 31 Oct)
      "G1,2024-Q3,9,2024-11-16", // duplicate
      "G9,2024-Q3,4,", // unknown grant
      "G2,2024-Q1,4,", // before the grant starts
      "G2,2024-Q3,-1,2024-10-01", // bad sessions
      "G2,2024-Q4,3,2026-01-01", // future date
      "G1,2024-Q4,5,2025-02-31", // no such day: was accepted here, then failed the whole ingest when stored as a DATE
      "G1,2025-Q1,5,15/04/2025", // dd/mm/yyyy
      `${"X".repeat(10_000)},2024-Q2,5,`, // a damaged cell: shown cut to 80 characters
    ].join("\n"));
    const reach = writeFile(dir, "reach.csv", [
      "grant_id,period,borough,age_band,residents",
      "G1,2024-Q2,Hackney,65+,12",
      "G1,2024-Q2,E09000025,16-24,3",
      "G1,2024-Q2,Camden,16-24,3",
      "G1,2024-Q2,Hackney,teen,3",
    ].join("\n"));
    const { db } = await ingest([returns, reach]);
    const stored = await db.all(`SELECT grant_id, period, sessions, strftime(submitted_on, '%Y-%m-%d') AS sent FROM outcome_return ORDER BY ALL`);
    expect(stored).toEqual([
      { grant_id: "G1", period: "2024-Q2", sessions: 10, sent: "2024-07-20" },
      { grant_id: "G1", period: "2024-Q3", sessions: 8, sent: "2024-11-15" },
    ]);
    const rejects = await rejectsOf(db);
    expect(rejects.map((r) => [r.file, r.line, r.column, r.value])).toEqual([
      ["reach.csv", 4, "borough", "Camden"],
      ["reach.csv", 5, "age_band", "teen"],
      ["returns.csv", 4, "", ""],
      ["returns.csv", 5, "grant_id", "G9"],
      ["returns.csv", 6, "period", "2024-Q1"],
      ["returns.csv", 7, "sessions_delivered", "-1"],
      ["returns.csv", 8, "submitted_on", "2026-01-01"],
      ["returns.csv", 9, "submitted_on", "2025-02-31"],
      ["returns.csv", 10, "submitted_on", "15/04/2025"],
      ["returns.csv", 11, "grant_id", "X".repeat(80)],
    ]);
    expect(rejects.find((r) => r.line === 9)!.reason).toBe("not a real calendar date");
    expect(rejects.find((r) => r.line === 10)!.reason).toBe("not a date: write yyyy-mm-dd");
    expect(rejects.find((r) => r.line === 6)!.reason).toBe("outside the grant: it runs 2024-Q3 to 2024-Q4");
    expect(rejects.find((r) => r.line === 4 && r.file === "returns.csv")!.reason).toContain("duplicate");
    const due = await db.all(`SELECT grant_id, period, status FROM outcome_due ORDER BY grant_id, period`);
    // Today is 2025-06-15: G1 runs 2024-Q2..2025-Q1, G2 2024-Q3..2024-Q4 (6 months from July); G3 is in no round.
    expect(due).toEqual([
      { grant_id: "G1", period: "2024-Q2", status: "on time" },
      { grant_id: "G1", period: "2024-Q3", status: "late" },
      { grant_id: "G1", period: "2024-Q4", status: "missing" },
      { grant_id: "G1", period: "2025-Q1", status: "missing" },
      { grant_id: "G2", period: "2024-Q3", status: "missing" },
      { grant_id: "G2", period: "2024-Q4", status: "missing" },
    ]);
    const reachRows = await db.all(`SELECT lad_code, age_band, residents FROM outcome_reach ORDER BY ALL`);
    expect(reachRows).toEqual([
      { lad_code: "E09000012", age_band: "65+", residents: 12 },
      { lad_code: "E09000025", age_band: "16-24", residents: 3 },
    ]);
  });
});

describe("encodings and delimiters", () => {
  it("reads semicolon-delimited and UTF-16 returns like comma UTF-8 ones, with the same row-level rejects, through the kit's report", async () => {
    const text = [
      "Grant ID;Period;Sessions delivered *;Submitted on;Notes",
      "G1;2024-Q2;10;2024-07-20;Café £5 vouchers",
      "G9;2024-Q3;4;;",
      "G2;2024-Q3;-1;2024-10-01;",
    ].join("\r\n");
    const dir = tempDir();
    const files = {
      "semicolons.csv": Buffer.from(text, "utf8"),
      "utf16.csv": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replaceAll(";", "\t"), "utf16le")]),
      "utf16-no-bom.csv": Buffer.from(text, "utf16le"),
      "windows-1252.csv": Buffer.from(text, "latin1"),
    };
    const seen: string[] = [];
    for (const [name, bytes] of Object.entries(files)) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const { db, reportsDir } = await ingest([path]);
      expect(await db.all(`SELECT grant_id, period, sessions FROM outcome_return`), name).toEqual([{ grant_id: "G1", period: "2024-Q2", sessions: 10 }]);
      const rejects = (await rejectsOf(db)).map((r) => [r.line, r.column, r.value, r.reason]);
      expect(rejects.map((r) => r.slice(0, 3)), name).toEqual([[3, "grant_id", "G9"], [4, "sessions_delivered", "-1"]]);
      seen.push(JSON.stringify(rejects));
      // The kit's one writer: input_issues and outcomes-rejects.csv, with the column not read as a warning.
      const issues = await db.all<{ file: string; row: string | null; column: string; severity: string }>(`SELECT file, "row", "column", severity FROM input_issues WHERE kind = 'outcomes' ORDER BY n`);
      expect(issues, name).toEqual([
        { file: name, row: "3", column: "grant_id", severity: "error" },
        { file: name, row: "4", column: "sessions_delivered", severity: "error" },
        { file: name, row: null, column: "Notes", severity: "warning" },
      ]);
      const report = readFileSync(join(reportsDir, "outcomes-rejects.csv"), "utf8").split("\r\n");
      expect(report[0]).toBe("\ufefffile,row,column,value,reason,severity,sheet");
      expect(report[1]).toBe(`${name},3,grant_id,G9,unknown grant id: not among the ingested grants (ingest the grant ledger first),error,returns`);
      db.close();
    }
    expect(new Set(seen).size).toBe(1);
  });

  it("returns the kit's IngestResult with per-file figures and the overdue returns as a notice", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "returns.csv", "grant_id,period,sessions_delivered,submitted_on\nG1,2024-Q2,10,2024-07-20\nG9,2024-Q3,4,\n");
    const { result } = await ingest([file]);
    expect(result).toMatchObject({ kind: "outcomes", rowsRead: 2, accepted: 1, rejected: 1, files: [{ file: "returns.csv", rowsRead: 2, accepted: 1, rejected: 1, warnings: 0 }] });
    expect(result.notices).toEqual([expect.objectContaining({ key: "missing-returns", count: 5, message: "5 of 6 quarterly returns are past their due date and have not arrived" })]);
  });
});

describe("participants", () => {
  it("pairs before and after, keeps the unpaired, and converts to metric scores", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "participants.csv", [
      participantsHeader,
      `G1,2024-Q2,P-001,before,${items([2, 2, 2, 2, 2, 2, 2])},,5,5,5,6,`, // raw 14 → 15.32
      `G1,2024-Q4,P-001,after,${items([3, 3, 3, 3, 3, 3, 3])},,7,7,6,3,yes`, // raw 21 → 19.25
      `G1,2024-Q2,P-002,before,,,,,,,,25,,,,,`, // total only: 22.35
      `G1,2024-Q2,P-003,before,${items([3, 3, 3, 3, 3, 3, 3])},21,,,,,`, // unpaired (no after)
      `G1,2024-Q4,p-002,after,,,,,,,,24,,,,,unsure`, // same person, code case differs: 21.54
    ].join("\n"));
    const { db, log } = await ingest([file]);
    expect(await rejectsOf(db)).toEqual([]);
    const pairs = await db.all(`SELECT participant_code, before_metric, after_metric, change, improved, ons_anxiety_change FROM outcome_pair ORDER BY 1`);
    expect(pairs).toEqual([
      { participant_code: "P-001", before_metric: 15.32, after_metric: 19.25, change: 3.93, improved: true, ons_anxiety_change: -3 },
      { participant_code: "P-002", before_metric: 22.35, after_metric: 21.54, change: -0.81, improved: false, ons_anxiety_change: null },
    ]);
    expect(await db.all(`SELECT participant_code, has_stage, line FROM outcome_unpaired`)).toEqual([{ participant_code: "P-003", has_stage: "before", line: 5 }]);
    expect(log.lines.join("\n")).toContain("1 participants have answers at one stage only (kept");
  });
});

describe("hostile files", () => {
  const hostile = [
    participantsHeader,
    `G1,2024-Q2,Jane Smith,before,${items([3, 3, 3, 3, 3, 3, 3])},,,,,,`,
    `G1,2024-Q2,943 476 5919,before,${items([3, 3, 3, 3, 3, 3, 3])},,,,,,`,
    `G1,2024-Q2,jane@example.org,before,${items([3, 3, 3, 3, 3, 3, 3])},,,,,,`,
    `G1,2024-Q2,E8 1DY,before,${items([3, 3, 3, 3, 3, 3, 3])},,,,,,`,
    `G1,2024-Q2,JSMITH1,before,${items([3, 3, 3, 3, 3, 3, 3])},,,,,,`,
    `G1,2024-Q2,1984-02-29,before,${items([3, 3, 3, 3, 3, 3, 3])},,,,,,`,
    `G1,2024-Q2,P-010,before,${items([3, 3, 3, 3, 3, 3, 3])},,,,,,Mrs Patel said yes`,
    `G1,2024-Q2,P-011,before,${items([0, 3, 3, 3, 6, 3, 3])},,,,,,`,
    `G1,2024-Q2,P-012,before,${items([3, 3, 3])},,,,,,,,,,`,
    `G1,2024-Q2,P-013,before,,,,,,,,40,,,,,`,
    `G1,2024-Q2,P-014,before,${items([3, 3, 3, 3, 3, 3, 3])},22,,,,,`,
    `G1,2024-Q2,P-015,before,,,,,,,,,11,5,5,5,`,
    `G1,2024-Q2,P-016,during,,,,,,,,,5,5,5,5,`,
    `G1,2024-Q2,P-017,before,${items([4, 4, 4, 4, 4, 4, 4])},,,,,,`,
  ].join("\n");

  it("rejects every bad row with its reason, keeps the good one, and never echoes an identifier", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "hostile.csv", hostile);
    const { db, reportsDir } = await ingest([file]);
    const rejects = await rejectsOf(db);
    const byLine = (line: number) => rejects.filter((r) => r.line === line);
    for (const line of [2, 3, 4, 5, 6, 7]) expect(byLine(line)).toEqual([expect.objectContaining({ column: "participant_code", value: "(withheld)" })]);
    expect(byLine(2)[0].reason).toContain("looks like a person's name");
    expect(byLine(3)[0].reason).toContain("NHS number");
    expect(byLine(4)[0].reason).toContain("email");
    expect(byLine(5)[0].reason).toContain("postcode");
    expect(byLine(6)[0].reason).toContain("name or word");
    expect(byLine(7)[0].reason).toContain("date");
    expect(byLine(8)).toEqual([expect.objectContaining({ column: "gp_otherwise", value: "(withheld)", reason: expect.stringContaining("name") })]);
    expect(byLine(9).map((r) => [r.column, r.value])).toEqual([["swemwbs_1", "0"], ["swemwbs_5", "6"]]);
    expect(byLine(10)[0].reason).toContain("all seven items (3 of 7 given)");
    expect(byLine(11)[0]).toMatchObject({ column: "swemwbs_total", value: "40", reason: expect.stringContaining("7 to 35") });
    expect(byLine(12)[0]).toMatchObject({ column: "swemwbs_total", reason: "does not match the seven items (they add up to 21)" });
    expect(byLine(13)[0]).toMatchObject({ column: "ons_life_satisfaction", value: "11" });
    expect(byLine(14)[0]).toMatchObject({ column: "stage", value: "during" });
    // Nothing accepted is lost: the one good row is stored.
    expect(await db.all(`SELECT participant_code, swemwbs_raw FROM outcome_response`)).toEqual([{ participant_code: "P-017", swemwbs_raw: 28 }]);
    // No identifier appears anywhere in the database or the rejects report.
    const report = readFileSync(join(reportsDir, "outcomes-rejects.csv"), "utf8");
    const everything = JSON.stringify(await db.all(`SELECT * FROM outcome_reject`)) + JSON.stringify(await db.all(`SELECT * FROM outcome_response`)) + report;
    for (const secret of ["Jane", "Smith", "943 476 5919", "9434765919", "jane@example.org", "E8 1DY", "JSMITH1", "1984-02-29", "Patel"]) expect(everything).not.toContain(secret);
    const [f] = await db.all(`SELECT "rows", accepted, rejected_rows, identifier_rows FROM outcome_file`);
    expect(f).toEqual({ rows: 14, accepted: 1, rejected_rows: 13, identifier_rows: 7 });
  });

  it("rejects a row with more or fewer fields than the header instead of reading its cells out of place", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "ragged.csv", [
      "grant_id,period,borough,age_band,residents",
      "G1,2024-Q2,Hackney,65+,12",
      "G1,2024-Q2,Tower Hamlets, London,65+,9", // an unquoted comma: Tower Hamlets and London would be read as borough and age band
      "G1,2024-Q2,Hackney,16-24,4,7", // one field too many: the 7 would be dropped
      "G1,2024-Q2,Hackney,25-34", // one field short
    ].join("\n"));
    const { db } = await ingest([file]);
    expect(await db.all(`SELECT lad_code, age_band, residents FROM outcome_reach`)).toEqual([{ lad_code: "E09000012", age_band: "65+", residents: 12 }]);
    const rejects = await rejectsOf(db);
    expect(rejects.map((r) => [r.line, r.column, r.reason])).toEqual([
      [3, "", expect.stringMatching(/^has 6 fields where the header has 5/)],
      [4, "", expect.stringMatching(/^has 6 fields where the header has 5/)],
      [5, "", expect.stringMatching(/^has 4 fields where the header has 5/)],
    ]);
  });

  it("refuses a whole file with a name column, and a file that is no return at all", async () => {
    const dir = tempDir();
    const named = writeFile(dir, "named.csv", `participant_name,${participantsHeader}\nJo,G1,2024-Q2,P-001,before,3,3,3,3,3,3,3,,,,,,\n`);
    await expect(ingest([named])).rejects.toThrow(InputError);
    await expect(ingest([named])).rejects.toThrow(/refused: .*participant_name.*name/);
    const other = writeFile(dir, "other.csv", "a,b\n1,2\n");
    await expect(ingest([other])).rejects.toThrow(/not part of a monitoring return/);
  });
});
