// The real dashboard, built offline from a fresh database and opened in Chromium: every page renders, is accessible, is light, and works (half the pages' render and weight checks are in dashboard-renders.test.ts).
import { join } from "node:path";
import { existsSync, readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/pipeline.ts";
import { openPage } from "../support/browser.ts";
import { useBrowser } from "../support/use-browser.ts";
import { navPages } from "../support/page-weight.ts";
import { waitForRender } from "../support/site.ts";
import { describePageRenders } from "./page-renders.ts";
import { rowCount } from "./paged-table.ts";
import { demoSite } from "../support/demo-site.ts";

const shots = join(repoRoot, "test", "output");
const demo = await demoSite();
const server = { url: demo.url };
let browser: Browser;
useBrowser((b) => (browser = b));

describe("the dashboard build", () => {
  it("makes zero network requests (the build, Framework and every data loader ran with all network calls failing)", () => {
    expect(demo.network).toEqual([]);
  });

  it("writes every page with lang en-GB and no font links", () => {
    for (const { path } of navPages()) {
      const html = readFileSync(join(repoRoot, "dist", path === "/" ? "index.html" : `${path.slice(1)}.html`), "utf8");
      expect(html).toMatch(/<html lang="en-GB"/);
      expect(html).not.toMatch(/fonts\.googleapis|cdn\.jsdelivr/);
    }
  });
});

// Half the pages here, half in dashboard-renders.test.ts, so two test workers check them side by side.
describePageRenders(() => ({ url: server.url, browser }), navPages().filter((_, i) => i % 2 === 0));

describe("need map", () => {
  it("draws every LSOA, switches layer and measure, and keeps the text summary and table in step", async () => {
    const session = await openPage(server.url + "need-map", { browser, viewport: { width: 1280, height: 1000 } });
    const { page } = session;
    try {
      await waitForRender(page);
      const shapes = () => page.locator('svg g[aria-description="areas"] path').count();
      expect(await shapes()).toBe(1087);
      await expect.poll(() => page.locator("#map-summary").textContent()).toMatch(/of 1,087 neighbourhoods .* most deprived 10% in England/);
      expect(await rowCount(page.locator("table.data-table").first())).toBe(1087); // paged: "Rows 1–50 of 1,087"

      await page.getByLabel("Borough", { exact: true }).check();
      await expect.poll(shapes).toBe(8);
      await expect.poll(() => page.locator("table.data-table tbody tr").count()).toBe(8);

      await page.getByLabel("Electoral ward", { exact: true }).check();
      await expect.poll(shapes).toBe(173);

      await page.getByLabel("Neighbourhood (LSOA, about 1,500 residents)").check();
      // Redrawing 1,087 shapes can take seconds on a loaded machine: wait for it before changing the measure.
      await expect.poll(shapes, { timeout: 30_000 }).toBe(1087);
      await page.getByLabel("Measure", { exact: true }).selectOption({ label: "Income" });
      await expect.poll(() => page.locator("#map-summary").textContent(), { timeout: 30_000 }).toMatch(/^Income, IoD2025/);
      await page.getByLabel("Change 2019 to 2025").check();
      await expect.poll(() => page.locator("#map-summary").textContent(), { timeout: 30_000 }).toMatch(/between IoD2019 and IoD2025/);
      await page.screenshot({ path: join(shots, "need-map-income-change.png"), fullPage: false });
      expect(session.consoleErrors).toEqual([]);
    } finally {
      await session.close();
    }
  });
});

describe("data page", () => {
  it("lists every source with its licence and the attribution the licences require", async () => {
    const session = await openPage(server.url + "data", { browser });
    try {
      await waitForRender(session.page);
      const text = (await session.page.textContent("main")) ?? "";
      expect(text).toContain("Contains public sector information licensed under the Open Government Licence v3.0");
      expect(text).toContain("Contains OS data © Crown copyright and database right");
      expect(text).toContain("English Indices of Deprivation 2025, File 7");
      expect(existsSync(join(repoRoot, "dist", "data.html"))).toBe(true);
    } finally {
      await session.close();
    }
  });
});
