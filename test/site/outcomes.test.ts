// The Outcomes page in Chromium on the demo site: summary, reach against targets, wellbeing intervals, GP answers, completeness and reminders, with no errors (axe-core: the dashboard tests).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/pipeline.ts";
import { openPage } from "../support/browser.ts";
import { useBrowser } from "../support/use-browser.ts";
import { waitForRender } from "../support/site.ts";
import { demoSite } from "../support/demo-site.ts";

const shots = join(repoRoot, "test", "output");
const url = (await demoSite()).url + "outcomes";
let browser: Browser;
useBrowser((b) => (browser = b));

describe("outcomes page", () => {
  it("shows the upward summary, reach against targets, wellbeing change with intervals, GP answers and completeness (axe-core on the page as first drawn: the dashboard tests)", async () => {
    const session = await openPage(url, { browser, viewport: { width: 1280, height: 1000 } });
    const { page } = session;
    try {
      await waitForRender(page);
      await page.screenshot({ path: join(shots, "outcomes-top.png") });
      await page.screenshot({ path: join(shots, "outcomes-full.png"), fullPage: true });
      expect(session.consoleErrors).toEqual([]);
      expect(session.externalRequests).toEqual([]);
      expect(session.failedRequests).toEqual([]);
      // axe-core on the page as first drawn: the dashboard tests (dashboard.test.ts, dashboard-renders.test.ts) check every page.

      await expect.poll(() => page.locator("p.synthetic").textContent()).toMatch(/SYNTHETIC DEMO DATA/);
      const summary = (await page.locator("#upward-summary p.summary").textContent()) ?? "";
      expect(summary).toMatch(/funded \d+ organisations \(\d+ grants\), which reported reaching [\d,]+ residents in [\d,]+ sessions/);
      expect(summary).toMatch(/wellbeing changed by [+−]?\d+\.\d\d points on average \(95% confidence interval [+−]?\d+\.\d\d to [+−]?\d+\.\d\d\)/);
      const residents = Number(/reaching ([\d,]+) residents/.exec(summary)![1].replaceAll(",", ""));
      expect(residents % 5).toBe(0);
      await page.locator("#upward-summary").screenshot({ path: join(shots, "outcomes-summary.png") });
      // Printed, the page shows the summary alone.
      await page.emulateMedia({ media: "print" });
      await page.screenshot({ path: join(shots, "outcomes-print.png") });
      expect(await page.locator("#upward-summary").isVisible()).toBe(true);
      expect(await page.evaluate(() => getComputedStyle(document.querySelector("h1")!).visibility)).toBe("hidden");
      await page.emulateMedia({ media: "screen" });

      // Reach against targets: a bar and a target tick per round, and the table beside it.
      const reach = page.locator('svg[aria-label^="Residents reached in each round"]');
      expect(await reach.locator('g[aria-label="bar"] rect').count()).toBe(2);
      expect(await reach.locator('g[aria-label="tick"] line').count()).toBe(2);
      const targetTable = page.locator("table", { has: page.locator("caption", { hasText: "Residents reached and targets by round" }) });
      expect(await targetTable.locator("tbody tr").count()).toBe(2);
      expect(await targetTable.textContent()).toContain("3,500");

      // Wellbeing: one interval per shown group, by round, then by borough.
      const wellbeing = page.locator('svg[aria-label^="Average change in SWEMWBS"]');
      expect(await wellbeing.locator('g[aria-label="dot"] circle').count()).toBe(3); // all participants and two rounds
      await wellbeing.screenshot({ path: join(shots, "outcomes-wellbeing-rounds.png") });
      await page.getByLabel("Borough", { exact: true }).check();
      await expect.poll(() => page.locator('svg[aria-label^="Average change in SWEMWBS wellbeing score by borough"]').count()).toBe(1);
      const boroughTable = page.locator("table", { has: page.locator("caption", { hasText: "SWEMWBS change by borough" }) });
      expect(await boroughTable.locator("tbody tr").count()).toBeGreaterThanOrEqual(5);
      await page.locator('svg[aria-label^="Average change in SWEMWBS wellbeing score by borough"]').screenshot({ path: join(shots, "outcomes-wellbeing-boroughs.png") });

      // GP answers and completeness.
      expect(await page.locator('svg[aria-label^="Share of participants who say"] g[aria-label="bar"] rect').count()).toBeGreaterThanOrEqual(3);
      const completeness = page.locator('svg[aria-label^="Monitoring returns by status"]');
      expect(await completeness.count()).toBe(1);
      await completeness.screenshot({ path: join(shots, "outcomes-completeness.png") });

      // The reminder list downloads as CSV with the grants to chase.
      const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download the reminder list (CSV)" }).click()]);
      const csv = readFileSync((await file.path())!, "utf8").replace(/^\ufeff/, "");
      const [header, ...rows] = csv.trim().split(/\r\n/);
      expect(header).toBe("grant_id,recipient,round,period,due_on,status");
      expect(rows.length).toBeGreaterThan(5);
      expect(rows.some((r) => r.endsWith(",missing"))).toBe(true);
      expect(rows.some((r) => r.endsWith(",late"))).toBe(true);
    } finally {
      await session.close();
    }
  });
});
