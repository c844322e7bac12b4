// One Chromium for a browser test file: launched before its tests, closed after them (call at the file's top level).
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchBrowser } from "./browser.ts";

/** Register the file's hooks: `set` receives the browser once it is launched, before the first test. */
export function useBrowser(set: (browser: Browser) => void): void {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
    set(browser);
  });
  afterAll(async () => {
    await browser?.close();
  });
}
