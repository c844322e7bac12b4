// Browser test of the Provision page on the suite's demo site (its demo service directory): the map of reach with its activity points, the need filter, the list of areas nothing reaches, the synthetic banner; figures checked against the demo database (axe-core on this page: the dashboard tests).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openPage } from "../support/browser.ts";
import { useBrowser } from "../support/use-browser.ts";
import { demoSite } from "../support/demo-site.ts";
import { repoRoot } from "../support/pipeline.ts";
import { waitForRender } from "../support/site.ts";
import { query } from "../services/helpers.ts";
import { pageThrough, pagerOf, rowCount, showAll } from "./paged-table.ts";
import { parseCsv } from "../../pipelines/kit/delimited.ts";

const demo = await demoSite();
const server = { url: demo.url };
const dbPath = demo.dbPath ?? join(repoRoot, "data", "chest.duckdb");
let browser: Browser;
useBrowser((b) => (browser = b));

describe("the Provision page with the demo directory", () => {
  it("draws every neighbourhood, the activity venues and the synthetic banner; the summary and the gap list agree with the database (axe-core on this page: the dashboard tests)", async () => {
    const session = await openPage(`${server.url}provision`, { browser, viewport: { width: 1280, height: 1000 } });
    const { page } = session;
    try {
      await waitForRender(page);
      await page.screenshot({ path: join(repoRoot, "test", "output", "page-provision.png") });
      expect(await page.locator("p.synthetic").textContent()).toMatch(/^SYNTHETIC DEMO DATA/);
      expect(await page.locator('svg g[aria-description="neighbourhoods"] path').count()).toBe(1087);
      const [{ venues }] = await query<{ venues: number }>(
        dbPath,
        `SELECT count(*)::INTEGER AS venues FROM (SELECT DISTINCT sl.service_id, sl.location_id FROM service_location sl JOIN service s USING (service_id) WHERE s.active AND sl.lsoa21cd IS NOT NULL AND sl.location_type = 'physical')`,
      );
      expect(await page.locator('svg g[aria-description="activity venues"] path').count()).toBe(venues);

      const [{ none }] = await query<{ none: number }>(dbPath, `SELECT count(*)::INTEGER AS none FROM provision WHERE need = 'all' AND services_in_person = 0`);
      await expect.poll(() => page.locator("#provision-summary").textContent()).toContain(`${none.toLocaleString("en-GB")} of 1,087 neighbourhoods`);
      const gapTable = page.locator("table.data-table").first();
      expect(await gapTable.locator("caption").textContent()).toMatch(new RegExp(`^Neighbourhoods with no activity within 1,200 m .*\\(${none}\\)`));
      expect(await rowCount(gapTable)).toBe(none);
      // Paged 50 rows at a time: Next reaches every unreached neighbourhood once, in the order Show all lists them, and no other.
      const paged = await pageThrough(gapTable);
      expect(paged).toHaveLength(none);
      const names = (await query<{ name: string }>(dbPath, `SELECT l.lsoa21nm AS name FROM provision p JOIN lsoa l USING (lsoa21cd) WHERE p.need = 'all' AND p.services_in_person = 0`)).map((r) => r.name);
      expect(paged.map((t) => names.find((n) => t.startsWith(n))).sort()).toEqual(names.sort());
      const allRows = await showAll(gapTable);
      expect(await allRows.allTextContents()).toEqual(paged);
      // Its CSV holds every row as the table shows it, under the table's column headings.
      const [file] = await Promise.all([page.waitForEvent("download"), pagerOf(gapTable).getByRole("button", { name: /^Download CSV/ }).click()]);
      expect(file.suggestedFilename()).toMatch(/^neighbourhoods-with-no-activity-within-1-200-m-.*\.csv$/);
      const [header, ...csvRows] = parseCsv(readFileSync((await file.path())!, "utf8").replace(/^\ufeff/, "")).map((r) => r.fields);
      expect(header).toEqual(await gapTable.locator("thead th").allTextContents());
      expect(csvRows).toEqual(await allRows.evaluateAll((rs) => rs.map((r) => [...r.children].map((c) => c.textContent ?? ""))));

      expect(session.consoleErrors).toEqual([]);
      expect(session.externalRequests).toEqual([]);
      expect(session.failedRequests).toEqual([]);
      // axe-core on the page as first drawn: the dashboard tests (dashboard.test.ts, dashboard-renders.test.ts) check every page.
    } finally {
      await session.close();
    }
  });

  it("filters by need and counts remote services when asked", async () => {
    const session = await openPage(`${server.url}provision`, { browser, viewport: { width: 1280, height: 1000 } });
    const { page } = session;
    try {
      await waitForRender(page);
      const gapRows = () => rowCount(page.locator("table.data-table").first());
      const need = async (key: string, remote: boolean) =>
        (await query<{ n: number }>(dbPath, `SELECT count(*)::INTEGER AS n FROM provision WHERE need = '${key}' AND ${remote ? "services_reaching" : "services_in_person"} = 0`))[0].n;

      const choose = async (label: string) =>
        page.getByLabel("Need", { exact: true }).selectOption({ label: (await page.locator("select option", { hasText: `${label} (` }).textContent())! });
      await choose("Physical activity");
      await expect.poll(() => page.locator("h2").first().textContent()).toBe("Physical activity: activities within reach of each neighbourhood");
      await expect.poll(gapRows).toBe(await need("physical_activity", false));
      const [{ pa }] = await query<{ pa: number }>(
        dbPath,
        `SELECT count(*)::INTEGER AS pa FROM (SELECT DISTINCT sl.service_id, sl.location_id FROM service_location sl JOIN service s USING (service_id) JOIN service_need n USING (service_id)
         WHERE n.need = 'physical_activity' AND s.active AND sl.lsoa21cd IS NOT NULL AND sl.location_type = 'physical')`,
      );
      await expect.poll(() => page.locator('svg g[aria-description="activity venues"] path').count()).toBe(pa);

      await choose("Loneliness and isolation");
      await expect.poll(gapRows).toBe(await need("loneliness", false));
      await page.getByLabel("Count online, telephone and home-visiting services as within reach").check();
      await expect.poll(gapRows).toBe(await need("loneliness", true));
      expect(session.consoleErrors).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
