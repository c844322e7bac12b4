// Identifiers in every free-text field of a referral file (activity_id, source, needs…): phones in every written form and obfuscated emails are refused, withheld from the report and never stored; ordinary ids pass.
import { beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildBase, ingest, rejects, tempDir, type Base } from "./helpers.ts";

let base: Base;
beforeAll(async () => {
  base = await buildBase();
});

const header = "referral_id,referral_date,practice_code,pcn_code,lsoa_code,age_band,needs,source,outcome,activity_id,days_waited";
const row = (id: string, activity: string, source = "gp") => `${id},2024-04-02,F84003,U05451,E01001753,65+,Housing,${source},connected,"${activity.replace(/"/g, '""')}",10`;
const secrets = [
  ["activity_id", "+44 (0)20 7946 0018"],
  ["activity_id", "020-7946-0018"],
  ["activity_id", "(020) 79460018"],
  ["activity_id", "0044 7700 900 123"],
  ["activity_id", "07700 900123"],
  ["activity_id", "jo [at] example.org"],
  ["activity_id", "jo(at)example dot org"],
  ["source", "call 0161 496 0000"],
] as const;

describe("a generated referral file with contact details in free-text fields", () => {
  it("refuses exactly those rows, withholds their values, stores nothing from them and keeps the ordinary rows", async () => {
    const lines = [header];
    secrets.forEach(([col, secret], i) => lines.push(col === "activity_id" ? row(`R-S${i}`, `ACT-1 ${secret}`) : row(`R-S${i}`, "ACT-1", `"${secret}"`)));
    const clean = ["ACT-0042", "ACT-20240402-001", "E05014059", "activity-12", ""];
    clean.forEach((a, i) => lines.push(row(`R-C${i}`, a)));
    const file = join(tempDir(), "referrals-contact-details.csv");
    writeFileSync(file, lines.join("\n") + "\n");

    const result = await ingest(base, [file]);
    const found = await rejects(result.db);
    expect([...new Set(found.map((r) => r.line))].sort((a, b) => a - b)).toEqual(secrets.map((_, i) => i + 2));
    for (const [i, [col]] of secrets.entries()) {
      expect(found.some((r) => r.line === i + 2 && r.column === col && /phone number|email address/.test(r.reason)), `line ${i + 2}`).toBe(true);
    }
    expect(found.every((r) => r.value === null || r.value === "(withheld)")).toBe(true);
    const stored = await result.db.all<{ referral_id: string; activity_id: string | null }>(`SELECT referral_id, activity_id FROM referral ORDER BY referral_id`);
    expect(stored.map((r) => r.referral_id)).toEqual(clean.map((_, i) => `R-C${i}`));
    // Ordinary ids the combined pattern sets aside for the exact check (long digit runs) are stored whole, as read.
    expect(stored.map((r) => r.activity_id)).toEqual(clean.map((a) => a || null));
    const everything = JSON.stringify(stored) + JSON.stringify(found) + JSON.stringify(await result.db.all(`SELECT * FROM referral_file`));
    for (const [, secret] of secrets) expect(everything).not.toContain(secret);
    expect(result.stats[0]!.identifier_rows).toBe(secrets.length);
    // The next build over the same file still works and gives the same result.
    const again = await ingest(base, [file]);
    expect((await again.db.all(`SELECT referral_id FROM referral ORDER BY 1`)).length).toBe(clean.length);
    result.db.close();
    again.db.close();
  });
});
