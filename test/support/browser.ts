// Debian's Chromium driven by playwright-core for page tests: open a page, keep its console errors, and stop any request that leaves loopback.
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Nothing leaves loopback: every other address goes to a proxy that is not there (port 9, discard), and names do not
  // resolve. Done in the browser rather than by routing each request through Playwright, because routing turns the
  // HTTP cache off, and the render tests measure what a repeat visit takes from it (page-renders.ts).
  "--proxy-server=http://127.0.0.1:9",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}

export interface PageSession {
  page: Page;
  context: BrowserContext;
  /** console.error messages and uncaught exceptions, in order. */
  consoleErrors: string[];
  /** console.warn messages (not failures by themselves). */
  consoleWarnings: string[];
  /** URLs the page asked for outside 127.0.0.1/localhost; none can be reached (see CHROMIUM_ARGS). */
  externalRequests: string[];
  /** Loopback requests that failed or answered 400 or more, as "status url". */
  failedRequests: string[];
  /** Every URL requested, in order. */
  requests: string[];
  /** Close the page's context (and the browser, if openPage launched it). */
  close(): Promise<void>;
}

export interface OpenPageOptions {
  /** A browser from launchBrowser(), shared between pages; without one, openPage launches its own and close() ends it. */
  browser?: Browser;
  viewport?: { width: number; height: number };
  /** When goto() returns; "networkidle" (the default) waits for Framework's lazy imports too. */
  waitUntil?: "load" | "domcontentloaded" | "networkidle";
  /** Called with the new page before it navigates (e.g. to start counting what it transfers). */
  beforeGoto?: (page: Page) => Promise<void>;
}

export function isLoopbackUrl(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === "data:" || protocol === "blob:" || protocol === "about:") return true;
  return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]";
}

function watch(page: Page, session: PageSession): void {
  page.on("console", (message) => {
    const where = message.location().url ? ` (${message.location().url})` : "";
    if (message.type() === "error") session.consoleErrors.push(`${message.text()}${where}`);
    else if (message.type() === "warning") session.consoleWarnings.push(message.text());
  });
  page.on("pageerror", (error) => session.consoleErrors.push(`uncaught: ${error.message}`));
  page.on("request", (request) => session.requests.push(request.url()));
  page.on("requestfailed", (request) => {
    // apache-arrow's IPC reader stops reading a page-data file once it has the table, and Chromium reports that as an
    // aborted request: not a failure (the page's own assertions check what was drawn from it).
    if (/\.arrow$/.test(new URL(request.url()).pathname) && request.failure()?.errorText === "net::ERR_ABORTED") return;
    if (isLoopbackUrl(request.url())) session.failedRequests.push(`failed ${request.url()} ${request.failure()?.errorText ?? ""}`.trim());
  });
  page.on("response", (response) => {
    if (response.status() >= 400) session.failedRequests.push(`${response.status()} ${response.url()}`);
  });
}

/** Open url in a fresh context; requests leaving loopback are recorded and fail (CHROMIUM_ARGS), so a test can never reach the internet. */
export async function openPage(url: string, options: OpenPageOptions = {}): Promise<PageSession> {
  const ownBrowser = options.browser ? undefined : await launchBrowser();
  const browser = options.browser ?? ownBrowser!;
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1100, height: 900 }, locale: "en-GB" });
  const page = await context.newPage();
  const session: PageSession = {
    page,
    context,
    consoleErrors: [],
    consoleWarnings: [],
    externalRequests: [],
    failedRequests: [],
    requests: [],
    async close() {
      await context.close();
      await ownBrowser?.close();
    },
  };
  // Every page of the context (a repeat visit, a popup) and its workers.
  context.on("request", (request) => {
    if (!isLoopbackUrl(request.url())) session.externalRequests.push(request.url());
  });
  watch(page, session);
  await options.beforeGoto?.(page);
  await page.goto(url, { waitUntil: options.waitUntil ?? "networkidle" });
  return session;
}
