// Corrections for services and referrals on the kit, and `inputs remove`: on one database built from the mirror (north east London, with the referral reference tables).
import { writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { build } from "../../pipelines/build/build.ts";
import { openDb } from "../../pipelines/db/connection.ts";
import { ingestFiles, listInputs, removeInput } from "../../pipelines/inputs/ingest.ts";
import { reconcileInputs } from "../../pipelines/inputs/registry.ts";
import { inputStages } from "../../pipelines/inputs/stages.ts";
import { asInputFiles } from "../../pipelines/kit/kind.ts";
import { memoryLogger, silentLogger } from "../../pipelines/log.ts";
import { buildServices } from "../../pipelines/services/stage.ts";
import { buildBase, freshDb, TODAY, type Base } from "../referrals/helpers.ts";
import { runReferralStage } from "../../pipelines/referrals/stage.ts";
import { tempDir } from "../support/pipeline.ts";

let base: Base;
beforeAll(async () => {
  base = await buildBase();
}, 300_000);

const referrals = (name: string, outcome: string) => {
  const path = join(tempDir(), name);
  writeFileSync(
    path,
    "referral_id,referral_date,practice_code,lsoa_code,age_band,needs,source,outcome\n" +
      `R-1,2024-05-02,F84003,E01001753,65+,Loneliness,gp,${outcome}\nR-2,2024-05-03,F84003,E01001753,65+,Loneliness,gp,connected\n`,
  );
  return path;
};

const services = (name: string, modified: string, serviceName: string) => {
  const path = join(tempDir(), name);
  writeFileSync(path, JSON.stringify([{ id: "svc-1", name: serviceName, status: "active", last_modified: modified, organization: { id: "org-1", name: "Org" } }]));
  return path;
};

describe("corrections for referrals and services", () => {
  it("referrals: the later ingest wins for a referral_id, with a changes report", async () => {
    const { db, dir } = await freshDb(base);
    try {
      const stats = await runReferralStage(db, asInputFiles("referrals", [referrals("may.csv", "connected"), referrals("may-corrected.csv", "declined")]), { place: base.place, rawDir: base.rawDir, reportsDir: join(dir, "rejects"), log: silentLogger }, { today: TODAY });
      expect(stats.map((s) => s.rejected_rows)).toEqual([0, 0]);
      expect(await db.all(`SELECT referral_id, outcome, file FROM referral ORDER BY 1`)).toEqual([
        { referral_id: "R-1", outcome: "declined", file: "may-corrected.csv" },
        { referral_id: "R-2", outcome: "connected", file: "may-corrected.csv" },
      ]);
      expect(await db.all(`SELECT identifier, field, old_value, new_value, rule FROM input_changes WHERE kind = 'referrals'`)).toEqual([
        { identifier: "R-1", field: "outcome", old_value: "connected", new_value: "declined", rule: "later ingest" },
      ]);
      expect(existsSync(join(dir, "rejects", "referrals-changes.csv"))).toBe(true);
    } finally {
      db.close();
    }
  });

  it("services: the later last_modified wins whatever the ingest order; the same date, the later ingest", async () => {
    const { db, dir } = await freshDb(base);
    try {
      const newer = services("new.json", "2025-02-01", "Walking club (new name)");
      const older = services("old.json", "2025-01-01", "Walking club");
      const ctx = { place: base.place, rawDir: base.rawDir, reportsDir: join(dir, "rejects"), log: silentLogger };
      await buildServices(db, asInputFiles("services", [newer, older]), ctx);
      expect(await db.all(`SELECT name, source_file FROM service`)).toEqual([{ name: "Walking club (new name)", source_file: "new.json" }]);
      expect(await db.all(`SELECT field, old_value, new_value, rule FROM input_changes WHERE kind = 'services' AND field = 'name'`)).toEqual([
        { field: "name", old_value: "Walking club", new_value: "Walking club (new name)", rule: "later last_modified" },
      ]);
      const sameDay = services("same-day.json", "2025-02-01", "Walking club (renamed again)");
      await buildServices(db, asInputFiles("services", [newer, sameDay]), ctx);
      expect(await db.all(`SELECT name FROM service`)).toEqual([{ name: "Walking club (renamed again)" }]);
    } finally {
      db.close();
    }
  });
});

describe("chest inputs remove", () => {
  it("takes a file out: its rows go, its copy goes, and the next build no longer sees it", async () => {
    const { path: dbPath, dir } = await freshDb(base).then(({ db, ...rest }) => (db.close(), rest));
    const inputsDir = join(dir, "inputs");
    const ctx = { place: base.place, rawDir: base.rawDir, reportsDir: join(dir, "rejects"), log: memoryLogger(), dbPath, inputsDir };
    const ledger = (name: string, id: string) => {
      const path = join(dir, name);
      writeFileSync(path, `Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,Recipient Org:Name,Beneficiary Location:0:Geographic Code,Beneficiary Location:0:Geographic Code Type,Funding Org:0:Identifier,Funding Org:0:Name\n${id},T,D,GBP,1000,2024-03-17,GB-ORG-1,Org,E01001753,LSOA,360G-x,Funder\n`);
      return path;
    };
    await ingestFiles("grants", [ledger("a.csv", "G-A"), ledger("b.csv", "G-B")], ctx);
    expect((await listInputs(dbPath)).map((r) => [r.kind, r.name, r.accepted])).toEqual([["grants", "a.csv", 1], ["grants", "b.csv", 1]]);
    await removeInput("a.csv", ctx);
    expect((await listInputs(dbPath)).map((r) => r.name)).toEqual(["b.csv"]);
    const grants = async () => {
      const db = await openDb(dbPath, { readOnly: true });
      try {
        return (await db.all<{ grant_id: string }>(`SELECT grant_id FROM grants ORDER BY 1`)).map((g) => g.grant_id);
      } finally {
        db.close();
      }
    };
    expect(await grants()).toEqual(["G-B"]);
    const inputs = await reconcileInputs(inputsDir, dbPath);
    expect(inputs.map((f) => f.name)).toEqual(["b.csv"]);
    await build({ place: base.place, rawDir: base.rawDir, dbPath, log: silentLogger }, inputStages(inputs, ctx));
    expect(await grants()).toEqual(["G-B"]);
  }, 900_000);
});
