// Browser test of the Provision page, built offline from a demo directory: the map of reach with its activity points, the need filter, the list of areas nothing reaches, the synthetic banner, and no accessibility findings.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import siteConfig from "../../observablehq.config.ts";
import { updateDatabase } from "../../pipelines/build/update.ts";
import { openDb } from "../../pipelines/db/connection.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { boundaries, overview } from "../../pipelines/publish/deprivation.ts";
import { provisionByLsoa, provisionServices, provisionSummary } from "../../pipelines/publish/services.ts";
import { buildSite } from "../../pipelines/site/build.ts";
import { generateDemoServices } from "../../pipelines/services/demo.ts";
import { servicesStage } from "../../pipelines/services/stage.ts";
import { launchBrowser, openPage } from "../support/browser.ts";
import { buildFromMirror, repoRoot, tempDir } from "../support/pipeline.ts";
import { axeViolations, waitForRender } from "../support/site.ts";
import { startStaticServer, type StaticServer } from "../support/static-server.ts";
import { query } from "./helpers.ts";

// The page, its lib/ and components/, and the data files the loaders would write, in a root of their own: the rest of the site is not built.
const siteDir = join(repoRoot, "test", "output", "provision-site");
const root = "test/output/provision-site/src";
const outDir = join(siteDir, "dist");

let server: StaticServer;
let browser: Browser;
let dbPath: string;

async function publishInto(dataDir: string, path: string) {
  const db = await openDb(path, { readOnly: true });
  try {
    writeFileSync(join(dataDir, "provision-lsoa.arrow"), await provisionByLsoa(db));
    writeFileSync(join(dataDir, "provision-services.arrow"), await provisionServices(db));
    writeFileSync(join(dataDir, "provision-summary.json"), await provisionSummary(db));
    writeFileSync(join(dataDir, "boundaries-lsoa.json"), await boundaries(db, "lsoa"));
    writeFileSync(join(dataDir, "boundaries-lad.json"), await boundaries(db, "lad"));
    // The page names local authorities with the place's word (overview.json's term).
    writeFileSync(join(dataDir, "overview.json"), await overview(db));
  } finally {
    db.close();
  }
}

/** Build the page alone from the database at `path`, into test/output/provision-site/dist. */
async function buildProvisionSite(path: string) {
  rmSync(join(siteDir, "dist"), { recursive: true, force: true });
  rmSync(join(siteDir, "src", "data"), { recursive: true, force: true });
  mkdirSync(join(siteDir, "src", "data"), { recursive: true });
  for (const part of ["provision.md", "lib", "components", "style.css"]) cpSync(join(repoRoot, "src", part), join(siteDir, "src", part), { recursive: true });
  await publishInto(join(siteDir, "src", "data"), path);
  const config = join(siteDir, "observablehq.config.js");
  writeFileSync(
    config,
    `// Framework config for the Provision page test: the site's own settings, with one page, built into test/output.\nexport default ${JSON.stringify({
      ...siteConfig,
      root,
      output: "test/output/provision-site/dist",
      pages: [{ name: "Provision", path: "/provision" }],
    })};\n`,
  );
  await buildSite({ root, config, log: silentLogger });
}

let built: Awaited<ReturnType<typeof buildFromMirror>>;
beforeAll(async () => {
  built = await buildFromMirror();
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

describe("the Provision page before any directory is loaded", () => {
  it("says how to load one, with no errors and no accessibility findings", async () => {
    await buildProvisionSite(built.dbPath);
    const empty = await startStaticServer(outDir);
    const session = await openPage(`${empty.url}provision`, { browser });
    try {
      // nothing to draw, so wait for the message rather than a figure or table
      await session.page.waitForSelector("#provision-summary", { timeout: 30_000 });
      await expect.poll(() => session.page.locator("#provision-summary").textContent()).toMatch(/^No service directory has been loaded yet/);
      await session.page.waitForFunction(() => !document.querySelector(".observablehq--loading"), null, { timeout: 30_000 });
      expect(await session.page.locator("select").count()).toBe(0);
      expect(session.consoleErrors).toEqual([]);
      expect(session.failedRequests).toEqual([]);
      expect(await axeViolations(session.page)).toEqual([]);
    } finally {
      await session.close();
      await empty.close();
    }
  }, 300_000);
});

describe("the Provision page with the demo directory", () => {
  beforeAll(async () => {
    dbPath = join(tempDir(), "with-services.duckdb");
    cpSync(built.dbPath, dbPath);
    const db = await openDb(dbPath, { readOnly: true });
    const [file] = await generateDemoServices({ db, place: built.place, outDir: tempDir(), seed: 20251, log: silentLogger });
    db.close();
    await updateDatabase(dbPath, [servicesStage([file], { place: built.place, reportsDir: join(tempDir(), "rejects"), log: silentLogger })], silentLogger);
    await buildProvisionSite(dbPath);
    server = await startStaticServer(outDir);
  }, 600_000);

  afterAll(async () => {
    await server?.close();
  });

  it("draws every neighbourhood, the activity venues and the synthetic banner; the summary and the gap list agree with the database", async () => {
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
      expect(await gapTable.locator("tbody tr").count()).toBe(none);

      expect(session.consoleErrors).toEqual([]);
      expect(session.externalRequests).toEqual([]);
      expect(session.failedRequests).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it("filters by need and counts remote services when asked", async () => {
    const session = await openPage(`${server.url}provision`, { browser, viewport: { width: 1280, height: 1000 } });
    const { page } = session;
    try {
      await waitForRender(page);
      const gapRows = () => page.locator("table.data-table").first().locator("tbody tr").count();
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
