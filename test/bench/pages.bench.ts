// Benchmark: every page of the built site (dist/) opened in Chromium, served by `chest serve`'s server — bytes first and repeat visit, first map/chart, JS heap.
// Run: npm run bench -- pages   (build the site first: `npm run build`, or CHEST_BENCH_DIST=path/to/dist)
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "../../pipelines/site/serve.ts";
import { launchBrowser } from "../support/browser.ts";
import { kb, measurePage, navPages, weightTable, type PageWeight } from "../support/page-weight.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const dist = process.env.CHEST_BENCH_DIST ?? join(repo, "dist");

const server = await serveStatic(dist, 0);
const browser = await launchBrowser();
const rows: PageWeight[] = [];
try {
  for (const page of navPages()) {
    const row = await measurePage(browser, server.url, page);
    rows.push(row);
    process.stderr.write(`${page.name}: first ${kb(row.first.bytes)} (${row.first.largest.slice(0, 3).join(", ")}), repeat ${kb(row.repeat.bytes)}\n`);
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(`\nPages of ${dist}, served on loopback, Chromium ${browser.version()}; ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GB`);
console.log(weightTable(rows));
