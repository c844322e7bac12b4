// The other half of the dashboard's pages (dashboard.test.ts has the first): each renders in Chromium with no errors and no
// accessibility finding, and transfers little on a first and a repeat visit. A file of its own so two test workers check the pages side by side.
import type { Browser } from "playwright-core";
import { useBrowser } from "../support/use-browser.ts";
import { demoSite } from "../support/demo-site.ts";
import { navPages } from "../support/page-weight.ts";
import { describePageRenders } from "./page-renders.ts";

const demo = await demoSite();
let browser: Browser;
useBrowser((b) => (browser = b));

describePageRenders(() => ({ url: demo.url, browser }), navPages().filter((_, i) => i % 2 === 1));
