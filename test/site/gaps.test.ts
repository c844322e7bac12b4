// The Gaps, Neighbourhood profile and Need map pages in Chromium: a theme changes the map and the ranking, an MSOA found by name opens its profile, the custom neighbourhoods are a layer on each, and every CSV holds what the page shows.
import { join } from "node:path";
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/pipeline.ts";
import { launchBrowser, openPage } from "../support/browser.ts";
import { waitForRender } from "../support/site.ts";
import { demoSite } from "../support/demo-site.ts";
import { rowCount, showAll } from "./paged-table.ts";

const shots = join(repoRoot, "test", "output");
const url = (await demoSite()).url;
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Click a download button and return the file's text. */
async function download(page: Page, selector: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.locator(selector).click()]);
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, "utf8") };
}

/** CSV text → rows of fields (the files here quote fields with commas). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = "";
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(field), (field = "");
    else if (ch === "\n") row.push(field.replace(/\r$/, "")), rows.push(row), (row = []), (field = "");
    else field += ch;
  }
  return rows;
}

describe("Gaps page", () => {
  it("changes the map and the ranking with the theme, and the CSV holds the table's rows", async () => {
    const session = await openPage(url + "gaps", { browser, viewport: { width: 1280, height: 1100 } });
    const { page } = session;
    try {
      await waitForRender(page);
      const shapes = page.locator('#gaps-map svg g[aria-description="areas"] path');
      await expect.poll(() => shapes.count()).toBe(218); // MSOAs in north east London
      const fills = async () => (await shapes.evaluateAll((ps) => ps.map((p) => p.getAttribute("fill")))).join(",");
      const firstRows = async () => (await page.locator("#gaps-table tbody tr").evaluateAll((rs) => rs.slice(0, 10).map((r) => r.textContent))).join("|");
      await expect.poll(() => page.locator("#gaps-summary").textContent()).toMatch(/^All needs, 218 areas/);
      const beforeFills = await fills();
      const beforeRows = await firstRows();
      await page.screenshot({ path: join(shots, "gaps-all.png"), fullPage: false });

      await page.getByLabel("Need theme", { exact: true }).selectOption({ label: "Cost of living and debt" });
      await expect.poll(() => page.locator("#gaps-summary").textContent()).toMatch(/^Cost of living and debt, 218 areas/);
      await expect.poll(fills).not.toBe(beforeFills);
      await expect.poll(firstRows).not.toBe(beforeRows);
      expect(await rowCount(page.locator("#gaps-table"))).toBe(218);
      await page.screenshot({ path: join(shots, "gaps-cost-of-living.png"), fullPage: false });

      const { name, text } = await download(page, "#gaps-download");
      expect(name).toBe("gaps-cost_of_living-msoa.csv");
      const csv = parseCsv(text);
      expect(csv[0].slice(0, 3)).toEqual(["Priority rank (1 = highest)", "Area", "Code"]);
      expect(csv.length - 1).toBe(218);
      const shownCodes = await (await showAll(page.locator("#gaps-table"))).evaluateAll((rs) => rs.map((r) => r.children[2].textContent));
      expect(shownCodes).toHaveLength(218);
      expect(csv.slice(1).map((r) => r[2])).toEqual(shownCodes);
      expect(csv.slice(1).every((r) => r[r.length - 1] === "cost_of_living")).toBe(true);

      await page.getByLabel("Areas", { exact: true }).selectOption({ label: "Borough" });
      await expect.poll(() => shapes.count()).toBe(8);
      await expect.poll(() => page.locator("#gaps-table tbody tr").count()).toBe(8);
      await page.screenshot({ path: join(shots, "gaps-borough.png"), fullPage: true });

      // PCN footprints (the LSOAs nearest each PCN's practices, merged): one shape per PCN in the table.
      await page.getByLabel("Areas", { exact: true }).selectOption({ label: "Primary care network" });
      await expect.poll(() => page.locator("#gaps-summary").textContent()).toMatch(/areas \(Primary care network\)/);
      const pcns = await rowCount(page.locator("#gaps-table"));
      expect(pcns).toBeGreaterThan(20);
      await expect.poll(() => shapes.count()).toBe(pcns);
      await page.screenshot({ path: join(shots, "gaps-pcn.png"), fullPage: false });

      // The demo's synthetic INT footprints (chest demo → chest ingest neighbourhoods): drawn, ranked, labelled synthetic.
      await page.getByLabel("Areas", { exact: true }).selectOption({ label: "Custom neighbourhood" });
      await expect.poll(() => page.locator("#gaps-summary").textContent()).toMatch(/^Cost of living and debt, 40 areas \(Custom neighbourhood\)/);
      await expect.poll(() => shapes.count()).toBe(40);
      const names = await page.locator("#gaps-table tbody tr").evaluateAll((rs) => rs.map((r) => r.children[1].textContent ?? ""));
      expect(names).toHaveLength(40);
      expect(names.every((n) => / INT \d\d \(synthetic\)$/.test(n))).toBe(true);
      const custom = await download(page, "#gaps-download");
      expect(custom.name).toBe("gaps-cost_of_living-neighbourhood.csv");
      expect(parseCsv(custom.text).slice(1).map((r) => r[1])).toEqual(names);
      await page.screenshot({ path: join(shots, "gaps-custom-neighbourhoods.png"), fullPage: false });
      expect(session.consoleErrors).toEqual([]);
    } finally {
      await session.close();
    }
  });
});

describe("Neighbourhood profile page", () => {
  it("finds an MSOA by its House of Commons Library name and opens its profile; the CSV holds its figures", async () => {
    const session = await openPage(url + "neighbourhood", { browser, viewport: { width: 1280, height: 1100 } });
    const { page } = session;
    try {
      await waitForRender(page);
      const box = page.getByLabel("Find an area by name or code", { exact: true });
      await box.focus();
      await page.keyboard.type("Old Dagenham");
      await expect.poll(() => page.locator("#profile-name").textContent()).toBe("Old Dagenham Park & Village");
      await expect.poll(() => page.locator("#profile-summary").textContent()).toMatch(/^MSOA E02000015: [\d,]+ residents .* ranks \d+ of 218 MSOAs on priority/);
      expect(await page.locator("#profile-themes tbody tr").count()).toBe(16);
      await page.screenshot({ path: join(shots, "neighbourhood-profile.png"), fullPage: true });

      const { name, text } = await download(page, "#profile-download");
      expect(name).toBe("profile-E02000015.csv");
      const csv = parseCsv(text);
      expect(csv[0]).toEqual(["layer", "code", "name", "section", "theme", "measure", "value"]);
      const rankAll = csv.find((r) => r[3] === "priority" && r[4] === "all" && r[5] === "priority_rank")![6];
      const shownRank = await page.locator("#profile-themes tbody tr").first().locator("td").nth(3).textContent();
      expect(rankAll).toBe(shownRank);
      expect(session.consoleErrors).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it("searches custom neighbourhoods alone when that kind of area is chosen", async () => {
    const session = await openPage(url + "neighbourhood", { browser, viewport: { width: 1280, height: 1100 } });
    const { page } = session;
    try {
      await waitForRender(page);
      await page.getByLabel("Kind of area", { exact: true }).selectOption({ label: "Custom neighbourhood" });
      const box = page.getByLabel("Find an area by name or code", { exact: true });
      // The search box is drawn again for the new kind of area: type into the new one, not the one it replaces.
      await expect.poll(() => box.getAttribute("placeholder")).not.toBe("e.g. Stratford or E02000015");
      await box.focus();
      await page.keyboard.type("Newham INT 02");
      await expect.poll(() => page.locator("#profile-name").textContent()).toBe("Newham INT 02 (synthetic)");
      await expect.poll(() => page.locator("#profile-summary").textContent()).toMatch(/^Custom neighbourhood DEMO-INT-E09000025-02: [\d,]+ residents \(Census 2021\) in \d+ LSOAs\. .*ranks \d+ of 40 custom neighbourhoods/);
      await page.screenshot({ path: join(shots, "neighbourhood-custom.png"), fullPage: false });
      expect(session.consoleErrors).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it("opens a profile from a code in the address", async () => {
    const session = await openPage(url + "neighbourhood#E09000025", { browser, viewport: { width: 1280, height: 900 } });
    try {
      await waitForRender(session.page);
      await expect.poll(() => session.page.locator("#profile-name").textContent()).toBe("Newham");
    } finally {
      await session.close();
    }
  });
});

describe("Need map", () => {
  it("offers the custom neighbourhoods as a layer, with their population-weighted summaries", async () => {
    const session = await openPage(url + "need-map", { browser, viewport: { width: 1280, height: 1000 } });
    const { page } = session;
    try {
      await waitForRender(page);
      await page.getByLabel("Custom neighbourhood (the partnership's own)", { exact: true }).check();
      await expect.poll(() => page.locator('svg g[aria-description="areas"] path').count(), { timeout: 30_000 }).toBe(40);
      await expect.poll(() => page.locator("table.data-table tbody tr").count()).toBe(40);
      await expect.poll(() => page.locator("#map-summary").textContent()).toMatch(/the most deprived custom neighbourhoods are .*\(synthetic\)/);
      await page.screenshot({ path: join(shots, "need-map-custom-neighbourhoods.png"), fullPage: false });
      expect(session.consoleErrors).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
