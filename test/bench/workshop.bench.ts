// Times the Workshop's live recomputation in Chromium after a weight change on the need stage's themes: the demo place's size (1,087 LSOAs) and all of London (4,994 LSOAs), targets 5 ms and 20 ms (seeded synthetic values; sizes drive the cost).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { launchBrowser } from "../support/browser.ts";
import { workshopFixture } from "../lib/workshop-fixture.ts";

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

/** Runs in the page: the seeded LSOAs given, then the median time of `reps` recomputations, each after moving one partner's slider (as the page: scenario + URL); the deferred swing timed apart. */
function inPage(args: { fixture: { rows: unknown[]; themeRows: unknown[]; config: unknown }; reps: number; layer: string; split: boolean }) {
  const w = (window as unknown as { workshop: any }).workshop;
  const data = w.prepareData(args.fixture.rows, args.fixture.themeRows, args.fixture.config);
  const keys: string[] = w.weightKeys(data);
  // Six partners; three themes in play (all needs, loneliness, cost of living), components spread around the default.
  const inPlay = new Set(["theme:all", "theme:loneliness", "theme:cost_of_living"]);
  const partners = ["GP lead", "Council", "VCFSE", "Residents", "Link workers", "ICB"].map((label, p) => ({
    label, weights: keys.map((k: string, j: number) => (k.startsWith("theme:") ? (inPlay.has(k) ? 30 + ((p * 5 + j) % 40) : 0) : 40 + ((p * 7 + j * 3) % 21))),
  }));
  const scenario = { name: "A", pot: 505000, alpha: 0.3, unit: 100, layer: args.layer, method: "gaps", group: "median", split: args.split, partners, pace: 0.5, floor: 50, cap: null, bounds: {}, rationale: "" };
  const first = performance.now();
  const result0 = w.computeScenario(data, scenario, keys); // the first call standardises the components and sums them per area (once per layer and scale)
  const firstMs = performance.now() - first;
  const times: number[] = [];
  const swings: number[] = [];
  const components = keys.filter((k: string) => !k.startsWith("theme:")).length;
  for (let r = 0; r < args.reps; r++) {
    partners[r % partners.length].weights[r % components] = (r * 13) % 101;
    const t0 = performance.now();
    const result = w.computeScenario(data, scenario, keys);
    w.encodeState({ keys, scenarios: [scenario] });
    times.push(performance.now() - t0);
    if (r % 3 === 0) swings.push(w.swingOf(data, scenario, keys, result).ms);
  }
  times.sort((a, b) => a - b);
  swings.sort((a, b) => a - b);
  return { median: times[times.length >> 1], p90: times[Math.floor(times.length * 0.9)], first: firstMs, swing: swings[swings.length >> 1], areas: result0.area.codes.length };
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
    const fixture = workshopFixture(n);
    for (const layer of ["lsoa", "msoa"]) {
      for (const split of [false, true]) {
        const m = await page.evaluate(inPage, { fixture, reps: 90, layer, split });
        console.log(
          `${place}, ${n.toLocaleString("en-GB")} LSOAs → ${m.areas.toLocaleString("en-GB")} ${layer}${split ? ", pot split by 3 themes" : ", 3 themes blended"}: ` +
            `recompute after a weight change median ${m.median.toFixed(2)} ms (p90 ${m.p90.toFixed(2)}; target ${target} ms); first call ${m.first.toFixed(1)} ms; ` +
            `six partners' swing (deferred) ${m.swing.toFixed(2)} ms`,
        );
      }
    }
  }
} finally {
  await browser.close();
}
