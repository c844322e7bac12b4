// The Equity page in Chromium on the demo site: headline, borough small multiples, concentration curves and controls work, with no errors, no outside requests and no serious axe findings.
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/pipeline.ts";
import { openPage } from "../support/browser.ts";
import { useBrowser } from "../support/use-browser.ts";
import { axeViolations, waitForRender } from "../support/site.ts";
import { demoSite } from "../support/demo-site.ts";

const shots = join(repoRoot, "test", "output");
const url = (await demoSite()).url + "equity";
const boroughs = ["Barking and Dagenham", "City of London", "Hackney", "Havering", "Newham", "Redbridge", "Tower Hamlets", "Waltham Forest"];
let browser: Browser;
useBrowser((b) => (browser = b));

const smallMultiples = (page: Page) => page.locator('svg[aria-label^="Small multiple bar charts"]');
const curves = (page: Page) => page.locator('svg[aria-label^="Concentration curves"]');

describe("equity page", () => {
  it("renders the headline, the borough small multiples and the concentration curves, with no errors (axe-core on the page as first drawn: the dashboard tests)", async () => {
    const session = await openPage(url, { browser, viewport: { width: 1280, height: 1000 } });
    const { page } = session;
    try {
      await waitForRender(page);
      await page.screenshot({ path: join(shots, "equity-top.png") });
      await page.screenshot({ path: join(shots, "equity-full.png"), fullPage: true });
      expect(session.consoleErrors).toEqual([]);
      expect(session.externalRequests).toEqual([]);
      expect(session.failedRequests).toEqual([]);
      // axe-core on the page as first drawn: the dashboard tests (dashboard.test.ts, dashboard-renders.test.ts) check every page.

      // The demo rounds are synthetic, and the page says so first.
      await expect.poll(() => page.locator("p.synthetic").textContent()).toMatch(/SYNTHETIC DEMO DATA/);
      // The headline: the latest round's Core20 share against the population share, from headline().
      const headline = (await page.locator("#equity-headline").textContent()) ?? "";
      expect(headline).toMatch(/^In round 2, \d{1,3}% of spend reached Core20 neighbourhoods, home to \d{1,2}% of residents\./);
      expect(await page.locator("ul.headlines li").allTextContents()).toEqual([
        expect.stringMatching(/^In round 1, \d{1,3}% of spend reached Core20/),
        expect.stringMatching(/^Across all rounds, \d{1,3}% of spend reached Core20/),
      ]);

      // Small multiples: one panel per borough, each named.
      const multiples = smallMultiples(page);
      await expect.poll(() => multiples.count()).toBe(1);
      // Plot draws each mark as a group holding one group per facet: eight panels of bars, eight borough titles.
      expect(await multiples.locator('g[aria-label="bar"] > g').count()).toBe(8);
      expect(await multiples.locator('g[aria-label="text"] > g').count()).toBeGreaterThanOrEqual(8);
      const panelText = (await multiples.textContent()) ?? "";
      for (const b of boroughs) expect(panelText).toContain(`${b}:`);
      expect(panelText).toContain("1 = most deprived 10% in England");
      expect(await multiples.locator('g[aria-label="bar"] rect').count()).toBeGreaterThan(40);
      await multiples.screenshot({ path: join(shots, "equity-small-multiples.png") });

      // Concentration curves: the line of equality and one curve per funder type plus all funders.
      const chart = curves(page);
      expect(await chart.count()).toBe(1);
      const curvePaths = chart.locator('g[aria-label="line"] path');
      expect(await curvePaths.count()).toBe(1 + 5); // the diagonal, all funders, four funder types
      const d = (await curvePaths.nth(1).getAttribute("d")) ?? "";
      expect(d.split("L").length).toBeGreaterThanOrEqual(11); // (0,0) and the ten deciles
      expect(await chart.textContent()).toContain("Line of equality");
      await chart.screenshot({ path: join(shots, "equity-curves.png") });

      // Every number has its note: the footnote list holds the plain-English method texts.
      const notes = await page.locator("ol.notes li").allTextContents();
      expect(notes.length).toBeGreaterThanOrEqual(8);
      expect(notes.join("\n")).toMatch(/Concentration index\. Twice the area/);
      expect(notes.join("\n")).toMatch(/No confidence interval/);
      for (const a of await page.locator("sup.fn a").all()) {
        const target = (await a.getAttribute("href"))!;
        expect(await page.locator(target).count()).toBe(1);
        expect((await a.getAttribute("title"))!.length).toBeGreaterThan(40);
      }
    } finally {
      await session.close();
    }
  });

  it("follows the round and funder type chosen, and draws a curve per borough on request", async () => {
    const session = await openPage(url, { browser, viewport: { width: 1280, height: 1000 } });
    const { page } = session;
    try {
      await waitForRender(page);
      const chosen = () => page.locator("#equity-kpis").locator("xpath=preceding-sibling::p[1]").textContent();
      await page.getByLabel("Round", { exact: true }).selectOption({ label: "All rounds" });
      // The funder type menu is made again for the round chosen (it lists the round's funder types): choose from the new one.
      await expect.poll(chosen).toBe("All rounds, all funders.");
      await page.getByLabel("Funder type", { exact: true }).selectOption({ label: "NHS" });
      await expect.poll(chosen).toBe("All rounds, NHS money.");
      await page.getByLabel("Boroughs (all funders)").check();
      await expect.poll(() => curves(page).locator('g[aria-label="line"] path').count()).toBe(1 + 8);
      await expect.poll(() => page.locator("table caption", { hasText: "by borough, all funders" }).count()).toBe(1);
      await page.getByRole("heading", { name: "Change between rounds" }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, "equity-change.png") });
      expect(await page.locator("table caption", { hasText: "Round by round, NHS money" }).count()).toBe(1);
      expect(session.consoleErrors).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
