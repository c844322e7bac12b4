// Benchmark: every page of the built site (dist/) opened in Chromium, served by `chest serve`'s server — bytes first and repeat visit, first map/chart, JS heap.
// Run: npm run bench -- pages   (build the site first: `npm run build`, or CHEST_BENCH_DIST=path/to/dist)
//      npm run bench -- pages --place london   (the same pages with another place's data, demo inputs included; its
//      database is built once with the CLI under test/output/bench-london/, the page data regenerated each run)
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { serveStatic } from "../../pipelines/site/serve.ts";
import { launchBrowser } from "../support/browser.ts";
import { kb, measurePage, navPages, weightTable, type PageWeight } from "../support/page-weight.ts";
import { placeDist } from "./place-dist.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const { values } = parseArgs({ options: { place: { type: "string" } } });
const built = process.env.CHEST_BENCH_DIST ?? join(repo, "dist");
const place = values.place ? await placeDist(built, values.place) : undefined;
const dist = place?.dist ?? built;

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
if (place?.failed.length) {
  const missing = (row: PageWeight) => place.failed.some((f) => row.first.urls.some((url) => url.includes(`/${f.split(":")[0]!.replace(/\.(\w+)$/, "")}.`)));
  console.log(`\nPage data whose loader failed for ${values.place} (left out; pages needing it show their error): ${place.failed.join("; ")}`);
  console.log(`Pages that asked for it: ${rows.filter(missing).map((r) => r.page.name).join(", ") || "none"}`);
}
