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
    // Grant award dates are public (360Giving) and fall on days that some synthetic referrals share.
    skip: (file, kind) => kind === "date" && file.includes("grants-"),
  });
  expect(findings).toEqual([]);
});
