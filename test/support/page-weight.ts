// Measuring a page as a visitor's browser sees it: bytes over the wire on a first and a repeat visit, time to the first map or chart, JS heap.
import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import config from "../../observablehq.config.ts";
import { isLoopbackUrl } from "./browser.ts";

/** One page of the site's nav: its name and path ("/" or "/need-map"). */
export interface NavPage {
  name: string;
  path: string;
}

type NavEntry = { name: string; path?: string; pages?: NavEntry[] };

/** Every page in the Framework config's nav (sections flattened), read from the config so new pages are picked up. */
export function navPages(entries: readonly NavEntry[] = config.pages as NavEntry[]): NavPage[] {
  return entries.flatMap((entry) => (entry.pages ? navPages(entry.pages) : entry.path ? [{ name: entry.name, path: entry.path }] : []));
}

export interface VisitFigures {
  /** Bytes received over the network (headers and bodies, after compression), as Chromium counts them. */
  bytes: number;
  requests: number;
  /** Requests answered from the browser's cache without touching the network. */
  fromCache: number;
  /** Requests the server answered 304 Not Modified (the cached copy still good). */
  revalidated: number;
  /** The largest transfers, "bytes path", biggest first. */
  largest: string[];
  /** Every URL requested. */
  urls: string[];
  /** Milliseconds from navigation start to the first map or chart (an <svg> or <canvas> in the page's main content); null if none. */
  firstFigureMs: number | null;
  /** JS heap in use once the page has settled, bytes. */
  heapBytes: number;
  /** URLs the page asked for outside loopback. */
  external: string[];
}

export interface PageWeight {
  page: NavPage;
  first: VisitFigures;
  repeat: VisitFigures;
}

/** Records, in the page, when the first map or chart appears in the main content (svg with drawn shapes, or a canvas). */
const FIRST_FIGURE_PROBE = `(() => {
  const seen = () => document.querySelector("#observablehq-main svg path, #observablehq-main svg rect, #observablehq-main svg circle, #observablehq-main canvas");
  const mark = () => { if (window.__chestFirstFigure === undefined && seen()) { window.__chestFirstFigure = performance.now(); observer.disconnect(); } };
  const observer = new MutationObserver(mark);
  observer.observe(document, { childList: true, subtree: true });
})();`;

/** Start counting what page transfers (attach before it navigates); done() gives the figures so far. */
export async function countTransfers(page: Page): Promise<{ cdp: CDPSession; done: () => Omit<VisitFigures, "firstFigureMs" | "heapBytes"> }> {
  const cdp = await page.context().newCDPSession(page);
  const urls = new Map<string, string>();
  const sizes = new Map<string, number>();
  const cached = new Set<string>();
  const revalidated = new Set<string>();
  const external: string[] = [];
  cdp.on("Network.requestWillBeSent", (e) => {
    urls.set(e.requestId, e.request.url);
    if (!isLoopbackUrl(e.request.url)) external.push(e.request.url);
  });
  cdp.on("Network.requestServedFromCache", (e) => cached.add(e.requestId));
  cdp.on("Network.responseReceived", (e) => {
    if (e.response.status === 304) revalidated.add(e.requestId);
  });
  cdp.on("Network.loadingFinished", (e) => sizes.set(e.requestId, e.encodedDataLength));
  await cdp.send("Network.enable");
  await cdp.send("Performance.enable");
  return {
    cdp,
    done: () => {
      const entries = [...sizes].map(([id, bytes]) => ({ url: urls.get(id) ?? id, bytes }));
      entries.sort((a, b) => b.bytes - a.bytes);
      return {
        bytes: entries.reduce((sum, e) => sum + e.bytes, 0),
        requests: urls.size,
        fromCache: cached.size,
        revalidated: revalidated.size,
        largest: entries.slice(0, 5).map((e) => `${e.bytes} ${new URL(e.url).pathname}`),
        urls: [...urls.values()],
        external,
      };
    },
  };
}

/** Open url in a new tab of context, wait until the network is quiet and cells have run, and measure. */
export async function visit(context: BrowserContext, url: string): Promise<VisitFigures> {
  const page = await context.newPage();
  try {
    await page.addInitScript(FIRST_FIGURE_PROBE);
    const { cdp, done } = await countTransfers(page);
    await page.goto(url, { waitUntil: "networkidle", timeout: 60_000 });
    await page
      .waitForFunction(() => !document.querySelector(".observablehq--loading"), null, { timeout: 30_000 })
      .catch(() => undefined);
    await page.waitForTimeout(200);
    const firstFigureMs = await page.evaluate(() => (window as unknown as { __chestFirstFigure?: number }).__chestFirstFigure ?? null);
    const metrics = (await cdp.send("Performance.getMetrics")).metrics;
    const heapBytes = metrics.find((m) => m.name === "JSHeapUsedSize")?.value ?? 0;
    const figures = done();
    await cdp.detach();
    return { ...figures, firstFigureMs: firstFigureMs === null ? null : Math.round(firstFigureMs), heapBytes };
  } finally {
    await page.close();
  }
}

/**
 * A first visit in a fresh browser profile, then a repeat visit to the same page in the same profile (its HTTP cache kept).
 * No request interception here: Playwright turns the HTTP cache off when routing, which would hide what caching saves.
 */
export async function measurePage(browser: Browser, baseUrl: string, page: NavPage): Promise<PageWeight> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
  try {
    const url = new URL(page.path.slice(1), baseUrl).href;
    const first = await visit(context, url);
    const repeat = await visit(context, url);
    return { page, first, repeat };
  } finally {
    await context.close();
  }
}

export const kb = (bytes: number): string => `${(bytes / 1024).toLocaleString("en-GB", { maximumFractionDigits: bytes < 10_240 ? 1 : 0 })} KB`;

/** A Markdown table of page weights, one row a page. */
export function weightTable(rows: readonly PageWeight[]): string {
  const lines = [
    "| Page | First visit | Requests | Repeat visit | First map/chart | JS heap |",
    "|---|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.page.name} | ${kb(r.first.bytes)} | ${r.first.requests} | ${kb(r.repeat.bytes)} (${r.repeat.fromCache} cached, ${r.repeat.revalidated} × 304) | ${r.first.firstFigureMs === null ? "none" : `${r.first.firstFigureMs} ms`} | ${(r.first.heapBytes / 1e6).toFixed(1)} MB |`,
    ),
  ];
  return lines.join("\n");
}
