// Every 360Giving sample file on a database built from the mirror (north east London): counts and totals, row-level reasons, penny-exact placement, re-ingest through the command-line path, the demo ledger, export and publish.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateDatabase } from "../../pipelines/build/update.ts";
import { openDb, type Db } from "../../pipelines/db/connection.ts";
import { literal } from "../../pipelines/db/sql.ts";
import { demoLedgerRows, generateDemoLedger } from "../../pipelines/grants/demo.ts";
import { exportGrants } from "../../pipelines/grants/export.ts";
import * as publish from "../../pipelines/grants/publish.ts";
import { grantsMoneyArrow } from "../../pipelines/publish/grants.ts";
import { storedGrants } from "../../pipelines/grants/rebuild.ts";
import { ingestGrants, type GrantIngestSummary } from "../../pipelines/grants/stage.ts";
import { toCsv } from "../../pipelines/kit/delimited.ts";
import { registerInput } from "../../pipelines/inputs/registry.ts";
import { inputStages } from "../../pipelines/inputs/stages.ts";
import { memoryLogger, silentLogger } from "../../pipelines/log.ts";
import { SYNTHETIC_LABEL } from "../../pipelines/demo/generators.ts";
import type { Place } from "../../pipelines/place/schema.ts";
import { demoRoundsFor } from "../../pipelines/place/demo-rounds.ts";
import { readArrow } from "../support/arrow.ts";
import { buildFromMirror, mirrorDir } from "../support/pipeline.ts";
import { dump, rejectsOf, sample, tempDir } from "./helpers.ts";
import { validateJson, type Schema } from "./json-schema-lite.ts";

let built: { dir: string; rawDir: string; dbPath: string; place: Place };
let db: Db;
const reportsDir = () => join(built.dir, "rejects");

async function run(files: string[], options: { postcodes?: string | null } = {}): Promise<GrantIngestSummary> {
  return ingestGrants(db, files, { place: built.place, log: silentLogger, reportsDir: reportsDir(), rawDir: built.rawDir, postcodes: options.postcodes ?? null });
}

beforeAll(async () => {
  const base = await buildFromMirror();
  // The place as the demo applies it: its file has no rounds, the demo brings two synthetic ones.
  built = { ...base, place: { ...base.place, rounds: demoRoundsFor(base.place) } };
  db = await openDb(join(built.dir, "work.duckdb"));
  await db.run(`ATTACH ${literal(built.dbPath)} AS built (READ_ONLY)`);
  await db.run(`CREATE TABLE lsoa AS SELECT * FROM built.lsoa`);
  await db.run(`CREATE TABLE iod2025 AS SELECT * FROM built.iod2025`);
  await db.run(`DETACH built`);
});

afterAll(() => db?.close());

// Counts and totals of each sample ingested on its own (Amount Awarded summed in pence from the files).
const expected: Record<string, { rows: number; accepted: number; rejected: number; pence: number }> = {
  "power_to_change_grants.json": { rows: 870, accepted: 870, rejected: 0, pence: 5_162_569_654 },
  "lloyds_bank_foundation_grants.json": { rows: 4116, accepted: 4116, rejected: 0, pence: 11_579_563_569 },
  "mixed_funders_grants.json": { rows: 154, accepted: 154, rejected: 0, pence: 1_658_936_149 },
  "2016_ocf1.json": { rows: 156, accepted: 156, rejected: 0, pence: 16_982_167 },
  "2016_ocf2.json": { rows: 98, accepted: 98, rejected: 0, pence: 62_711_593 },
  "2016_ocf3.json": { rows: 70, accepted: 70, rejected: 0, pence: 27_684_573 },
  "2016_indigo.json": { rows: 269, accepted: 269, rejected: 0, pence: 805_354_540 },
  "2016_baring.json": { rows: 53, accepted: 53, rejected: 0, pence: 208_693_700 },
  "datagetter_valid.xlsx": { rows: 125, accepted: 125, rejected: 0, pence: 6_250_000 },
  "datagetter_invalid.xlsx": { rows: 125, accepted: 112, rejected: 13, pence: 158_379_020 },
  "datagetter_conversion_errors.xlsx": { rows: 5, accepted: 3, rejected: 2, pence: 3_060_000 },
};

describe("the 360Giving sample files", () => {
  it.each(Object.entries(expected))("%s ingests with the right counts and total", async (name, e) => {
    const s = await run([sample(name)]);
    expect(s.files).toHaveLength(1);
    expect(s.files[0]).toMatchObject({ file: name, rowsRead: e.rows, accepted: e.accepted, rejected: e.rejected, acceptedPence: e.pence });
    const [t] = await db.all<{ n: number; pence: number }>(`SELECT count(*)::INTEGER AS n, sum(amount_pence)::DOUBLE AS pence FROM grants`);
    // The grants' 360Giving JSON, rebuilt from the file, says the same amounts.
    const json = await storedGrants(db);
    const jsonPence = json.reduce((a, g) => a + Math.round(Number(JSON.parse(g.grant_json).amountAwarded) * 100), 0);
    expect({ ...t, json: json.length, json_pence: jsonPence }).toEqual({ n: e.accepted, pence: e.pence, json: e.accepted, json_pence: e.pence });
    // Every row of the file is accounted for: accepted, rejected with a reason, or merged.
    const [{ reasons }] = await db.all<{ reasons: number }>(`SELECT count(DISTINCT "row")::INTEGER AS reasons FROM grants_rejects WHERE severity = 'error'`);
    expect(reasons).toBe(e.rejected);
  });

  it("places power_to_change_grants.json in north east London from its LSOA codes, converting 2011 codes", async () => {
    await run([sample("power_to_change_grants.json")]);
    const methods = await db.all(`SELECT location_method AS m, count(*)::INTEGER AS n, sum(in_place_pence)::DOUBLE AS placed FROM grants GROUP BY 1 ORDER BY 1`);
    expect(methods).toEqual([
      { m: "beneficiary_lsoa", n: 31, placed: 308_049_168 },
      { m: "beneficiary_lsoa11", n: 3, placed: 22_968_500 },
      // 21 grants have a beneficiary location with no code and nothing else to go on (no postcode directory here).
      { m: "not_located", n: 21, placed: 0 },
      { m: "outside_place", n: 815, placed: 0 },
    ]);
    const converted = await rejectsOf(db, "reason LIKE 'LSOA 2011 code%'");
    expect(converted.map((c) => c.value).sort()).toEqual(["E01001754", "E01004224", "E01004284"]);
  });

  it("gives row-level reasons for datagetter_invalid.xlsx", async () => {
    await run([sample("datagetter_invalid.xlsx")]);
    const errors = (await rejectsOf(db, "severity = 'error'")).map((r) => [r.row, r.column, r.value, r.reason.split(" (")[0]]);
    expect(errors).toEqual([
      [4, "Currency", "GPB", "is not an ISO 4217 currency code"],
      [11, "Amount Awarded", "tbc", "is not a number"],
      [35, "Identifier", "360G-Cloudesley-183", 'duplicate Identifier: row 25 of this file has the same Identifier with different "Description", "Amount Awarded", "Planned Dates:Start Date", "Planned Dates:End Date"'],
      [46, "Currency", null, "Currency is required"],
      [61, "Identifier", null, "Identifier is required"],
      [62, "Funding Org:Identifier", null, "no funding organisation: give Funding Org:Identifier and Funding Org:Name"],
      [69, "Amount Awarded", null, "Amount Awarded is required"],
      [74, "Identifier", null, "Identifier is required"],
      [83, "Identifier", null, "Identifier is required"],
      [102, "Award Date", "43194", "is the number 43194, not a date"],
      [114, "Amount Awarded", "18k", "is not a number"],
      [114, "Award Date", "43236", "is the number 43236, not a date"],
      [123, "Amount Awarded", "3 thousand pounds", "is not a number"],
      [126, "Award Date", null, "Award Date is required"],
    ]);
    expect((await rejectsOf(db, `"row" = 1`)).map((r) => r.column)).toEqual(["Funding Org:Name", "Request No; Extra notes"]);
    const [converted] = await rejectsOf(db, `grant_id = '360G-Cloudesley-20' AND "column" = 'Amount Awarded'`);
    expect(converted).toMatchObject({ value: "£26,000", severity: "warning" });
    expect(converted.sheet).toBe("Sheet1");
  });

  it("gives row-level reasons for datagetter_conversion_errors.xlsx", async () => {
    await run([sample("datagetter_conversion_errors.xlsx")]);
    const errors = (await rejectsOf(db, "severity = 'error'")).map((r) => [r.row, r.column, r.value]);
    expect(errors).toEqual([
      [3, "Identifier", "360G-ExampleFunder-2020-21_001"],
      [4, "Identifier", "360G-ExampleFunder-2020-21_001"],
    ]);
    const extra = (await storedGrants(db)).find((g) => g.grant_id === "360G-ExampleFunder-2020-21_004")!.extra_json!;
    expect(JSON.parse(extra)).toEqual({ cat: 1, dog: 1 });
  });

  it("loses nothing when all files are ingested together: each file's grants are kept or set aside for a newer version in another file", async () => {
    const names = Object.keys(expected);
    const s = await run(names.map(sample));
    for (const f of s.files) {
      const [{ aside }] = await db.all<{ aside: number }>(
        `SELECT count(DISTINCT "row")::INTEGER AS aside FROM grants_rejects WHERE file = $file AND severity = 'warning' AND (reason LIKE 'corrected:%' OR reason LIKE 'the same grant is also in%')`,
        { file: f.file },
      );
      expect(aside, f.file).toBe(f.superseded);
      expect(f.accepted + f.superseded, f.file).toBe(expected[f.file].accepted);
    }
    const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM grants`);
    expect(n).toBe(s.files.reduce((a, f) => a + f.accepted, 0));
  });

  it("places money to the penny: per grant, LSOA rows = placed amount and placed + outside + unattributed = amount", async () => {
    await run(Object.keys(expected).map(sample));
    const [c] = await db.all(`
      SELECT
        (SELECT count(*) FROM grants g LEFT JOIN (SELECT grant_id, sum(amount_pence) s FROM grant_lsoa GROUP BY 1) l USING (grant_id) WHERE coalesce(l.s, 0) <> g.in_place_pence)::INTEGER AS bad_lsoa,
        (SELECT count(*) FROM grants WHERE in_place_pence + outside_pence + unattributed_pence <> amount_pence)::INTEGER AS bad_split,
        (SELECT sum(amount_pence) FROM grant_lsoa)::DOUBLE = (SELECT sum(in_place_pence) FROM grants)::DOUBLE AS totals_equal`);
    expect(c).toEqual({ bad_lsoa: 0, bad_split: 0, totals_equal: true });
  });
});

describe("penny-exact placement of awkward amounts", () => {
  it("splits random odd amounts over random LSOA, MSOA, ward, borough and ICB codes exactly, each LSOA within a penny of its exact share", async () => {
    const areas = await db.all<{ lsoa21cd: string; msoa21cd: string; ward_code: string; lad_code: string }>(`SELECT lsoa21cd, msoa21cd, ward_code, lad_code FROM lsoa ORDER BY lsoa21cd`);
    let seed = 7;
    const rng = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pickCode = () => {
      const a = areas[Math.floor(rng() * areas.length)];
      return [a.lsoa21cd, a.msoa21cd, a.ward_code, a.lad_code, "E54000029"][Math.floor(rng() * 5)];
    };
    const header = ["Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date", "Recipient Org:Identifier", "Recipient Org:Name", "Funding Org:Identifier", "Funding Org:Name"];
    for (let k = 0; k < 3; k++) header.push(`Beneficiary Location:${k}:Geographic Code`);
    const rows = Array.from({ length: 400 }, (_, i) => {
      const pence = 1 + Math.floor(rng() * 123_456_789);
      const n = 1 + Math.floor(rng() * 3);
      return [`360G-penny-${i}`, "t", "d", "GBP", (pence / 100).toFixed(2), "2024-01-01", "360G-o", "o", "360G-f", "f", ...Array.from({ length: 3 }, (_, k) => (k < n ? pickCode() : ""))];
    });
    const file = join(tempDir(), "penny.csv");
    writeFileSync(file, toCsv(header, rows));
    const s = await run([file]);
    expect(s.grants).toBe(400);
    expect(s.inPlacePence).toBe(s.totalPence);
    const [bad] = await db.all(`
      WITH shares AS (SELECT grant_id, seq, share_pence, code, code_kind FROM grant_beneficiary_locations WHERE resolution = 'in place')
      SELECT
        (SELECT count(*) FROM grants g JOIN (SELECT grant_id, sum(amount_pence) s FROM grant_lsoa GROUP BY 1) l USING (grant_id) WHERE l.s <> g.amount_pence)::INTEGER AS not_exact,
        (SELECT count(*) FROM shares sh JOIN grants g USING (grant_id)
          WHERE sh.share_pence NOT IN (g.amount_pence // (SELECT count(*) FROM shares x WHERE x.grant_id = sh.grant_id), g.amount_pence // (SELECT count(*) FROM shares x WHERE x.grant_id = sh.grant_id) + 1))::INTEGER AS unequal_shares`);
    expect(bad).toEqual({ not_exact: 0, unequal_shares: 0 });
    // Within one location, each LSOA gets floor or ceiling of its exact population share.
    const [{ off }] = await db.all<{ off: number }>(`
      WITH one AS (SELECT grant_id FROM grant_beneficiary_locations GROUP BY 1 HAVING count(*) = 1),
      x AS (
        SELECT gl.grant_id, gl.lsoa21cd, gl.amount_pence, g.amount_pence::DOUBLE * l.population / sum(l.population) OVER (PARTITION BY gl.grant_id) AS exact
        FROM grant_lsoa gl JOIN one USING (grant_id) JOIN grants g USING (grant_id) JOIN lsoa l USING (lsoa21cd)
        WHERE gl.grant_id IN (SELECT grant_id FROM grant_beneficiary_locations WHERE code_kind IN ('MSOA21', 'WD', 'LAD', 'ICB'))
      )
      SELECT count(*) FILTER (WHERE abs(amount_pence - exact) >= 1)::INTEGER AS off FROM x`);
    expect(off).toBe(0);
  });
});

describe("the command-line path", () => {
  it("registers the same file once and re-ingesting it changes nothing", async () => {
    const dir = tempDir();
    const dbPath = join(dir, "chest.duckdb");
    writeFileSync(dbPath, readFileSync(built.dbPath));
    const inputsDir = join(dir, "inputs");
    const log = memoryLogger();
    const ctx = { place: built.place, reportsDir: join(dir, "rejects"), log, rawDir: built.rawDir };
    const first = registerInput(inputsDir, "grants", sample("mixed_funders_grants.json"));
    expect(first.added).toBe(true);
    await updateDatabase(dbPath, inputStages(inputsDir, ctx, ["grants"]), log);
    const tables = ["grants", "grant_lsoa", "grant_beneficiary_locations", "grant_funder_type", "grants_rejects", "grant_files"];
    const snapshot = async () => {
      const d = await openDb(dbPath, { readOnly: true });
      try {
        return await Promise.all(tables.map((t) => dump(d, t)));
      } finally {
        d.close();
      }
    };
    const before = await snapshot();
    const again = registerInput(inputsDir, "grants", sample("mixed_funders_grants.json"));
    expect(again).toEqual({ path: first.path, added: false });
    await updateDatabase(dbPath, inputStages(inputsDir, ctx, ["grants"]), log);
    expect(await snapshot()).toEqual(before);
    expect(log.lines.some((l) => l.includes("mixed_funders_grants.json: 154 read, 154 accepted (£16,589,361.49)"))).toBe(true);
  });

  it("leaves the database untouched when a registered file cannot be read", async () => {
    const dir = tempDir();
    const dbPath = join(dir, "chest.duckdb");
    writeFileSync(dbPath, readFileSync(built.dbPath));
    const inputsDir = join(dir, "inputs");
    const ctx = { place: built.place, reportsDir: join(dir, "rejects"), log: silentLogger, rawDir: built.rawDir };
    registerInput(inputsDir, "grants", sample("2016_baring.json"));
    await updateDatabase(dbPath, inputStages(inputsDir, ctx, ["grants"]), silentLogger);
    const bytes = readFileSync(dbPath);
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "Identifier,Title\n360G-x,t\n");
    registerInput(inputsDir, "grants", bad);
    const error = await updateDatabase(dbPath, inputStages(inputsDir, ctx, ["grants"]), silentLogger).catch((e) => e);
    expect(error.message).toMatch(/bad\.csv: missing required columns "Amount Awarded", "Currency", "Award Date"/);
    expect(readFileSync(dbPath).equals(bytes)).toBe(true);
  });
});

describe("the demo ledger", () => {
  let demoDir: string;
  let demoFile: string;
  beforeAll(async () => {
    demoDir = tempDir();
    const ro = await openDb(built.dbPath, { readOnly: true });
    try {
      [demoFile] = await generateDemoLedger({ db: ro, place: built.place, outDir: demoDir, seed: 20251, log: silentLogger });
    } finally {
      ro.close();
    }
    await run([demoFile]);
  });

  it("is a 360Giving CSV named demo-…, about £500K to about 82 organisations over two rounds, all accepted and placed", async () => {
    expect(demoFile.split("/").pop()).toBe("demo-north-east-london-chest-ledger.csv");
    const t = await publish.grantTotals(db);
    expect(t).toMatchObject({ grants: 100, organisations: 82, individuals: 0, amount: 505_000, in_place: 505_000, rejected_rows: 0, synthetic: true });
    const [{ warnings }] = await db.all<{ warnings: number }>(`SELECT count(*)::INTEGER AS warnings FROM grants_rejects`);
    expect(warnings).toBe(0);
    const rounds = await db.all(`SELECT round_id, count(*)::INTEGER AS n, sum(amount_pence)::DOUBLE AS p FROM grants GROUP BY 1 ORDER BY 1`);
    expect(rounds).toEqual([
      { round_id: "demo-r1", n: 48, p: 24_000_000 },
      { round_id: "demo-r2", n: 52, p: 26_500_000 },
    ]);
  });

  it("spreads over all seven partnerships, mostly £1K–£15K, at LSOA or ward, weighted towards deprived LSOAs but not only them", async () => {
    const partnerships = await db.all<{ p: string }>(`SELECT DISTINCT l.partnership AS p FROM grant_lsoa JOIN lsoa l USING (lsoa21cd) ORDER BY 1`);
    expect(partnerships.length).toBe(7);
    const [a] = await db.all<{ in_range: number; kinds: string }>(
      `SELECT (count(*) FILTER (WHERE amount_pence BETWEEN 100000 AND 1500000))::DOUBLE / count(*) AS in_range,
        (SELECT string_agg(DISTINCT code_kind, ',' ORDER BY code_kind) FROM grant_beneficiary_locations) AS kinds FROM grants`,
    );
    expect(a.in_range).toBeGreaterThanOrEqual(0.85);
    expect(a.kinds).toBe("LSOA21,WD");
    const byDecile = await db.all<{ d: number; per_head: number }>(`
      SELECT i.imd_decile AS d, sum(coalesce(m.p, 0))::DOUBLE / sum(l.population) AS per_head
      FROM lsoa l JOIN iod2025 i USING (lsoa21cd) LEFT JOIN (SELECT lsoa21cd, sum(amount_pence) p FROM grant_lsoa GROUP BY 1) m USING (lsoa21cd)
      GROUP BY 1 ORDER BY 1`);
    const low = byDecile.filter((r) => r.d <= 3).reduce((x, r) => x + r.per_head, 0) / 3;
    const high = byDecile.filter((r) => r.d >= 7).reduce((x, r) => x + r.per_head, 0) / byDecile.filter((r) => r.d >= 7).length;
    expect(low).toBeGreaterThan(high);
    expect(high).toBeGreaterThan(0);
  });

  it("is labelled synthetic and uses made-up organisations", async () => {
    const rows = await db.all<{ title: string; description: string; data_source: string; recipient_id: string; funding_org_name: string }>(
      `SELECT title, description, data_source, recipient_id, funding_org_name FROM grants`,
    );
    for (const r of rows) {
      expect(r.title.endsWith("(synthetic)")).toBe(true);
      expect(r.description.startsWith(SYNTHETIC_LABEL)).toBe(true);
      expect(r.data_source).toBe("https://example.org/chest-atlas/synthetic-demo-ledger");
      expect(r.recipient_id.startsWith("360G-CHESTDEMO-ORG-")).toBe(true);
    }
  });

  it("is the same for the same seed and different for another", async () => {
    const lsoas = await db.all<never>(`SELECT l.lsoa21cd, l.lsoa21nm, l.ward_code, l.ward_name, l.lad_code, l.lad_name, coalesce(l.partnership, l.lad_name) AS partnership,
      l.population::INTEGER AS population, i.imd_decile::INTEGER AS imd_decile FROM lsoa l LEFT JOIN iod2025 i USING (lsoa21cd) ORDER BY l.lsoa21cd`);
    const a = demoLedgerRows(lsoas, built.place, 20251);
    expect(toCsv(["x"], a)).toBe(toCsv(["x"], demoLedgerRows(lsoas, built.place, 20251)));
    expect(toCsv(["x"], a)).not.toBe(toCsv(["x"], demoLedgerRows(lsoas, built.place, 7)));
    expect(readFileSync(demoFile, "utf8").split("\r\n")[1]).toBe(toCsv(["x"], a).split("\r\n")[1]);
  });

  it("attributes each round to funder types: named business grants, the rest pro rata to what is left", async () => {
    const mix = await publish.funderMix(db);
    const r1 = Object.fromEntries(mix.filter((m) => m.round_id === "demo-r1").map((m) => [m.funder_type, [m.contributed, m.attributed]]));
    expect(Object.keys(r1).sort()).toEqual(["NHS", "business", "local authority", "philanthropy"]);
    expect(r1.NHS[0]).toBe(120_000);
    for (const [, [contributed, attributed]] of Object.entries(r1)) expect(Math.abs(contributed! - attributed!)).toBeLessThan(1);
    const named = await db.all(`SELECT DISTINCT basis FROM grant_funder_type WHERE funder_type = 'business' ORDER BY 1`);
    expect(named).toEqual([{ basis: "named funder" }, { basis: "round pro rata" }]);
  });

  it("publishes small aggregated rows for the Grants page", async () => {
    const lsoas = await publish.moneyByLsoa(db);
    expect(lsoas.length).toBe(1087);
    expect(Math.round(lsoas.reduce((a, r) => a + r.amount, 0) * 100)).toBe(50_500_000);
    const msoas = await publish.moneyByMsoa(db);
    expect(Math.round(msoas.reduce((a, r) => a + r.amount, 0) * 100)).toBe(50_500_000);
    expect(msoas.every((m) => m.msoa_name)).toBe(true);
    const nhs = await publish.moneyByLsoa(db, { funderType: "NHS" });
    expect(Math.round(nhs.reduce((a, r) => a + r.amount, 0))).toBe(245_000);
    const r2 = await publish.moneyByLsoa(db, { roundId: "demo-r2" });
    expect(Math.round(r2.reduce((a, r) => a + r.amount, 0) * 100)).toBe(26_500_000);
    const cov = await publish.coverage(db);
    expect(cov.filter((c) => c.grants > 0).map((c) => [c.method, c.grants])).toEqual([
      ["beneficiary_lsoa", 58],
      ["beneficiary_ward", 42],
    ]);
    const orgs = await publish.organisationTotals(db);
    expect(orgs.length).toBe(82);
    expect(orgs.reduce((a, o) => a + o.grants, 0)).toBe(100);
    const ledger = await publish.grantLedger(db);
    expect(ledger.length).toBe(100);
    expect(ledger[0]).toMatchObject({ synthetic: true, recipient_type: "organisation" });
    expect(ledger.every((l) => l.boroughs && l.funder_types && l.location)).toBe(true);
    const sb = await publish.spentVersusBased(db);
    expect(sb.reduce((a, r) => a + r.spent, 0)).toBeCloseTo(505_000, 2);
    expect(sb.reduce((a, r) => a + r.based, 0)).toBeCloseTo(505_000, 2);
    expect(sb.some((r) => Math.abs(r.spent - r.based) > 1)).toBe(true);
    const byType = await publish.moneyByLsoaAndFunderType(db);
    expect(Math.round(byType.reduce((a, r) => a + r.amount, 0))).toBe(505_000);
  });

  it("sends the map's money for every round and funder type at once, as moneyByLsoa and moneyByMsoa give it for each", async () => {
    const mix = await publish.funderMix(db);
    const rounds = ["", ...new Set(mix.filter((r) => r.round_id && r.grants > 0).map((r) => r.round_id!))];
    const types = ["", ...new Set(mix.filter((r) => r.grants > 0).map((r) => r.funder_type))];
    expect(rounds.length * types.length).toBeGreaterThan(6);
    const expected: { layer: string; round_id: string; funder_type: string; code: string; grants: number; amount: number; per_head: number | null }[] = [];
    for (const round_id of rounds)
      for (const funder_type of types) {
        const filter = { roundId: round_id || null, funderType: funder_type || null };
        for (const r of await publish.moneyByLsoa(db, filter)) if (r.amount > 0) expected.push({ layer: "lsoa", round_id, funder_type, code: r.lsoa21cd, grants: r.grants, amount: r.amount, per_head: r.per_head });
        for (const r of await publish.moneyByMsoa(db, filter)) if (r.amount > 0) expected.push({ layer: "msoa", round_id, funder_type, code: r.msoa21cd, grants: r.grants, amount: r.amount, per_head: r.per_head });
      }
    const got = readArrow(await grantsMoneyArrow(db)).rows as unknown as typeof expected;
    expect(got.map(({ layer, round_id, funder_type, code, grants }) => [layer, round_id, funder_type, code, grants])).toEqual(
      expected.map(({ layer, round_id, funder_type, code, grants }) => [layer, round_id, funder_type, code, grants]),
    );
    got.forEach((r, i) => {
      expect(r.amount).toBeCloseTo(expected[i].amount, 2);
      if (expected[i].per_head === null) expect(r.per_head).toBeNull();
      else expect(r.per_head).toBeCloseTo(expected[i].per_head!, 4);
    });
  });

  it("exports valid 360Giving JSON and a CSV that reads back to the same grants", async () => {
    const out = tempDir();
    const result = await exportGrants(db, built.place, { outDir: out, now: () => new Date("2025-05-01T12:00:00Z") });
    expect(result.grants).toBe(100);
    const standards = pathToFileURL(join(mirrorDir, "standards/360giving/schema/"));
    const pkgSchema = JSON.parse(readFileSync(new URL("360-giving-package-schema.json", standards), "utf8")) as Schema;
    const grantSchema = JSON.parse(readFileSync(new URL("360-giving-schema.json", standards), "utf8")) as Schema;
    const refs = { "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json": grantSchema };
    const pkg = JSON.parse(readFileSync(result.json, "utf8"));
    expect(validateJson(pkg, pkgSchema, pkgSchema, refs)).toEqual([]);
    expect(pkg.title).toContain("SYNTHETIC");
    // The checker does catch faults.
    const broken = structuredClone(pkg);
    delete broken.grants[0].currency;
    broken.grants[1].awardDate = "17/03/2024";
    expect(validateJson(broken, pkgSchema, pkgSchema, refs).length).toBeGreaterThanOrEqual(2);

    const exported = new Map((pkg.grants as { id: string }[]).map((g) => [g.id, g]));
    await run([result.csv]);
    const back = await storedGrants(db);
    expect(back.length).toBe(100);
    for (const { grant_json } of back) {
      const g = JSON.parse(grant_json);
      expect(g).toEqual(exported.get(g.id));
    }
    const [{ warnings }] = await db.all<{ warnings: number }>(`SELECT count(*)::INTEGER AS warnings FROM grants_rejects`);
    expect(warnings).toBe(0);
  });
});

describe("export of everything read", () => {
  it("writes every accepted sample grant as valid 360Giving JSON (cleaning leaves nothing the schema forbids)", async () => {
    const s = await run(Object.keys(expected).map(sample));
    const out = tempDir();
    const result = await exportGrants(db, built.place, { outDir: out, scope: "all" });
    expect(result.grants).toBe(s.grants);
    const standards = pathToFileURL(join(mirrorDir, "standards/360giving/schema/"));
    const pkgSchema = JSON.parse(readFileSync(new URL("360-giving-package-schema.json", standards), "utf8")) as Schema;
    const grantSchema = JSON.parse(readFileSync(new URL("360-giving-schema.json", standards), "utf8")) as Schema;
    const refs = { "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json": grantSchema };
    const errors = validateJson(JSON.parse(readFileSync(result.json, "utf8")), pkgSchema, pkgSchema, refs);
    expect(errors.slice(0, 10)).toEqual([]);
  });
});

describe("grants to individuals", () => {
  it("never leave with a name: ledger, organisation totals and export", async () => {
    await run([sample("mixed_funders_grants.json")]);
    const names = await db.all<{ n: string }>(`SELECT DISTINCT recipient_name AS n FROM grants WHERE recipient_type = 'individual'`);
    expect(names.length).toBeGreaterThan(0);
    const ledger = await publish.grantLedger(db, { scope: "all" });
    const individual = ledger.filter((l) => l.recipient_type === "individual");
    expect(individual.length).toBe(99);
    expect(new Set(individual.map((l) => l.recipient))).toEqual(new Set(["Individual recipient"]));
    expect(individual.every((l) => l.recipient_id === null)).toBe(true);
    const orgs = await publish.organisationTotals(db, { scope: "all" });
    expect(orgs.filter((o) => o.recipient_type === "individual")).toEqual([expect.objectContaining({ recipient: "Individual recipients", recipient_id: null, grants: 99 })]);
    const out = tempDir();
    const result = await exportGrants(db, built.place, { outDir: out, scope: "all" });
    const pkg = JSON.parse(readFileSync(result.json, "utf8"));
    const inds = (pkg.grants as { recipientIndividual?: { name: string } }[]).filter((g) => g.recipientIndividual);
    expect(inds.length).toBe(99);
    expect(new Set(inds.map((g) => g.recipientIndividual!.name))).toEqual(new Set(["Individual Recipient"]));
    const text = readFileSync(result.csv, "utf8");
    for (const { n } of names) if (n !== "Individual Recipient") expect(text.includes(n)).toBe(false);
  });
});
