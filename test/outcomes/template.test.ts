// The XLSX template round trip: write it for a round, check its drop-downs and notes, fill it in as a group would, ingest it.
import { join } from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { writeTemplate } from "../../pipelines/outcomes/template.ts";
import { ingest, outcomesDb, place, rejectsOf, tempDir } from "./helpers.ts";

describe("chest template outcomes", () => {
  it("writes the round's grants, drop-down lists and a notes sheet, and reads back what a group fills in", async () => {
    const db = await outcomesDb();
    const out = join(tempDir(), "return.xlsx");
    const written = await writeTemplate(db, { place, roundId: "r1", out });
    expect(written.grants).toBe(2);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Notes", "Lists", "Returns", "Reach", "Participants"]);
    expect(wb.getWorksheet("Lists")!.state).toBe("hidden");
    const returns = wb.getWorksheet("Returns")!;
    // Every quarter of each grant is listed: G1 2024-Q2..2025-Q1, G2 2024-Q3..2024-Q4 (G3 is in no round).
    const listed = [];
    for (let r = 2; returns.getCell(r, 1).value; r++) listed.push(`${returns.getCell(r, 1).value} ${returns.getCell(r, 2).value}`);
    expect(listed).toEqual(["G1 2024-Q2", "G1 2024-Q3", "G1 2024-Q4", "G1 2025-Q1", "G2 2024-Q3", "G2 2024-Q4"]);
    expect(returns.getCell("A2").dataValidation).toMatchObject({ type: "list", formulae: ["Lists!$A$2:$A$3"] });
    const participants = wb.getWorksheet("Participants")!;
    const header = (participants.getRow(1).values as unknown[]).slice(1);
    const col = (name: string) => header.indexOf(name) + 1;
    expect(participants.getCell(2, col("swemwbs_3")).dataValidation).toMatchObject({ type: "whole", formulae: [1, 5] });
    expect(participants.getCell(2, col("stage")).dataValidation).toMatchObject({ type: "list" });
    const notes = JSON.stringify(wb.getWorksheet("Notes")!.getSheetValues());
    expect(notes).toContain("never a name, NHS number");
    expect(notes).toContain("I've been feeling optimistic about the future");

    // Fill it in: two quarters of returns, reach, one participant before and after.
    returns.getCell("C2").value = 6;
    returns.getCell("D2").value = new Date(Date.UTC(2024, 6, 25));
    returns.getCell("C3").value = 7;
    const reach = wb.getWorksheet("Reach")!;
    // Typed into the first empty rows, as a person would (the drop-downs already cover them).
    const fill = (ws: ExcelJS.Worksheet, r: number, values: unknown[]) => values.forEach((v, i) => v !== null && (ws.getCell(r, i + 1).value = v as ExcelJS.CellValue));
    fill(reach, 2, ["G1", "2024-Q2", "Hackney", "65+", 14]);
    fill(reach, 3, ["G2", "2024-Q3", "Newham", "16-24", 9]);
    fill(participants, 2, ["G1", "2024-Q2", "P-001", "before", 2, 2, 3, 2, 3, 2, 2, null, 4, 5, 5, 7, null]);
    fill(participants, 3, ["G1", "2025-Q1", "P-001", "after", 3, 4, 3, 3, 4, 3, 3, null, 6, 7, 6, 4, "yes"]);
    const filled = join(tempDir(), "filled.xlsx");
    await wb.xlsx.writeFile(filled);

    const { db: after } = await ingest([filled], db);
    expect(await rejectsOf(after)).toEqual([]);
    expect(await after.all(`SELECT grant_id, period, sessions, strftime(submitted_on, '%Y-%m-%d') AS sent FROM outcome_return ORDER BY period`)).toEqual([
      { grant_id: "G1", period: "2024-Q2", sessions: 6, sent: "2024-07-25" },
      { grant_id: "G1", period: "2024-Q3", sessions: 7, sent: null },
    ]);
    expect(await after.all(`SELECT grant_id, lad_code, residents FROM outcome_reach ORDER BY grant_id`)).toEqual([
      { grant_id: "G1", lad_code: "E09000012", residents: 14 },
      { grant_id: "G2", lad_code: "E09000025", residents: 9 },
    ]);
    // raw 16 → 16.36, raw 23 → 20.73: +4.37
    expect(await after.all(`SELECT before_metric, after_metric, change, improved FROM outcome_pair`)).toEqual([
      { before_metric: 16.36, after_metric: 20.73, change: 4.37, improved: true },
    ]);
    const [f] = await after.all(`SELECT parts, "rows", accepted FROM outcome_file`);
    expect(f).toEqual({ parts: "returns, reach, participants", rows: 6, accepted: 6 });
  });
});
