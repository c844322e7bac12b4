// Two builds of the site side by side: each page opened from one and then the other (the order alternating each round), median time to the first map or chart.
// Run: npx tsx test/bench/pages-compare.ts BEFORE_DIST AFTER_DIST [--rounds 3] [/path ...]   (no paths: every page in the nav)
import { parseArgs } from "node:util";
import { serveStatic } from "../../pipelines/site/serve.ts";
import { launchBrowser } from "../support/browser.ts";
import { measurePage, navPages } from "../support/page-weight.ts";

const { values, positionals } = parseArgs({ options: { rounds: { type: "string", default: "3" } }, allowPositionals: true });
const [before, after, ...paths] = positionals;
if (!before || !after) throw new Error("usage: pages-compare.ts BEFORE_DIST AFTER_DIST [--rounds N] [/path ...]");
const rounds = Number(values.rounds);
const servers = [await serveStatic(before, 0), await serveStatic(after, 0)];
const browser = await launchBrowser();
const pages = navPages().filter((p) => paths.length === 0 || paths.includes(p.path));
const times = new Map(pages.map((p) => [p.name, [[], []] as [number[], number[]]]));
try {
  for (let round = 0; round < rounds; round++) {
    for (const page of pages) {
      for (const side of round % 2 ? [1, 0] : [0, 1]) {
        const measured = await measurePage(browser, servers[side]!.url, page);
        times.get(page.name)![side]!.push(measured.first.firstFigureMs ?? Number.NaN);
      }
    }
  }
} finally {
  await browser.close();
  for (const server of servers) await server.close();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`| Page | Before | After | After ÷ before | Runs (ms) |\n|---|---:|---:|---:|---|`);
for (const [name, [a, b]] of times) {
  console.log(`| ${name} | ${median(a)} ms | ${median(b)} ms | ${(median(b) / median(a)).toFixed(2)} | ${a.join(", ")} / ${b.join(", ")} |`);
}
