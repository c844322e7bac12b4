// Privacy by construction: scan every file of the built demo site for anything about individual residents, and run the cross-layer differencing attack on the referral figures it publishes.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { openDb } from "../../pipelines/db/connection.ts";
import { crossLayerAttack } from "../../pipelines/publish/gate.ts";
import { financialYearOf, protectByBlock, referralTable, referralTruth, type PublishedLayer } from "../../pipelines/publish/referrals.ts";
import { repoRoot } from "../support/pipeline.ts";
import { demoSite } from "../support/demo-site.ts";
import { scanForDisclosure } from "../referrals/scan.ts";

// The suite's demo site and database (global setup builds them while other files run).
const demo = await demoSite();

it("publishes no referral id, postcode, individual referral date or count from 1 to 7 anywhere in dist/", async () => {
  const db = await openDb(demo.dbPath, { readOnly: true });
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

interface SiteRow {
  layer: string;
  code: string;
  period: string;
  period_type: string;
  need: string;
  referrals: number | null;
  unmet: number | null;
}

/** The referral figures the built site serves (Parquet or Arrow, whichever the loader writes), read back. */
async function siteReferralRows(): Promise<SiteRow[]> {
  const dir = join(repoRoot, "dist", "_file", "data");
  const file = readdirSync(dir).find((f) => /^referrals-figures\.[0-9a-f]+\.(parquet|arrow)$/.test(f));
  expect(file, "the site serves referral figures").toBeDefined();
  const path = join(dir, file!);
  if (path.endsWith(".arrow")) {
    const { tableFromIPC } = await import("apache-arrow");
    return tableFromIPC(readFileSync(path)).toArray().map((r) => ({ ...r.toJSON() }) as SiteRow);
  }
  const mem = await openDb(":memory:");
  try {
    return await mem.all<SiteRow>(`SELECT layer, code, period, period_type, need, referrals, unmet FROM read_parquet($path)`, { path });
  } finally {
    mem.close();
  }
}

it("defeats the cross-layer attack on the demo site: every published area minus every area of another published layer inside it, with rounding intervals, bounds no LSOA or small group to 1–7", async () => {
  const rows = (await siteReferralRows()).filter((r) => r.period_type === "year");
  const layers = [...new Set(rows.map((r) => r.layer))].sort() as PublishedLayer[];
  expect(layers).toContain("msoa");
  const db = await openDb(demo.dbPath, { readOnly: true });
  try {
    // The attacker is given the gate's own flags (which hidden figures are small): stronger than any reader.
    const t = (await referralTable(db, { layers }))!;
    const flagOf = new Map(protectByBlock(t.cells, t.policy, t.structure).cells.map((c) => [`${c.key}|${c.category}`, c]));
    const geoLayers = new Set(t.geography.map((g) => g.layer));
    const cells = rows.filter((r) => geoLayers.has(r.layer)).flatMap((r) =>
      (r.layer === "lsoa" ? (["referrals"] as const) : (["referrals", "unmet"] as const)).map((m) => {
        const category = `${m}|${financialYearOf(r.period)}|${r.need}`;
        const gate = flagOf.get(`${r.code}|${category}`);
        expect(gate?.value, `${r.layer} ${r.code} ${category} as the gate published it`).toBe(r[m]);
        return { layer: r.layer, code: r.code, category, value: r[m], flag: gate!.flag };
      }),
    );
    expect(cells.length).toBeGreaterThan(10_000);
    expect(crossLayerAttack(cells, t.geography, t.policy, await referralTruth(db))).toEqual([]);
  } finally {
    db.close();
  }
});

it("publishes no participant code and no count of people from 1 to 7 from the monitoring returns anywhere in dist/", async () => {
  const db = await openDb(demo.dbPath, { readOnly: true });
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
  // (the .br and .gz beside each file are the same bytes compressed for serving)
  const outputs = readdirSync(join(repoRoot, "dist", "_file", "data")).filter((f) => f.startsWith("outcomes-") && !/\.(br|gz)$/.test(f));
  expect(outputs.map((f) => f.replace(/\.[0-9a-f]{8}\./, "."))).toEqual(["outcomes-figures.json", "outcomes-reminders.json"]);
});
