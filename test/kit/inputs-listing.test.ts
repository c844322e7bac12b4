// `chest inputs` for people: counts grouped the UK way (29,269) and right-aligned, the ingest time as 1 Dec 2026 19:25:22; --csv keeps the stored numbers and ISO time.
import { describe, expect, it } from "vitest";
import type { InputRow } from "../../pipelines/inputs/ingest.ts";
import { inputsCsv, inputsTable } from "../../pipelines/inputs/listing.ts";
import { toCsv, toTable } from "../../pipelines/query/query.ts";

const rows: InputRow[] = [
  { kind: "referrals", id: "9fb1921e5ea4", seq: 1, name: "referrals-2023-24.csv", rows_read: 29269, accepted: 29269, rejected: 0, ingested_at: "2026-12-01T19:25:30.681Z", sha256: "9fb1" },
  { kind: "grants", id: "531daeb5433a", seq: 2, name: "ledger.csv", rows_read: 100, accepted: 98, rejected: 2, ingested_at: "2026-03-02T09:05:01.000Z", sha256: "531d" },
];

describe("chest inputs", () => {
  it("prints counts with thousands separators, right-aligned, and the time as a UK date", () => {
    const lines = toTable(inputsTable(rows)).split("\n");
    expect(lines[0]).toMatch(/^kind\s+id\s+name\s+rows\s+accepted\s+rejected\s+ingested \(UTC\)\s+sha256/);
    expect(lines[2]).toContain("29,269    29,269         0  1 Dec 2026 19:25:30");
    expect(lines[3]).toContain("   100        98         2  2 Mar 2026 09:05:01");
  });

  it("writes the numbers and the ISO time as stored with --csv", () => {
    expect(toCsv(inputsCsv(rows)).split("\r\n")[1]).toBe("referrals,9fb1921e5ea4,referrals-2023-24.csv,29269,29269,0,2026-12-01 19:25:30,9fb1");
  });
});
