// The checks every page of the dashboard passes in Chromium (used by dashboard.test.ts and dashboard-renders.test.ts, each for
// half the pages): it renders with no console errors, no external or failed requests, a heading, and no axe-core finding;
// and it is light, as served by `chest serve`: what it transfers on that first visit and on a repeat visit in the same
// browser profile (its HTTP cache kept), with no library it does not use. One page load serves both checks.
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openPage } from "../support/browser.ts";
import { countTransfers, kb, visit, type NavPage, type VisitFigures } from "../support/page-weight.ts";
import { repoRoot } from "../support/pipeline.ts";
import { axeViolations, waitForRender } from "../support/site.ts";

const shots = join(repoRoot, "test", "output");

/** Generous ceilings (the targets are 1 MB and 100 KB; `npm run bench -- pages` reports the figures). */
const FIRST_VISIT_CEILING = 2 * 1024 * 1024;
const REPEAT_VISIT_CEILING = 200 * 1024;
/** Runtimes no page needs: Parquet is not published (Arrow IPC is), and no page queries in the browser. */
const UNUSED_LIBRARIES = /parquet-wasm|duckdb|sql\.js|\.wasm(?:$|\?)/;

type Transfers = Omit<VisitFigures, "firstFigureMs" | "heapBytes">;

/** Two tests per page; `site` is read when the tests run (after the file's beforeAll has launched the browser). */
export function describePageRenders(site: () => { url: string; browser: Browser }, pages: readonly NavPage[]): void {
  describe.each(pages.map((p) => [p.name, p.path]))("page %s", (_name, path) => {
    let weight: { first: Transfers; repeat: VisitFigures } | undefined;

    it("renders with no console errors, no external or failed requests, and no accessibility finding of any impact (axe: WCAG 2.2 AA and best practice)", async () => {
      const { url, browser } = site();
      let transfers: Awaited<ReturnType<typeof countTransfers>> | undefined;
      const session = await openPage(url + path.slice(1), {
        browser,
        viewport: { width: 1280, height: 900 },
        beforeGoto: async (page) => {
          transfers = await countTransfers(page);
        },
      });
      try {
        await waitForRender(session.page);
        const first = transfers!.done();
        await transfers!.cdp.detach();
        await session.page.screenshot({ path: join(shots, `page-${path === "/" ? "overview" : path.slice(1)}.png`) });
        expect(session.consoleErrors).toEqual([]);
        expect(session.externalRequests).toEqual([]);
        expect(session.failedRequests).toEqual([]);
        expect(await axeViolations(session.page)).toEqual([]);
        expect(await session.page.locator("h1").first().textContent()).toBeTruthy();
        // The same page again in the same profile: what the HTTP cache does not save.
        weight = { first, repeat: await visit(session.context, url + path.slice(1)) };
      } finally {
        await session.close();
      }
    });

    it(`transfers under ${kb(FIRST_VISIT_CEILING)} on a first visit and under ${kb(REPEAT_VISIT_CEILING)} on a repeat visit, loading no wasm runtime`, () => {
      expect(weight, "the page's first and repeat visits are measured by the render test above").toBeDefined();
      const { first, repeat } = weight!;
      expect(first.external).toEqual([]);
      expect(first.urls.filter((u) => UNUSED_LIBRARIES.test(new URL(u).pathname))).toEqual([]);
      expect(first.bytes, `first visit: ${first.largest.join(", ")}`).toBeLessThan(FIRST_VISIT_CEILING);
      expect(first.bytes).toBeGreaterThan(1024);
      expect(repeat.bytes, `repeat visit: ${repeat.largest.join(", ")}`).toBeLessThan(REPEAT_VISIT_CEILING);
      expect(repeat.external).toEqual([]);
    });
  });
}
