// Browser test of the Provision page before any service directory is loaded, built alone (one page) from the base database: it says how to load one, with no errors and no accessibility findings. The page with the demo directory is tested on the suite's demo site (test/site/provision.test.ts).
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import siteConfig from "../../observablehq.config.ts";
import { openDb } from "../../pipelines/db/connection.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { boundaries, overview } from "../../pipelines/publish/deprivation.ts";
import { provisionByLsoa, provisionServices, provisionSummary } from "../../pipelines/publish/services.ts";
import { buildSite } from "../../pipelines/site/build.ts";
import { launchBrowser, openPage } from "../support/browser.ts";
import { buildFromMirror, repoRoot } from "../support/pipeline.ts";
import { axeViolations } from "../support/site.ts";
import { startStaticServer } from "../support/static-server.ts";

// The page, its lib/ and components/, and the data files the loaders would write, in a root of their own: the rest of the site is not built.
const siteDir = join(repoRoot, "test", "output", "provision-site");
const root = "test/output/provision-site/src";
const outDir = join(siteDir, "dist");

let browser: Browser;

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
