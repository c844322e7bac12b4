// The Workshop page in Chromium on the demo site: partners' weights move the group weights, the table, the equity preview and the URL; the URL reopens the same scenario; the exported record loads with `chest ingest decisions`.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, tempDir } from "../support/pipeline.ts";
import { launchBrowser, openPage } from "../support/browser.ts";
import { axeViolations, waitForRender } from "../support/site.ts";
import { demoSite } from "../support/demo-site.ts";
import { openDb } from "../../pipelines/db/connection.ts";

const shots = join(repoRoot, "test", "output");
const demo = await demoSite();
const url = demo.url + "workshop";
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
});

const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? "").replace(/\s+/g, " ").trim();
/** A row of the group weights table, by its first cell. */
const groupRow = async (page: Page, label: string) =>
  (await page.locator("#ws-group tr").filter({ has: page.getByRole("rowheader", { name: label, exact: true }) }).locator("th, td").allTextContents()).join(" ");
const ready = async (page: Page) => {
  await waitForRender(page);
  await expect.poll(() => page.locator("#ws-summary").count(), { timeout: 30_000 }).toBe(1);
};

/** Pick a partner and push one of their sliders (by its label) to the top with the keyboard. */
async function raise(page: Page, partner: number, label: string) {
  await page.locator('input[name="ws-partner"]').nth(partner).check();
  const input = page.locator("#ws-weights").getByLabel(label, { exact: true });
  await input.focus();
  await page.keyboard.press("End");
  await expect.poll(() => input.inputValue()).toBe("100");
}

describe("workshop page", () => {
  // Generous timeout: on a loaded machine the export, the reload and the `chest ingest` child process take minutes.
  it("moves partners' weights, follows them everywhere, reopens from the URL, exports the record and ingests it", { timeout: 600_000 }, async () => {
    const session = await openPage(url, { browser, viewport: { width: 1400, height: 1000 } });
    const { page } = session;
    try {
      await ready(page);
      expect(await text(page, "p.synthetic")).toMatch(/SYNTHETIC DEMO DATA/);
      const summaryBefore = await text(page, "#ws-summary");
      expect(summaryBefore).toMatch(/^Scenario A: £250,000 over 218 MSOAs, 30% per head and the rest by need, with the group's median weights of 3 partners\. Core20 neighbourhoods .* would get \d+% of the pot; they are home to 27% of residents\. In Community Chest round 2 \(demo\), 40% of actual spend reached them\./);
      // The need stage's themes and components, as on the Gaps page: all needs in play, every component at 50 (= as configured).
      expect(await groupRow(page, "Theme: All needs")).toMatch(/^Theme: All needs 100\.0 100 100 100 /);
      expect(await groupRow(page, "Theme: Loneliness and isolation")).toBe(""); // themes no partner weighs are not listed
      expect(await groupRow(page, "Unmet referrals per 1,000")).toMatch(/^Unmet referrals per 1,000 50\.0 50 50 50 /);
      expect(await page.locator("#ws-map").getAttribute("data-areas")).toBe("218"); // MSOA outlines, not LSOAs
      const tableBefore = await text(page, "#ws-allocation");
      const equityBefore = await text(page, "#ws-equity");
      expect(new URL(page.url()).hash).toBe("");

      // Two of three partners push unmet referrals to 100: the group's median follows, and everything else with it.
      await raise(page, 1, "Unmet referrals per 1,000");
      await raise(page, 2, "Unmet referrals per 1,000");
      await expect.poll(() => groupRow(page, "Unmet referrals per 1,000")).toMatch(/^Unmet referrals per 1,000 100\.0 50 100 100 /);
      await expect.poll(() => text(page, "#ws-allocation")).not.toBe(tableBefore);
      await expect.poll(() => text(page, "#ws-equity")).not.toBe(equityBefore);
      expect(await text(page, "#ws-disagree")).toMatch(/^Partners disagree most on Unmet referrals per 1,000: from \d+% of their weight \(Partner 1\) to \d+% \(Partner 2, Partner 3\)\.$/);
      // The partners' swing follows once the weights are still.
      await expect.poll(() => page.locator("#ws-swing table").count(), { timeout: 30_000 }).toBe(1);
      // The previous swing table stays (marked updating) while the new one is worked out, so wait for the status too.
      await expect.poll(() => text(page, "#ws-swing-status"), { timeout: 30_000 }).toMatch(/^Each partner's own split worked out in [\d.]+ ms\.$/);
      const hash = new URL(page.url()).hash;
      expect(hash).toMatch(/^#w2\.[A-Za-z0-9_-]+$/);

      // Loneliness comes into play for two partners, and the pot is split by theme.
      await raise(page, 1, "Theme: Loneliness and isolation");
      await raise(page, 2, "Theme: Loneliness and isolation");
      await expect.poll(() => groupRow(page, "Theme: Loneliness and isolation")).toMatch(/^Theme: Loneliness and isolation 100\.0 0 100 100 /);
      await page.locator("#ws-split").check();

      // Boroughs: the map draws the borough outlines themselves.
      await page.getByLabel("Share between", { exact: true }).selectOption("lad");
      await expect.poll(() => page.locator("#ws-map").getAttribute("data-layer")).toBe("lad");
      expect(await page.locator("#ws-map").getAttribute("data-areas")).toBe("8");
      expect(await text(page, "#ws-summary")).toMatch(/over 8 boroughs/);
      // The demo's 40 custom neighbourhoods (INT footprints): the build's own merged outlines, one shape each.
      await page.getByLabel("Share between", { exact: true }).selectOption("neighbourhood");
      await expect.poll(() => page.locator("#ws-map").getAttribute("data-layer")).toBe("neighbourhood");
      expect(await page.locator("#ws-map").getAttribute("data-areas")).toBe("40");
      expect(await text(page, "#ws-summary")).toMatch(/over 40 custom neighbourhoods/);
      await page.getByLabel("Share between", { exact: true }).selectOption("msoa");
      await expect.poll(() => page.locator("#ws-map").getAttribute("data-areas")).toBe("218");

      // A rationale and a floor go into the URL too.
      await page.locator("#ws-rationale").fill("Unmet referrals weighted up; loneliness gets its own share this round.");
      await page.locator("#ws-gap").check();
      await expect.poll(() => text(page, "#ws-summary")).not.toBe(summaryBefore);
      const agreed = {
        summary: (await text(page, "#ws-summary")).replace(/Recomputed in .*$/, ""),
        table: await text(page, "#ws-allocation"),
        equity: await text(page, "#ws-equity"),
        url: page.url(),
      };
      await page.screenshot({ path: join(shots, "workshop-full.png"), fullPage: true });
      expect(session.consoleErrors).toEqual([]);
      expect(session.externalRequests).toEqual([]);
      expect(session.failedRequests).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);

      // Export the record (JSON and CSV).
      const out = tempDir("chest-workshop-");
      const [jsonDownload] = await Promise.all([page.waitForEvent("download"), page.locator("#ws-export-json").click()]);
      const recordPath = join(out, jsonDownload.suggestedFilename());
      await jsonDownload.saveAs(recordPath);
      expect(jsonDownload.suggestedFilename()).toMatch(/^north-east-london-decision-\d{4}-\d{2}-\d{2}\.json$/);
      const record = JSON.parse(readFileSync(recordPath, "utf8"));
      expect(record.kind).toBe("chest-atlas/decision-record");
      expect(record.rationale).toBe("Unmet referrals weighted up; loneliness gets its own share this round.");
      expect(record.weights.partners.map((p: { label: string }) => p.label)).toEqual(["Partner 1", "Partner 2", "Partner 3"]);
      expect(record.allocation).toHaveLength(218);
      expect(record.allocation.reduce((s: number, a: { amount: number }) => s + a.amount, 0)).toBe(250_000);
      expect(record.scenario.pace_of_change).toBe(0.5);
      expect(record.equity.last_round.round).toBe("Community Chest round 2 (demo)");
      expect(record.version).toBe(2);
      expect(record.scenario.theme_split).toBe(true);
      expect(Object.keys(record.allocation[0].themes).sort()).toEqual(["all", "loneliness"]);
      const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.locator("#ws-export-csv").click()]);
      const csv = readFileSync(await csvDownload.path(), "utf8").split("\r\n");
      expect(csv[1]).toMatch(/^area_code,area_name,population,need_score,need_rank,amount,share/);
      expect(csv.filter((l) => /^E02/.test(l))).toHaveLength(218);

      // Room mode: large type, high contrast.
      await page.locator("#ws-room").check();
      expect(await page.evaluate(() => document.body.classList.contains("ws-room"))).toBe(true);
      expect(await page.evaluate(() => getComputedStyle(document.body).fontSize)).toBe("22px");
      await page.screenshot({ path: join(shots, "workshop-room.png"), fullPage: false });
      expect(await axeViolations(page)).toEqual([]);
      await page.emulateMedia({ media: "print" });
      await page.screenshot({ path: join(shots, "workshop-print.png"), fullPage: true });
      await page.emulateMedia({ media: "screen" });

      // Reopen the URL in a fresh page: the same scenario comes back.
      const again = await openPage(agreed.url, { browser, viewport: { width: 1400, height: 1000 } });
      try {
        await ready(again.page);
        expect((await text(again.page, "#ws-summary")).replace(/Recomputed in .*$/, "")).toBe(agreed.summary);
        expect(await text(again.page, "#ws-allocation")).toBe(agreed.table);
        expect(await text(again.page, "#ws-equity")).toBe(agreed.equity);
        expect(await again.page.locator("#ws-rationale").inputValue()).toBe("Unmet referrals weighted up; loneliness gets its own share this round.");
        expect(again.consoleErrors).toEqual([]);
      } finally {
        await again.close();
      }

      // A link made by the earlier page (version 1: the seven IoD domains) is refused in words and a fresh scenario shown.
      const old = await openPage(`${url}#w1.WyJpbmNvbWUiXQ`, { browser, viewport: { width: 1400, height: 1000 } });
      try {
        await ready(old.page);
        expect(await text(old.page, ".ws-error")).toMatch(/^This link was made by an earlier Workshop page \(version 1\), whose weights were the seven IoD domains and six stand-in themes\..* A fresh scenario is shown instead\.$/);
        expect(await groupRow(old.page, "Theme: All needs")).toMatch(/^Theme: All needs 100\.0 /);
      } finally {
        await old.close();
      }

      // Ingest the record into a copy of the test database.
      const db = join(out, "copy.duckdb");
      copyFileSync(demo.dbPath, db);
      const run = spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "pipelines/cli/main.ts"), "ingest", "decisions", recordPath, "--db", db, "--inputs", join(out, "inputs")], {
        cwd: repoRoot,
        encoding: "utf8",
        env: { ...process.env, TZ: "Europe/London" },
      });
      expect(run.stderr).not.toMatch(/error/i);
      expect(run.status).toBe(0);
      const conn = await openDb(db, { readOnly: true });
      try {
        expect(await conn.all(`SELECT pot::INTEGER AS pot, layer, partners, rationale FROM decision`)).toEqual([
          { pot: 250000, layer: "msoa", partners: 3, rationale: "Unmet referrals weighted up; loneliness gets its own share this round." },
        ]);
        expect(await conn.all(`SELECT count(*)::INTEGER AS n, sum(amount)::INTEGER AS total FROM decision_allocation`)).toEqual([{ n: 218, total: 250000 }]);
        expect(await conn.all(`SELECT weight FROM decision_weight WHERE partner = '(group)' AND weight_key = 'unmet_per_1000'`)).toEqual([{ weight: 100 }]);
        expect(await conn.all(`SELECT weight FROM decision_weight WHERE partner = '(group)' AND weight_key = 'theme:loneliness'`)).toEqual([{ weight: 100 }]);
        expect(await conn.all(`SELECT count(*)::INTEGER AS n FROM decision_equity`)).toEqual([{ n: 20 }]);
      } finally {
        conn.close();
      }
    } finally {
      await session.close();
    }
  });
});
