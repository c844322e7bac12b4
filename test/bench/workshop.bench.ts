// Times the Workshop's live recomputation in Chromium after a weight change: the demo place's size (1,087 LSOAs) and all of London (4,994 LSOAs), targets 5 ms and 20 ms.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { launchBrowser } from "../support/browser.ts";

const entry = fileURLToPath(new URL("../../src/lib/workshop-model.ts", import.meta.url));
const scenarioEntry = fileURLToPath(new URL("../../src/lib/workshop-scenario.ts", import.meta.url));

/** The page's model bundled as one script exposing `window.workshop`. */
async function bundle(): Promise<string> {
  const result = await build({
    stdin: {
      contents: `export * from ${JSON.stringify(entry)}; export {encodeState} from ${JSON.stringify(scenarioEntry)};`,
      resolveDir: fileURLToPath(new URL(".", import.meta.url)),
      loader: "ts",
    },
    bundle: true,
    format: "iife",
    globalName: "workshop",
    write: false,
    // src/lib imports its siblings as ./x.js (Framework's convention): resolve them to the .ts sources.
    resolveExtensions: [".ts", ".js"],
    plugins: [{ name: "js-to-ts", setup: (b) => b.onResolve({ filter: /^\.\/.*\.js$/ }, (a) => ({ path: fileURLToPath(new URL(a.path.replace(/\.js$/, ".ts"), `file://${a.resolveDir}/`)) })) }],
  });
  return result.outputFiles[0].text;
}

/** Runs in the page: seeded synthetic LSOAs (sizes, not values, drive the cost), then the median time of `reps` recomputations, each after moving one partner's slider. */
function inPage(args: { n: number; reps: number; layer: string; swing: boolean }) {
  const w = (window as unknown as { workshop: any }).workshop;
  let seed = 20251;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const rows = Array.from({ length: args.n }, (_, i) => {
    const row: Record<string, unknown> = {
      code: `E01${String(i).padStart(6, "0")}`, name: `LSOA ${i}`, msoa: `E02${String(Math.floor(i / 5)).padStart(6, "0")}`, msoa_name: `MSOA ${Math.floor(i / 5)}`,
      ward: `E05${String(Math.floor(i / 7)).padStart(6, "0")}`, ward_name: `Ward ${Math.floor(i / 7)}`, lad: `E09${String(i % 33).padStart(6, "0")}`, lad_name: `Borough ${i % 33}`,
      partnership: `Partnership ${i % 12}`, population: 1000 + Math.floor(rnd() * 2000), imd_decile: 1 + Math.floor(rnd() * 10), spend_last: rnd() * 500, spend_all: rnd() * 1000,
    };
    for (const c of w.COMPONENTS) row[`${c.key}_rank`] = 1 + Math.floor(rnd() * 33755);
    return row;
  });
  const data = w.prepareData(rows, 33755);
  const keys = w.weightKeys();
  const partners = ["GP lead", "Council", "VCFSE", "Residents", "Link workers", "ICB"].map((label, p) => ({
    label, weights: keys.map((k: string, j: number) => (k.startsWith("theme:") ? 0 : Math.round(w.DEFAULT_WEIGHTS[k] + ((p * 7 + j * 3) % 11)))),
  }));
  const scenario = { name: "A", pot: 505000, alpha: 0.3, unit: 100, layer: args.layer, method: "exponential", group: "median", partners, pace: 0.5, floor: 50, cap: null, bounds: {}, rationale: "" };
  w.computeScenario(data, scenario, keys, args.swing); // warm the caches (standardised matrix per method, layer index)
  const times: number[] = [];
  for (let r = 0; r < args.reps; r++) {
    partners[r % partners.length].weights[r % 7] = (r * 13) % 101;
    const t0 = performance.now();
    w.computeScenario(data, scenario, keys, args.swing);
    w.encodeState({ keys, scenarios: [scenario] });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1], p90: times[Math.floor(times.length * 0.9)] };
}

const script = await bundle();
const browser = await launchBrowser();
try {
  const page = await (await browser.newContext()).newPage();
  await page.setContent("<!doctype html><title>bench</title>");
  // tsx compiles inPage with esbuild's keepNames, whose __name helper the page lacks.
  await page.addScriptTag({ content: "window.__name = (f) => f;" });
  await page.addScriptTag({ content: script });
  for (const [place, n, target] of [["demo place (NEL)", 1087, 5], ["London", 4994, 20]] as const) {
    for (const layer of ["lsoa", "msoa"]) {
      const plain = await page.evaluate(inPage, { n, reps: 60, layer, swing: false });
      const withSwing = await page.evaluate(inPage, { n, reps: 20, layer, swing: true });
      console.log(
        `${place}, ${n.toLocaleString("en-GB")} LSOAs, shared between ${layer}: recompute after a weight change median ${plain.median.toFixed(2)} ms (p90 ${plain.p90.toFixed(2)}; target ${target} ms)` +
          `; with six partners' swing ${withSwing.median.toFixed(2)} ms`,
      );
    }
  }
} finally {
  await browser.close();
}
