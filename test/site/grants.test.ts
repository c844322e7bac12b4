// The Grants page in Chromium on the demo build (ledger, filters, CSV download, map, banner, accessibility, privacy), and its loaders on small databases.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/db/connection.ts";
import { parseCsv } from "../../pipelines/kit/delimited.ts";
import {
  areaColumns,
  grantsAreasArrow,
  grantsLedgerArrow,
  grantsMoneyArrow,
  grantsOrganisationsArrow,
  grantsSummaryJson,
  ledgerColumns,
  moneyColumns,
  organisationColumns,
  type Columns,
} from "../../pipelines/publish/grants.ts";
import { csvField, filterLedger, funderTypesOf, ledgerCsv, type LedgerRow } from "../../src/lib/grants-ledger.ts";
import { moneyBands, NO_MONEY } from "../../src/lib/grants-bins.ts";
import { fixture, ingest, miniDb, tempDir } from "../grants/helpers.ts";
import { readArrow } from "../support/arrow.ts";
import { launchBrowser, openPage, type PageSession } from "../support/browser.ts";
import { repoRoot } from "../support/pipeline.ts";
import { waitForRender } from "../support/site.ts";
import { demoSite } from "../support/demo-site.ts";
import { pageThrough, rowCount, showAll, totalOf } from "./paged-table.ts";

const shots = join(repoRoot, "test", "output");
const demo = await demoSite();
const site = process.env.CHEST_SKIP_SITE === "1" ? null : { url: demo.url, db: demo.dbPath };
const pageTest = site ? describe : describe.skip;

/** "£505,000" in a sentence → 505000. */
function pounds(text: string | null): number {
  const m = /£([\d,]+(?:\.\d+)?)/.exec(text ?? "");
  if (!m) throw new Error(`no £ amount in ${text}`);
  return Number(m[1].replaceAll(",", ""));
}

/** How many grants the ledger table holds (paged 50 at a time: its pager's "of N"). */
const ledgerCount = (page: Page) => rowCount(page.locator("#ledger-table"));
/** Every grant identifier in the ledger table, in order (all its rows shown first). */
const ledgerIds = async (page: Page) => {
  await showAll(page.locator("#ledger-table"));
  return page.locator("#ledger-table tbody code.grant-id").allTextContents();
};
const shapes = (page: Page) => page.locator('svg g[aria-description="areas"] path').count();

/** Click the download button and read the CSV it saves: header and rows as arrays of fields. */
async function download(page: Page): Promise<{ name: string; text: string; header: string[]; rows: string[][] }> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.locator("#ledger-download").click()]);
  const text = readFileSync((await file.path())!, "utf8");
  const [header, ...rows] = parseCsv(text.replace(/^\ufeff/, "")).map((r) => r.fields);
  return { name: file.suggestedFilename(), text, header, rows };
}

pageTest("the Grants page", () => {
  let browser: Browser;
  let session: PageSession;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    session = await openPage(site!.url + "grants", { browser, viewport: { width: 1280, height: 900 } });
    page = session.page;
    await waitForRender(page);
    await page.waitForFunction(() => document.querySelectorAll("#ledger-table tbody tr").length > 0, null, { timeout: 20_000 });
  });

  afterAll(async () => {
    await session?.close();
    await browser?.close();
  });

  it("renders with no console errors, no external or failed requests, under a synthetic-data banner (axe-core on this page: the dashboard tests)", async () => {
    expect(await ledgerCount(page)).toBe(100);
    await page.screenshot({ path: join(shots, "grants-top.png") });
    expect(session.consoleErrors).toEqual([]);
    expect(session.externalRequests).toEqual([]);
    expect(session.failedRequests).toEqual([]);
    const banner = page.locator("p.synthetic");
    expect(await banner.count()).toBe(1);
    expect(await banner.textContent()).toMatch(/^SYNTHETIC DEMO DATA — not real grants, referrals or services\. The figures on this page are synthetic demo data: 100 of the 100 grants and 2 funding rounds/);
    expect(await page.locator("#grants-empty").count()).toBe(0);
  });

  it("lists the 100 demo grants; search and filters narrow the ledger and its summary; the CSV holds exactly the rows shown", async () => {
    const summary = page.locator("#ledger-summary");
    expect(await summary.textContent()).toMatch(/^All 100 grants: £505,000 in total to 82 organisations/);

    const all = await download(page);
    expect(all.name).toBe("grants-ledger.csv");
    expect(all.text.startsWith("\ufeffIdentifier,Award date,Title,Recipient,")).toBe(true);
    expect(all.rows).toHaveLength(100);
    expect(all.rows.map((r) => r[0])).toEqual(await ledgerIds(page));
    const amount = all.header.indexOf("Amount awarded (GBP)");
    expect(all.rows.every((r) => /^\d+\.\d{2}$/.test(r[amount]))).toBe(true);
    expect(all.rows.reduce((a, r) => a + Number(r[amount]), 0)).toBeCloseTo(505000, 2);
    expect(all.rows.every((r) => /^\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) 20\d\d$/.test(r[all.header.indexOf("Award date")]))).toBe(true);

    // A borough: fewer rows, every one spending money there; the total in the summary changes and the CSV follows.
    await page.getByLabel("Borough (where the money is spent)").selectOption({ label: "Hackney" });
    await expect.poll(() => ledgerCount(page)).toBeLessThan(100);
    const hackney = await ledgerCount(page);
    expect(hackney).toBeGreaterThan(0);
    await expect.poll(() => summary.textContent()).toMatch(new RegExp(`^Showing ${hackney} of 100 grants: £`));
    const hackneyTotal = pounds(await summary.textContent());
    expect(hackneyTotal).toBeLessThan(505000);
    const spentIn = await (await showAll(page.locator("#ledger-table"))).locator("td:nth-child(6)").allTextContents();
    expect(spentIn).toHaveLength(hackney);
    expect(spentIn.every((b) => b.includes("Hackney"))).toBe(true);
    const filtered = await download(page);
    expect(filtered.name).toBe("grants-ledger-filtered.csv");
    expect(filtered.rows.map((r) => r[0])).toEqual(await ledgerIds(page));
    expect(filtered.rows.reduce((a, r) => a + Number(r[amount]), 0)).toBeCloseTo(hackneyTotal, 2);
    expect(filtered.rows.every((r) => r[filtered.header.indexOf("Local authorities where the money is spent")].includes("Hackney"))).toBe(true);
    await page.screenshot({ path: join(shots, "grants-ledger-filtered.png") });

    // Then a round as well: fewer still (or the same), and all in that round.
    await page.getByLabel("Round", { exact: true }).selectOption({ label: "Community Chest round 1 (demo)" });
    await expect.poll(() => summary.textContent()).not.toMatch(new RegExp(`^Showing ${hackney} of`));
    const both = await download(page);
    expect(both.rows.length).toBe(await ledgerCount(page));
    expect(both.rows.length).toBeLessThan(hackney);
    expect(both.rows.every((r) => r[both.header.indexOf("Round")] === "Community Chest round 1 (demo)")).toBe(true);

    // A search on top of the filters, then everything cleared again.
    await page.getByLabel("Round", { exact: true }).selectOption({ label: "All rounds" });
    await page.getByLabel("Borough (where the money is spent)").selectOption({ label: "All boroughs" });
    await page.getByLabel("Search grants").fill("lunch club");
    await expect.poll(() => ledgerCount(page)).toBeLessThan(100);
    const lunch = await ledgerCount(page);
    expect(lunch).toBeGreaterThan(0);
    const searched = await download(page);
    expect(searched.rows.map((r) => r[0])).toEqual(await ledgerIds(page));
    await page.getByLabel("Search grants").fill("");
    await expect.poll(() => ledgerCount(page)).toBe(100);
    await expect.poll(() => summary.textContent()).toMatch(/^All 100 grants: £505,000/);

    // Funder type: the business partner is named by some grants alone, but every round-1 grant carries some business money.
    await page.getByLabel("Funder type", { exact: true }).selectOption({ label: "business" });
    await expect.poll(() => ledgerCount(page)).toBe(100);
    await page.getByLabel("Funder type", { exact: true }).selectOption({ label: "All funder types" });
    expect(session.consoleErrors).toEqual([]);
  });

  it("maps grant £ per resident by LSOA and MSOA with a legend in words, a summary and a table that follow the choice", async () => {
    const mapSummary = page.locator("#map-summary");
    await page.locator("#map").scrollIntoViewIfNeeded();
    expect(await shapes(page)).toBe(1087);
    expect(await page.locator(".binned-map-key strong").textContent()).toBe("Grant £ per resident (all rounds, all funders)");
    expect(await page.locator(".binned-map figcaption").textContent()).toContain(`"${NO_MONEY}": no grant money was placed in the area.`);
    expect(await mapSummary.textContent()).toMatch(/^£505,000 \(all rounds, all funders\) was placed in [\d,]+ of the 1,087 neighbourhoods \(LSOAs\)/);
    expect(await mapSummary.textContent()).toMatch(/most deprived 20%.*Core20/);
    const mapTable = page.locator("table.data-table", { has: page.locator("caption", { hasText: "Grant money by neighbourhood" }) });
    expect(await rowCount(mapTable)).toBe(1087);
    // Paging with Next reaches every neighbourhood once, most per resident first across the page breaks, in the order
    // Show all lists them: the last page ends with the table's last row.
    const paged = await pageThrough(mapTable);
    expect(new Set(paged).size).toBe(1087);
    const perHead = paged.map((t) => Number(/£([\d,.]+)$/.exec(t)?.[1].replaceAll(",", "") ?? -1)); // "–" (no residents) last
    expect(perHead.every((v, i) => i === 0 || v <= perHead[i - 1])).toBe(true);
    expect(await (await showAll(mapTable)).allTextContents()).toEqual(paged);
    await page.locator("figure.binned-map").screenshot({ path: join(shots, "grants-map-lsoa.png") });

    await page.getByLabel("Larger neighbourhoods (MSOAs, about 8,000 residents)").check();
    await expect.poll(() => shapes(page)).toBe(218);
    await expect.poll(() => mapSummary.textContent()).toMatch(/of the 218 MSOAs/);
    const msoaTable = page.locator("table.data-table", { has: page.locator("caption", { hasText: "Grant money by MSOA" }) });
    await expect.poll(() => rowCount(msoaTable)).toBe(218);

    await page.getByLabel("Round on the map").selectOption({ label: "Community Chest round 2 (demo)" });
    await page.getByLabel("Funder type on the map").selectOption({ label: "NHS money only" });
    await expect.poll(() => page.locator(".binned-map-key strong").textContent()).toBe("Grant £ per resident (Community Chest round 2 (demo), NHS money only)");
    const nhsRound2 = pounds(await mapSummary.textContent());
    expect(nhsRound2).toBeGreaterThan(100_000);
    expect(nhsRound2).toBeLessThan(130_000);
    await page.locator("figure.binned-map").screenshot({ path: join(shots, "grants-map-msoa-round2-nhs.png") });
    await page.getByLabel("Neighbourhoods (LSOAs, about 1,500 residents)").check();
    await expect.poll(() => shapes(page)).toBe(1087);
    expect(session.consoleErrors).toEqual([]);
  });

  it("prints every row of each paged table, with no scroll box or pager, then shows the page each table was on", async () => {
    const tables = () =>
      page.locator(".table-paged").evaluateAll((els) => els.map((e) => ({ rows: e.querySelectorAll("tbody tr").length, status: e.querySelector(".table-status")?.textContent ?? "" })));
    const before = await tables();
    expect(before.length).toBeGreaterThan(1);
    expect(before.some((t) => t.rows < totalOf(t.status))).toBe(true);
    // A listener added now runs after the tables' own: it sees what is printed.
    await page.evaluate(() => {
      addEventListener("beforeprint", () => {
        (window as unknown as { printed: number[] }).printed = [...document.querySelectorAll(".table-paged")].map((e) => e.querySelectorAll("tbody tr").length);
      }, { once: true });
    });
    expect((await page.pdf({ format: "A4" })).length).toBeGreaterThan(10_000);
    expect(await page.evaluate(() => (window as unknown as { printed: number[] }).printed)).toEqual(before.map((t) => totalOf(t.status)));
    expect(await tables()).toEqual(before);
    await page.emulateMedia({ media: "print" });
    try {
      const printStyle = await page.locator(".table-paged").first().evaluate((e) => ({
        pager: getComputedStyle(e.querySelector(".table-pager")!).display,
        box: getComputedStyle(e.querySelector(".table-scroll")!).maxHeight,
      }));
      expect(printStyle).toEqual({ pager: "none", box: "none" });
    } finally {
      await page.emulateMedia({ media: null });
    }
  });

  it("shows the funder mix, totals per organisation, location coverage and spent-versus-based, each chart with a table", async () => {
    const text = (id: string) => page.locator(id).textContent();
    expect(await text("#funder-summary")).toMatch(/^Across both rounds, NHS money paid for [\d.]+% \(£[\d,]+\)/);
    expect(await text("#organisation-summary")).toMatch(/^82 organisations received grants/);
    expect(await text("#coverage-summary")).toMatch(/^£505,000 of the £505,000 awarded \(100\.0%\) was placed/);
    expect(await text("#spent-summary")).toMatch(/^The largest gap is in /);
    for (const caption of ["Grant money by round and funder type", "Grants per recipient, largest total first", "Grants and money by how each grant was located", "Grant money spent in each borough"]) {
      expect(await page.locator("table.data-table caption", { hasText: caption }).count()).toBe(1);
    }
    const charts = page.locator('svg[aria-label^="Bar chart"]');
    expect(await charts.count()).toBe(2);
    expect(await rowCount(page.locator("table.data-table caption", { hasText: "Grants per recipient" }).locator("xpath=ancestor::table"))).toBe(82);
    await page.locator("#funders").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, "grants-funders.png") });
    await page.locator("#spent-based").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, "grants-spent-based.png") });
    await page.screenshot({ path: join(shots, "grants-full.png"), fullPage: true });
  });

  it("shows no names of individual recipients", async () => {
    const db = await openDb(site!.db, { readOnly: true });
    let names: string[];
    try {
      names = (await db.all<{ n: string }>(`SELECT DISTINCT recipient_name AS n FROM grants WHERE recipient_type = 'individual' AND recipient_name <> ''`)).map((r) => r.n);
    } finally {
      db.close();
    }
    const body = (await page.locator("main").textContent()) ?? "";
    for (const name of names) expect(body).not.toContain(name);
    const csv = await download(page);
    for (const name of names) expect(csv.text).not.toContain(name);
    // And nothing the interactive tests did made an error or a request outside the site.
    expect(session.consoleErrors).toEqual([]);
    expect(session.externalRequests).toEqual([]);
    expect(session.failedRequests).toEqual([]);
  });
});

const loaders: [string, (db: Db) => Promise<Buffer>, Columns][] = [
  ["grants-ledger", grantsLedgerArrow, ledgerColumns],
  ["grants-organisations", grantsOrganisationsArrow, organisationColumns],
  ["grants-areas", grantsAreasArrow, areaColumns],
  ["grants-money", grantsMoneyArrow, moneyColumns],
];

describe("the Grants page's loaders", () => {
  it("write empty tables with the same columns and types when no grants were ingested, and say so", async () => {
    const empty = await miniDb();
    const full = (await ingest([fixture("recipients.csv")], { postcodes: fixture("postcodes-onspd-mini.csv") })).db;
    try {
      for (const [name, produce, columns] of loaders) {
        const none = readArrow(await produce(empty));
        const some = readArrow(await produce(full));
        expect(none.rows, name).toEqual([]);
        expect(none.columns, name).toEqual(columns.map(([n, t]) => [n, t]));
        expect(some.columns, name).toEqual(none.columns);
        expect(some.rows.length, name).toBeGreaterThan(0);
      }
      const summary = JSON.parse(await grantsSummaryJson(empty));
      expect(summary).toMatchObject({ loaded: false, totals: null, synthetic: { rounds: 0, grants: 0 } });
      expect(JSON.parse(await grantsSummaryJson(full))).toMatchObject({ loaded: true, synthetic: { rounds: 0, grants: 0 }, totals: { grants: 8, individuals: 1 } });
    } finally {
      empty.close();
      full.close();
    }
  });

  it("never publish the name or identifier of an individual recipient", async () => {
    const { db } = await ingest([fixture("recipients.csv")], { postcodes: fixture("postcodes-onspd-mini.csv") });
    try {
      const [stored] = await db.all<{ n: string; id: string }>(`SELECT recipient_name AS n, recipient_id AS id FROM grants WHERE recipient_type = 'individual'`);
      expect(stored).toEqual({ n: "Jane Example", id: "IND-001" });
      const ledger = readArrow(await grantsLedgerArrow(db));
      const individual = ledger.rows.find((r) => r.recipient_type === "individual");
      expect(individual).toMatchObject({ grant_id: "360G-rec-ind", recipient: "Individual recipient", recipient_id: null, based_in: null });
      const organisations = readArrow(await grantsOrganisationsArrow(db));
      expect(organisations.rows.find((r) => r.recipient_type === "individual")).toMatchObject({ recipient: "Individual recipients", recipient_id: null });
      const everything = [JSON.stringify(ledger.rows), JSON.stringify(organisations.rows), await grantsSummaryJson(db), ledgerCsv(ledger.rows as unknown as LedgerRow[])].join("\n");
      expect(everything).not.toContain("Jane Example");
      expect(everything).not.toContain("IND-001");
    } finally {
      db.close();
    }
  });

  it("put every LSOA's money in the areas table, adding up to what was placed, and split it by funder type for the map", async () => {
    const { db } = await ingest([fixture("recipients.csv")], { postcodes: fixture("postcodes-onspd-mini.csv") });
    try {
      const areas = (readArrow(await grantsAreasArrow(db))).rows as { layer: string; amount: number }[];
      const [placed] = await db.all<{ p: number }>(`SELECT sum(in_place_pence)::DOUBLE / 100 AS p FROM grants`);
      expect(areas.filter((a) => a.layer === "lsoa")).toHaveLength(12);
      expect(areas.filter((a) => a.layer === "lsoa").reduce((s, a) => s + a.amount, 0)).toBeCloseTo(placed.p, 2);
      expect(areas.filter((a) => a.layer === "msoa").reduce((s, a) => s + a.amount, 0)).toBeCloseTo(placed.p, 2);
      const money = (readArrow(await grantsMoneyArrow(db))).rows as { layer: string; round_id: string; funder_type: string; amount: number }[];
      const all = money.filter((m) => m.layer === "lsoa" && m.round_id === "" && m.funder_type === "");
      expect(all.reduce((s, m) => s + m.amount, 0)).toBeCloseTo(placed.p, 2);
      // Each area's share of a funder type is rounded to the penny, so the types add up to within a few pence.
      const byType = money.filter((m) => m.layer === "lsoa" && m.round_id === "" && m.funder_type !== "");
      expect(Math.abs(byType.reduce((s, m) => s + m.amount, 0) - placed.p)).toBeLessThan(0.1);
    } finally {
      db.close();
    }
  });
});

describe("the ledger in the browser (pure helpers)", () => {
  const row = (over: Partial<LedgerRow>): LedgerRow => ({
    grant_id: "G-1", award_date: "2025-03-02", title: "Lunch club", recipient: "Fictional Group", recipient_id: "ORG-1", recipient_type: "organisation",
    amount: 1200.5, in_place: 1200.5, programme: "P1", round_id: "r1", round_name: "Round 1", synthetic: false, boroughs: "Hackney; Newham",
    partnerships: null, based_in: "Hackney", location_method: "beneficiary_lsoa", location: "Beneficiary LSOA", themes: null,
    funder_types: "NHS 50%; local authority 26%; not declared 24%", ...over,
  });

  it("filters by round, borough, programme and funder type", () => {
    const rows = [row({}), row({ grant_id: "G-2", round_id: null, round_name: null, boroughs: "Newham", programme: "P2", funder_types: "business 100%" })];
    expect(funderTypesOf(rows[0])).toEqual(["NHS", "local authority", "not declared"]);
    expect(filterLedger(rows, { borough: "Hackney" }).map((r) => r.grant_id)).toEqual(["G-1"]);
    expect(filterLedger(rows, { round: "(no round)" }).map((r) => r.grant_id)).toEqual(["G-2"]);
    expect(filterLedger(rows, { programme: "P2", funderType: "business" }).map((r) => r.grant_id)).toEqual(["G-2"]);
    expect(filterLedger(rows, { funderType: "not declared" }).map((r) => r.grant_id)).toEqual(["G-1"]);
    expect(filterLedger(rows, {})).toHaveLength(2);
  });

  it("writes CSV with a byte-order mark, UK dates, plain numbers, quoting, and no spreadsheet formulas", () => {
    const text = ledgerCsv([row({ title: '=HYPERLINK("x"), "quoted"', recipient: "Café, £ & —" })]);
    expect(text.startsWith("\ufeffIdentifier,Award date,")).toBe(true);
    const [header, fields] = parseCsv(text.slice(1)).map((r) => r.fields);
    const get = (h: string) => fields[header.indexOf(h)];
    expect(get("Award date")).toBe("2 Mar 2025");
    expect(get("Amount awarded (GBP)")).toBe("1200.50");
    expect(get("Title")).toBe(`'=HYPERLINK("x"), "quoted"`);
    expect(get("Recipient")).toBe("Café, £ & —");
    expect(csvField("-5", true)).toBe("-5");
    expect(csvField(" padded")).toBe('" padded"');
  });

  it("bands £ per resident at round amounts, with none placed as its own band", () => {
    const bands = moneyBands([0, 0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.9, 1.5, 3, 8, null]);
    expect(bands.labels[0]).toBe(NO_MONEY);
    expect(bands.label(0)).toBe(NO_MONEY);
    expect(bands.label(null)).toBeNull();
    expect(bands.labels.slice(1).every((l) => /^(Under £|£[\d.,]+ to under £|£[\d.,]+ or more)/.test(l))).toBe(true);
    expect(bands.edges).toEqual([0.25, 0.5, 2, 5]);
    expect(bands.labels).toEqual([NO_MONEY, "Under £0.25", "£0.25 to under £0.50", "£0.50 to under £2", "£2 to under £5", "£5 or more"]);
    // Edges closer than 1.5 times apart are merged: quartiles near £0.20 and £0.25 give one edge.
    expect(moneyBands([0.19, 0.2, 0.21, 0.24, 0.25, 0.26, 0.3]).edges).toEqual([0.2]);
    expect(bands.label(8)).toBe(bands.labels[bands.labels.length - 1]);
    expect(bands.label(0.1)).toBe(bands.labels[1]);
    expect(moneyBands([0, 0]).labels).toEqual([NO_MONEY]);
    expect(moneyBands([0, 2]).labels).toEqual([NO_MONEY, "Some grant money"]);
  });
});
