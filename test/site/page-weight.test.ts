// Every page in the nav, opened in Chromium from the shared demo site as served by `chest serve`: light on a first visit, nearly nothing on a repeat visit, and no library it does not use.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser.ts";
import { kb, measurePage, navPages } from "../support/page-weight.ts";
import { demoSite } from "../support/demo-site.ts";

/** Generous ceilings (the targets are 1 MB and 100 KB; `npm run bench -- pages` reports the figures). */
const FIRST_VISIT_CEILING = 2 * 1024 * 1024;
const REPEAT_VISIT_CEILING = 200 * 1024;
/** Runtimes no page needs: Parquet is not published (Arrow IPC is), and no page queries in the browser. */
const UNUSED_LIBRARIES = /parquet-wasm|duckdb|sql\.js|\.wasm(?:$|\?)/;

const siteUrl = (await demoSite()).url;
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(navPages().map((p) => [p.name, p] as const))("page %s", (_name, page) => {
  it(`transfers under ${kb(FIRST_VISIT_CEILING)} on a first visit and under ${kb(REPEAT_VISIT_CEILING)} on a repeat visit, loading no wasm runtime`, async () => {
    const { first, repeat } = await measurePage(browser, siteUrl, page);
    expect(first.external).toEqual([]);
    expect(first.urls.filter((url) => UNUSED_LIBRARIES.test(new URL(url).pathname))).toEqual([]);
    expect(first.bytes, `first visit: ${first.largest.join(", ")}`).toBeLessThan(FIRST_VISIT_CEILING);
    expect(first.bytes).toBeGreaterThan(1024);
    expect(repeat.bytes, `repeat visit: ${repeat.largest.join(", ")}`).toBeLessThan(REPEAT_VISIT_CEILING);
  });
});
