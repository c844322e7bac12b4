// Privacy by construction: scan every file of the built demo site for anything about individual residents.
import { join } from "node:path";
import { expect, inject, it } from "vitest";
import { openDb } from "../../pipelines/db/connection.ts";
import { repoRoot } from "../support/pipeline.ts";
import { scanForDisclosure } from "../referrals/scan.ts";

it("publishes no referral id, postcode, individual referral date or count from 1 to 7 anywhere in dist/", async () => {
  const db = await openDb(inject("siteDbPath"), { readOnly: true });
  let ids: string[];
  let dates: string[];
  try {
    ids = (await db.all<{ id: string }>(`SELECT referral_id AS id FROM referral`)).map((r) => r.id);
    dates = (await db.all<{ d: string }>(`SELECT DISTINCT strftime(referral_date, '%Y-%m-%d') AS d FROM referral`)).map((r) => r.d);
  } finally {
    db.close();
  }
  expect(ids.length).toBeGreaterThan(50_000);
  const findings = await scanForDisclosure(join(repoRoot, "dist"), {
    ids,
    dates,
    threshold: 7,
    // Grant award dates are public (360Giving) and fall on days that some synthetic referrals share; so do the due dates
    // of monitoring returns (month ends, a published schedule).
    skip: (file, kind) => kind === "date" && (file.includes("grants-") || file.includes("outcomes-reminders")),
  });
  expect(findings).toEqual([]);
});

it("publishes no participant code and no count of people from 1 to 7 from the monitoring returns anywhere in dist/", async () => {
  const db = await openDb(inject("siteDbPath"), { readOnly: true });
  let codes: string[];
  try {
    codes = (await db.all<{ c: string }>(`SELECT DISTINCT participant_code AS c FROM outcome_response`)).map((r) => r.c);
  } finally {
    db.close();
  }
  expect(codes.length).toBeGreaterThan(100);
  const findings = await scanForDisclosure(join(repoRoot, "dist"), {
    ids: codes,
    threshold: 7,
    // Counts of people in the outcome outputs: residents reached, people with paired answers, improved, GP answers, ONS4 bands.
    countFields: ["residents", "pairs", "improved", "count", "before", "after"],
    skip: (file) => !file.includes("outcomes-"),
  });
  expect(findings).toEqual([]);
  // Every outcome output was scanned (the loaders ran and are in dist/).
  const { readdirSync } = await import("node:fs");
  const outputs = readdirSync(join(repoRoot, "dist", "_file", "data")).filter((f) => f.startsWith("outcomes-"));
  expect(outputs.map((f) => f.replace(/\.[0-9a-f]{8}\./, "."))).toEqual(["outcomes-figures.json", "outcomes-reminders.json"]);
});
