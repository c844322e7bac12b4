// The Awarding page in Chromium on the demo site: picking applications by keyboard moves the totals and the equity preview, a suggested set stays within the pot and the agreed split, the exported draft ledger loads with `chest ingest grants`, and the awards then show on the Grants and Equity pages.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, tempDir } from "../support/pipeline.ts";
import { launchBrowser, openPage } from "../support/browser.ts";
import { repointSite } from "../support/place-site.ts";
import { axeViolations, waitForRender } from "../support/site.ts";
import { startStaticServer, type StaticServer } from "../support/static-server.ts";
import { demoSite } from "../support/demo-site.ts";
import { pagerOf, rowCount, showAll } from "./paged-table.ts";
import { openDb } from "../../pipelines/db/connection.ts";
import { parseCsv } from "../../pipelines/kit/delimited.ts";

const shots = join(repoRoot, "test", "output");
// The suite's site and database (global setup); with CHEST_SKIP_SITE=1, whatever dist/ and data/chest.duckdb hold.
const demo = await demoSite();
let site = demo.url;
const dbPath = demo.dbPath ?? join(repoRoot, "data", "chest.duckdb");
let browser: Browser;
let own: StaticServer | undefined;

beforeAll(async () => {
  if (!site) {
    own = await startStaticServer(join(repoRoot, "dist"));
    site = own.url;
  }
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await own?.close();
});

const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? "").replace(/\s+/g, " ").trim();
const pounds = (s: string) => Number(s.replace(/[£,]/g, "").replace("−", "-"));

describe("awarding page", () => {
  it("picks awards, suggests a set within the split, exports a ledger that ingests and shows on the Grants and Equity pages", { timeout: 900_000 }, async () => {
    const session = await openPage(site + "awarding", { browser, viewport: { width: 1400, height: 1000 } });
    const { page } = session;
    const out = tempDir("chest-awarding-");
    try {
      await waitForRender(page);
      await expect.poll(() => rowCount(page.locator("#aw-applications")), { timeout: 60_000 }).toBeGreaterThan(200);
      expect(await text(page, "#synthetic-banner")).toMatch(/SYNTHETIC DEMO DATA/);
      expect(await text(page, "#aw-totals-summary")).toBe("Nothing is chosen yet.");
      expect(await page.locator("main").textContent()).toMatch(/is awarded against the decision record “[^”]+” of 15 Sep 2026 \(/);

      // Tick the two top-scored applications with the keyboard: the total is their requests, the preview follows.
      const rows = page.locator("#aw-applications tbody tr");
      const amountOf = async (i: number) => pounds((await rows.nth(i).locator("td").nth(2).textContent()) ?? "");
      const [a0, a1] = [await amountOf(0), await amountOf(1)];
      for (const i of [0, 1]) {
        await rows.nth(i).locator("input[type=checkbox]").focus();
        await page.keyboard.press("Space");
      }
      await expect.poll(async () => pounds(await text(page, "#aw-chosen-total"))).toBe(a0 + a1);
      expect(await text(page, "#aw-totals-summary")).toMatch(/^The chosen 2 applications come to £[\d,]+ of the £250,000 pot, leaving £[\d,]+\./);
      expect(await text(page, "#aw-equity-summary")).toMatch(/^\d+(\.\d)?% of the chosen money would reach Core20 neighbourhoods/);
      const equityTwo = await text(page, "#aw-equity");

      // Suggest a set: within the pot and every line of the agreed split; the rule is shown.
      await page.locator("#aw-suggest").click();
      await expect.poll(() => text(page, "#aw-suggest-note")).toMatch(/^Suggested \d+ applications for £[\d,]+, leaving £[\d,]+ of the pot/);
      const note = await text(page, "#aw-suggest-note");
      expect(note).toContain("Applications in order of score, highest first");
      const suggested = Number(/Suggested (\d+)/.exec(note)![1]);
      const suggestedTotal = pounds(/for (£[\d,]+)/.exec(note)![1]);
      expect(suggestedTotal).toBeLessThanOrEqual(250_000);
      expect(suggestedTotal).toBeGreaterThan(200_000);
      await expect.poll(async () => pounds(await text(page, "#aw-chosen-total"))).toBe(suggestedTotal);
      // The suggestion ticks boxes on every page of the list (50 a page): all of them, once every row is shown.
      await showAll(page.locator("#aw-applications"));
      expect(await page.locator("#aw-applications input[type=checkbox]:checked").count()).toBe(suggested);
      await pagerOf(page.locator("#aw-applications")).getByRole("button", { name: /^Show 50 rows a page/ }).click();
      await expect.poll(() => page.locator("#aw-applications tbody tr").count()).toBe(50);
      expect(await page.locator("#aw-lines .aw-over").count()).toBe(0);
      expect(await text(page, "#aw-totals-summary")).toContain("Every area and theme is within its agreed allocation.");
      expect(await text(page, "#aw-equity")).not.toBe(equityTwo);
      expect(await text(page, "#aw-participatory")).toMatch(/Greedy approval funds \d+ applications .* Equal Shares funds \d+/);
      await page.screenshot({ path: join(shots, "awarding.png"), fullPage: false });
      await page.locator("#aw-lines").scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, "awarding-totals.png"), fullPage: false });
      expect(await axeViolations(page)).toEqual([]);

      // Export the draft ledger.
      await page.locator("#aw-award-date").fill("2026-11-20");
      const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#aw-export").click()]);
      const ledger = join(out, download.suggestedFilename());
      await download.saveAs(ledger);
      expect(download.suggestedFilename()).toBe("north-east-london-community-chest-round-3-demo-draft-ledger.csv");
      const [head, ...body] = parseCsv(readFileSync(ledger, "utf8").replace(/^\uFEFF/, ""));
      expect(head.fields.slice(0, 5)).toEqual(["Identifier", "Title", "Description", "Currency", "Amount Awarded"]);
      expect(body).toHaveLength(suggested);
      const sum = body.reduce((a, r) => a + Math.round(Number(r.fields[4]) * 100), 0);
      expect(sum).toBe(suggestedTotal * 100);
      expect(session.consoleErrors).toEqual([]);

      // Ingest it into a copy of the test database (with the demo's stored inputs, so the demo grants stay).
      const db = join(out, "copy.duckdb");
      cpSync(dbPath, db);
      cpSync(join(dirname(dbPath), "inputs"), join(out, "inputs"), { recursive: true });
      const run = spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "pipelines/cli/main.ts"), "ingest", "grants", ledger, "--db", db, "--inputs", join(out, "inputs"), "--raw", join(dirname(dbPath), "raw")], {
        cwd: repoRoot,
        encoding: "utf8",
        env: { ...process.env, TZ: "Europe/London" },
      });
      expect(run.status, run.stderr).toBe(0);
      const conn = await openDb(db, { readOnly: true });
      try {
        expect(await conn.all(`SELECT count(*)::INTEGER AS n, (sum(amount_pence) / 100)::INTEGER AS pounds FROM grants WHERE programme_title = 'Community Chest round 3 (demo)'`)).toEqual([{ n: suggested, pounds: suggestedTotal }]);
        expect((await conn.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM grants WHERE round_id = 'demo-r1'`))[0].n).toBeGreaterThan(0);
      } finally {
        conn.close();
      }

      // The Grants and Equity pages, their data regenerated from that database.
      const dist = join(out, "dist");
      await repointSite(join(repoRoot, "dist"), dist, db, join(out, "network.log"), /^(grants-|equity|awarding-meta)/);
      const server = await startStaticServer(dist);
      try {
        const grants = await openPage(server.url + "grants", { browser, viewport: { width: 1400, height: 1000 } });
        try {
          await waitForRender(grants.page);
          const firstTitle = body[0].fields[1];
          await expect.poll(() => grants.page.locator("body").textContent(), { timeout: 60_000 }).toContain(firstTitle);
          expect(grants.consoleErrors).toEqual([]);
        } finally {
          await grants.close();
        }
        const equity = await openPage(server.url + "equity", { browser, viewport: { width: 1400, height: 1000 } });
        try {
          await waitForRender(equity.page);
          const section = equity.page.locator("#awarded-community-chest-round-3-demo-");
          await expect.poll(() => section.count(), { timeout: 60_000 }).toBe(1);
          const words = ((await section.textContent()) ?? "").replace(/\s+/g, " ");
          expect(words).toContain(`Awarded: £${suggestedTotal.toLocaleString("en-GB")}`);
          expect(words).toMatch(/percentage points/);
          // The awards carry their themes (Classifications) and serve the record's areas: none falls outside the agreed split.
          expect(words).not.toContain("Outside the agreed split");
          expect(words).toMatch(/Loneliness and isolation\s*theme\s*£[\d,]+\s*£[1-9]/);
          await section.scrollIntoViewIfNeeded();
          await equity.page.screenshot({ path: join(shots, "equity-awarded-agreed.png"), fullPage: false });
          expect(await axeViolations(equity.page)).toEqual([]);
          expect(equity.consoleErrors).toEqual([]);
        } finally {
          await equity.close();
        }
      } finally {
        await server.close();
      }
    } finally {
      await session.close();
      if (existsSync(out)) rmSync(out, { recursive: true, force: true });
    }
  });
});
