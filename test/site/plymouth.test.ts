// Plymouth in the browser: the dashboard's pages on a second, non-London place (unitary authority, 164 LSOAs) with its synthetic demo inputs; every page renders, is accessible, and draws its maps.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import config from "../../observablehq.config.ts";
import { runDemo } from "../../pipelines/demo/run.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { launchBrowser, openPage } from "../support/browser.ts";
import { buildFromMirror, repoRoot } from "../support/pipeline.ts";
import { repointSite, type RepointedSite } from "../support/place-site.ts";
import { axeViolations, waitForRender } from "../support/site.ts";
import { startStaticServer, type StaticServer } from "../support/static-server.ts";
import { demoSite } from "../support/demo-site.ts";

const shots = join(repoRoot, "test", "output");
let browser: Browser;
let server: StaticServer;
let site: RepointedSite;

beforeAll(async () => {
  // Plymouth's database first: it does not need the suite's demo site, which global setup builds meanwhile.
  const built = await buildFromMirror(join(repoRoot, "data/places/plymouth.json"));
  await runDemo({
    place: built.place,
    dbPath: built.dbPath,
    inputsDir: join(built.dir, "inputs"),
    demoDir: join(built.dir, "demo"),
    reportsDir: join(built.dir, "rejects"),
    rawDir: built.rawDir,
    seed: 20251,
    log: silentLogger,
  });
  // The suite's site (with CHEST_SKIP_SITE=1 whatever dist/ holds): its pages are reused, its data replaced.
  const demo = await demoSite();
  if (!demo.url && !existsSync(join(repoRoot, "dist", "index.html"))) throw new Error("no built site in dist/ to re-point at Plymouth");
  site = await repointSite(join(repoRoot, "dist"), join(built.dir, "dist"), built.dbPath, join(built.dir, "network.log"));
  server = await startStaticServer(join(built.dir, "dist"));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it("regenerates every data file from the Plymouth database, offline", () => {
  expect(site.rewritten).toEqual(expect.arrayContaining([expect.stringMatching(/^boundaries-lsoa\.[0-9a-f]{8}\.json$/), expect.stringMatching(/^overview\.[0-9a-f]{8}\.json$/)]));
  expect(site.network).toEqual([]);
});

/** Shapes drawn in the page's maps (Plot SVGs labelled "Map of …"). */
const mapShapes = (page: import("playwright-core").Page) => page.locator('svg[aria-label^="Map of"] path').count();

/** Pages checked for the place's own word for its local authorities (Gaps, Neighbourhood, Workshop and Outcomes still say "borough" in places). */
const followsTerm = new Set(["/", "/need-map", "/referrals", "/provision", "/grants", "/equity", "/data"]);

/** Pages with a map of the LSOAs: at least one shape per LSOA (164). */
const lsoaMaps = new Set(["/need-map", "/provision", "/grants"]);

describe.each(config.pages.map((p) => [p.name, p.path]))("Plymouth page %s", (_name, path) => {
  it("renders with no console errors, no external or failed requests, no serious accessibility findings, and draws its map", async () => {
    const session = await openPage(server.url + path.slice(1), { browser, viewport: { width: 1280, height: 900 } });
    try {
      await waitForRender(session.page);
      await session.page.screenshot({ path: join(shots, `plymouth-${path === "/" ? "overview" : path.slice(1)}.png`), fullPage: true });
      expect(session.consoleErrors).toEqual([]);
      expect(session.externalRequests).toEqual([]);
      expect(session.failedRequests).toEqual([]);
      expect(await axeViolations(session.page)).toEqual([]);
      if (lsoaMaps.has(path)) expect(await mapShapes(session.page)).toBeGreaterThanOrEqual(164);
      const text = (await session.page.textContent("main")) ?? "";
      // The place is named on the pages that follow the place (the Neighbourhood profile names areas, not the place).
      if (followsTerm.has(path) || path === "/gaps" || path === "/outcomes") expect(text).toContain("Plymouth");
      // Plymouth is a unitary authority: these pages never call it a borough (the words follow overview.json's term);
      // only the Data page's notes on London's own boundary files may say "borough".
      if (followsTerm.has(path)) expect((text.match(/[^.]*\bboroughs?\b[^.]*/gi) ?? []).filter((s) => !s.includes("London"))).toEqual([]);
    } finally {
      await session.close();
    }
  });
});

describe("Plymouth need map", () => {
  it("draws 164 LSOAs, 33 MSOAs, 20 wards and the unitary authority, named by the place's word", async () => {
    const session = await openPage(server.url + "need-map", { browser, viewport: { width: 1280, height: 1000 } });
    const { page } = session;
    try {
      await waitForRender(page);
      const shapes = () => page.locator('svg g[aria-description="areas"] path').count();
      expect(await shapes()).toBe(164);
      await expect.poll(() => page.locator("#map-summary").textContent()).toMatch(/of 164 neighbourhoods .* most deprived 10% in England/);
      await page.getByLabel("MSOA (named neighbourhood, about 8,000 residents)").check();
      await expect.poll(shapes).toBe(33);
      await page.getByLabel("Electoral ward", { exact: true }).check();
      await expect.poll(shapes).toBe(20);
      await page.getByLabel("Unitary authority", { exact: true }).check();
      await expect.poll(shapes).toBe(1);
      await expect.poll(() => page.locator("table.data-table tbody tr").count()).toBe(1);
      expect(session.consoleErrors).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
