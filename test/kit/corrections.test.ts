// Corrections and warnings on the kit, for grants and services: a later file with the same identifier updates the record (later Last Modified wins, else the later ingest), with a changes report; and the warnings that matter, with figures.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { asInputFiles } from "../../pipelines/kit/kind.ts";
import { ingest, tempDir } from "../grants/helpers.ts";

const header =
  "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Last Modified,Recipient Org:Identifier,Recipient Org:Name,Recipient Org:Postal Code,Beneficiary Location:0:Geographic Code,Beneficiary Location:0:Geographic Code Type,Funding Org:0:Identifier,Funding Org:0:Name,Grant Programme:0:Code,Grant Programme:0:Title";

function ledger(name: string, rows: { id: string; amount: number; modified?: string; code?: string; type?: string; programme?: string; postcode?: string }[], options: { delimiter?: string; utf16?: boolean } = {}): string {
  const d = options.delimiter ?? ",";
  const lines = [header.replaceAll(",", d)];
  for (const r of rows)
    lines.push(
      [r.id, `Grant ${r.id}`, "Test grant", "GBP", String(r.amount), "2024-03-17", r.modified ?? "", `GB-ORG-${r.id}`, `Group ${r.id}`, r.postcode ?? "", r.code ?? "E01003543", r.type ?? "LSOA", "360G-testchest", "Test Chest", r.programme ?? "TEST-R1", "Test round 1"].join(d),
    );
  const path = join(tempDir(), name);
  const text = lines.join("\r\n") + "\r\n";
  writeFileSync(path, options.utf16 ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]) : text);
  return path;
}

const amountOf = async (db: Awaited<ReturnType<typeof ingest>>["db"], id: string) =>
  (await db.all<{ a: number }>(`SELECT amount_pence::DOUBLE AS a FROM grants WHERE grant_id = $id`, { id }))[0]?.a;

describe("grant corrections", () => {
  it("ledger v1 then a corrected v2 (one amount changed): v2's amount, and a changes report", async () => {
    const v1 = ledger("ledger.csv", [{ id: "G-1", amount: 1000 }, { id: "G-2", amount: 2000 }]);
    const v2 = ledger("ledger-corrected.csv", [{ id: "G-1", amount: 1500 }, { id: "G-2", amount: 2000 }]);
    const r = await ingest(asInputFiles("grants", [v1, v2]) as never);
    expect(await amountOf(r.db, "G-1")).toBe(150000);
    expect(r.grants).toBe(2);
    expect(r.rejected).toBe(0);
    const changes = await r.db.all(`SELECT identifier, field, old_value, new_value, old_file, new_file, rule FROM input_changes WHERE kind = 'grants' ORDER BY field`);
    expect(changes).toEqual([
      { identifier: "G-1", field: "amountAwarded", old_value: "1000", new_value: "1500", old_file: "ledger.csv", new_file: "ledger-corrected.csv", rule: "later ingest" },
    ]);
    const report = readFileSync(join(r.reportsDir, "grants-changes.csv"), "utf8");
    expect(report).toContain("G-1,amountAwarded,1000,1500,ledger.csv,ledger-corrected.csv,later ingest");
    // One field changed, listed once: the amount as written, not again as the pence stored from it.
    expect(r.result.changes).toMatchObject({ records: 1, fields: 1 });
  });

  it("v2 then an older v1 (earlier Last Modified): v2 is kept, whatever the ingest order", async () => {
    const v2 = ledger("v2.csv", [{ id: "G-1", amount: 1500, modified: "2024-05-01T10:00:00Z" }]);
    const v1 = ledger("v1.csv", [{ id: "G-1", amount: 1000, modified: "2024-04-01T10:00:00Z" }]);
    const r = await ingest(asInputFiles("grants", [v2, v1]) as never);
    expect(await amountOf(r.db, "G-1")).toBe(150000);
    const [c] = await r.db.all<{ rule: string; new_file: string }>(`SELECT DISTINCT rule, new_file FROM input_changes WHERE kind = 'grants'`);
    expect(c).toEqual({ rule: "older Last Modified ignored", new_file: "v2.csv" });
    // The other order gives the same grant.
    const again = await ingest(asInputFiles("grants", [v1, v2]) as never);
    expect(await amountOf(again.db, "G-1")).toBe(150000);
  });

  it("reads a UTF-16, semicolon-delimited ledger like the UTF-8 comma one, losing nothing", async () => {
    const rows = [{ id: "G-1", amount: 1000 }, { id: "G-2", amount: 2000 }, { id: "G-3", amount: -5 }];
    const plain = await ingest([ledger("plain.csv", rows)]);
    const odd = await ingest([ledger("odd.csv", rows, { delimiter: ";", utf16: true })]);
    expect(odd.files[0]).toMatchObject({ rowsRead: 3, accepted: plain.files[0].accepted, rejected: plain.files[0].rejected });
    expect(odd.grants).toBe(plain.grants);
    expect(odd.totalPence).toBe(plain.totalPence);
    const notes = await odd.db.all<{ reason: string }>(`SELECT reason FROM grants_rejects WHERE "row" IS NULL`);
    expect(notes.map((n) => n.reason)).toContain('the columns are separated by ";", not commas; read that way');
  });
});

describe("warnings that matter", () => {
  it("money with no usable location: count, £, share, reason and the fix", async () => {
    const path = ledger("ledger.csv", [
      { id: "G-1", amount: 1000 },
      { id: "G-2", amount: 3000, code: "", type: "", postcode: "E7 9AB" },
    ]);
    const r = await ingest([path]);
    const notice = r.result.notices.find((n) => n.key === "unplaced-money")!;
    expect(notice).toMatchObject({ count: 1, pounds: 3000, share: 0.75 });
    expect(notice.message).toContain("£3,000.00 (75% of all money) in 1 grant(s) is not placed");
    expect(notice.fix).toMatch(/--postcodes/);
  });

  it("a ledger wholly outside the place, and grants outside the rounds", async () => {
    const path = ledger("elsewhere.csv", [{ id: "G-1", amount: 1000, code: "E01000001", programme: "OTHER" }]);
    const r = await ingest([path]);
    const outside = r.result.notices.find((n) => n.key === "outside-place")!;
    expect(outside.message).toMatch(/all of the placed money \(£1,000\.00\) lies outside Test Place: the ledger is wholly outside the place/);
    const rounds = r.result.notices.find((n) => n.key === "outside-rounds")!;
    expect(rounds).toMatchObject({ count: 1, pounds: 1000, share: 1 });
    expect(rounds.message).toContain("their programmes: OTHER");
  });
});
