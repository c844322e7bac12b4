// The check every page of the dashboard passes in Chromium (used by dashboard.test.ts and dashboard-renders.test.ts, each for
// half the pages): it renders with no console errors, no external or failed requests, a heading, and no axe-core finding.
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openPage } from "../support/browser.ts";
import type { NavPage } from "../support/page-weight.ts";
import { repoRoot } from "../support/pipeline.ts";
import { axeViolations, waitForRender } from "../support/site.ts";

const shots = join(repoRoot, "test", "output");

/** One test per page; `site` is read when the tests run (after the file's beforeAll has launched the browser). */
export function describePageRenders(site: () => { url: string; browser: Browser }, pages: readonly NavPage[]): void {
  describe.each(pages.map((p) => [p.name, p.path]))("page %s", (_name, path) => {
    it("renders with no console errors, no external or failed requests, and no accessibility finding of any impact (axe: WCAG 2.2 AA and best practice)", async () => {
      const { url, browser } = site();
      const session = await openPage(url + path.slice(1), { browser, viewport: { width: 1280, height: 900 } });
      try {
        await waitForRender(session.page);
        await session.page.screenshot({ path: join(shots, `page-${path === "/" ? "overview" : path.slice(1)}.png`) });
        expect(session.consoleErrors).toEqual([]);
        expect(session.externalRequests).toEqual([]);
        expect(session.failedRequests).toEqual([]);
        expect(await axeViolations(session.page)).toEqual([]);
        expect(await session.page.locator("h1").first().textContent()).toBeTruthy();
      } finally {
        await session.close();
      }
    });
  });
}
