// Checks the decision record: built from a computed scenario it validates, round-trips as CSV, and a damaged record is refused with every problem named.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readDecisionRecord, runDecisions } from "../../pipelines/decisions/stage.ts";
import { openDb } from "../../pipelines/db/connection.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { decisionTables } from "../../pipelines/decisions/tables.ts";
import { InputError } from "../../pipelines/errors.ts";
import { recordToCsv, type DecisionRecord } from "../../src/lib/decision-record.ts";
import { buildRecord } from "../../src/lib/workshop-report.ts";
import { computeScenario, defaultWeight, prepareData, weightKeys } from "../../src/lib/workshop-model.ts";
import type { Scenario } from "../../src/lib/workshop-scenario.ts";
import { tempDir } from "../support/pipeline.ts";
import { workshopFixture } from "../lib/workshop-fixture.ts";

/** Twenty seeded LSOAs in four MSOAs. */
const fixture = workshopFixture(20, 7);
const data = prepareData(fixture.rows, fixture.themeRows, fixture.config);
const keys = weightKeys(data);
const scenario: Scenario = {
  name: "Round 3 split", pot: 120_001, alpha: 0.25, unit: 100, layer: "msoa", method: "gaps", group: "median", split: true,
  partners: ["GP lead", "Council, public health", "Residents' panel"].map((label, p) => ({
    label,
    weights: keys.map((k, j) => (k === "theme:loneliness" || k === "theme:cost_of_living" ? 10 + ((j + p) % 3) * 10 : defaultWeight(k) + (k.startsWith("theme:") ? 0 : p * 5))),
  })),
  pace: 0.4, floor: 1000, cap: null, bounds: { E02000001: { cap: 40_000 } }, rationale: "Agreed, with \"quotes\", commas, and\na second line.",
};

function record(): DecisionRecord {
  const result = computeScenario(data, scenario, keys);
  return buildRecord(data, scenario, result, {
    place: { id: "north-east-london", name: "North East London" }, synthetic: true, iod: "English Indices of Deprivation 2025", referralPeriod: "2023-04 to 2025-03",
    ledgerFiles: ["ledger.csv"], lastRound: null, date: "2026-12-01", exportedAt: "2026-12-01T10:00:00.000Z", urlState: "w2.x",
  });
}

describe("decision record", () => {
  it("built from a scenario, it passes validation; amounts add up to the pot and every area has its reasons", () => {
    const dir = tempDir("chest-decision-");
    const path = join(dir, "record.json");
    const r = record();
    writeFileSync(path, JSON.stringify(r));
    const read = readDecisionRecord(path, "record.json");
    expect(read.allocation).toHaveLength(4);
    expect(read.allocation.reduce((s, a) => s + a.amount, 0)).toBe(120_001);
    expect(read.allocation.find((a) => a.area_code === "E02000001")!.amount).toBeLessThanOrEqual(40_000);
    for (const a of read.allocation) expect(a.reasons).toMatch(/^Need rank \d of 4 \(1 = most need\).*per-head share/);
    expect(Object.keys(read.allocation[0].themes ?? {}).sort()).toEqual(["all", "cost_of_living", "loneliness"]);
    expect(read.version).toBe(2);
    expect(read.scenario.theme_split).toBe(true);
    expect(read.weights.labels).toContain("Theme: Loneliness and isolation");
    expect(read.weights.partners.map((p) => p.label)).toEqual(["GP lead", "Council, public health", "Residents' panel"]);
  });

  it("writes the allocation as RFC 4180 CSV with a header naming the decision", () => {
    const lines = recordToCsv(record()).split("\r\n");
    expect(lines[0]).toBe("# Round 3 split; North East London; 2026-12-01; pot 120001; layer msoa; SYNTHETIC DEMO DATA");
    expect(lines[1].startsWith("area_code,area_name,population,need_score,need_rank,amount,share,per_head_part,need_part,gap_adjustment,bound,reasons,theme_")).toBe(true);
    expect(lines.filter((l) => l.startsWith("E02"))).toHaveLength(4);
  });

  it("refuses a damaged record whole, naming each problem with its path and value", () => {
    const dir = tempDir("chest-decision-");
    const r = record() as unknown as Record<string, any>;
    r.scenario.alpha = 1.4;
    r.allocation[1].amount = -5;
    r.allocation[2].area_code = r.allocation[0].area_code;
    r.weights.partners[1].weights.pop();
    const path = join(dir, "damaged.json");
    writeFileSync(path, JSON.stringify(r));
    let error: unknown;
    try {
      readDecisionRecord(path, "damaged.json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as InputError).message;
    expect((error as InputError).exitCode).toBe(3);
    expect(message).toMatch(/^damaged\.json: rejected: \d problem\(s\)/);
    expect(message).toContain("scenario.alpha: Too big: expected number to be <=1 (value 1.4)");
    expect(message).toContain("allocation[1].amount: Too small: expected number to be >=0 (value -5)");
    expect(message).toContain(`allocation[2].area_code: ${r.allocation[0].area_code} appears twice`);
    expect(message).toMatch(/weights\.partners\[1\]\.weights: must have one weight per key \(\d+\); has \d+/);
    writeFileSync(path, "{not json");
    expect(() => readDecisionRecord(path, "damaged.json")).toThrowError(/^damaged\.json: not a JSON decision record/);
    // A date that is not on the calendar would be stored as written (workshop_date is text) and sorted among real ones.
    writeFileSync(path, JSON.stringify({ ...record(), date: "2026-02-31" }));
    expect(() => readDecisionRecord(path, "damaged.json")).toThrowError(/date: is not a real calendar date \(value "2026-02-31"\)/);
    writeFileSync(path, JSON.stringify({ ...record(), date: "15/09/2026" }));
    expect(() => readDecisionRecord(path, "damaged.json")).toThrowError(/rejected: 1 problem\(s\)\n  date: must be a date as yyyy-mm-dd \(value "15\/09\/2026"\)$/);
    writeFileSync(path, JSON.stringify({ ...record(), kind: "something else" }));
    expect(() => readDecisionRecord(path, "damaged.json")).toThrowError(/kind: must be "chest-atlas\/decision-record" \(is this a Workshop decision record\?\)/);
  });

  it("reads a record saved as UTF-16 or with a byte-order mark, loads a repeated file once with a warning, and returns the kit's IngestResult", async () => {
    const dir = tempDir("chest-decision-");
    const text = JSON.stringify(record());
    const files = {
      "utf8.json": Buffer.from(text, "utf8"),
      "bom.json": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]),
      "utf16.json": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]),
      "utf16-no-bom.json": Buffer.from(text, "utf16le"),
    };
    const paths = Object.entries(files).map(([name, bytes]) => {
      writeFileSync(join(dir, name), bytes);
      return join(dir, name);
    });
    for (const path of paths) expect(readDecisionRecord(path).allocation.reduce((s, a) => s + a.amount, 0)).toBe(120_001);
    const again = join(dir, "utf8 copy.json");
    writeFileSync(again, files["utf8.json"]);
    const db = await openDb();
    await db.run(`CREATE TABLE lsoa AS SELECT 'E0100000' || i AS lsoa21cd, 'E0200000' || (i % 4) AS msoa21cd FROM range(8) t(i)`);
    const ctx = { place: { id: "north-east-london", name: "North East London" } as never, reportsDir: dir, log: silentLogger };
    const result = await runDecisions(db, [...paths, again], ctx);
    expect(await db.all(`SELECT source_file FROM decision ORDER BY source_file`)).toEqual(["bom.json", "utf16-no-bom.json", "utf16.json", "utf8.json"].map((f) => ({ source_file: f })));
    expect(result).toMatchObject({ kind: "decisions", rowsRead: 5, accepted: 4, rejected: 0, warnings: 1 });
    expect(result.files.find((f) => f.file === "utf8 copy.json")).toEqual({ file: "utf8 copy.json", rowsRead: 1, accepted: 0, rejected: 0, warnings: 1 });
    expect(await db.all(`SELECT file, severity, reason FROM input_issues WHERE kind = 'decisions'`)).toEqual([
      { file: "utf8 copy.json", severity: "warning", reason: "the same record as utf8.json (same file contents): loaded once" },
    ]);
    expect(readFileSync(join(dir, "decisions-rejects.csv"), "utf8")).toContain("utf8 copy.json,,,north-east-london-2026-12-01-");
    db.close();
  });

  it("documents every column of the decision tables", () => {
    for (const t of decisionTables) {
      expect(t.description.length).toBeGreaterThan(20);
      for (const [name, , description] of t.columns) expect(description, `${t.name}.${name}`).not.toBe("");
    }
  });
});
