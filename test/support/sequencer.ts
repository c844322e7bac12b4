// The order test files start in: the longest first (so no long file starts last and runs alone), and no file that opens the
// demo site before global setup is expected to have it ready (it builds it in the background; see test/support/global-site.ts).
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Seconds each slow file took in a full run (test/support/file-times.json, written by `npx tsx test/support/file-times.ts`). */
function knownTimes(root: string): Record<string, number> {
  try {
    return JSON.parse(readFileSync(`${root}/test/support/file-times.json`, "utf8")) as Record<string, number>;
  } catch {
    return {};
  }
}

/**
 * Whether a test file waits for the suite's demo site before it does anything (it awaits demoSite() at its top level). A
 * file that does its own work first and waits for the site later (inside a hook) is ordered with the others.
 */
export function needsDemoSite(file: string): boolean {
  return /^\S.*\bawait demoSite\(\)/m.test(readFileSync(file, "utf8"));
}

/** The key in file-times.json holding how many seconds the demo site took to be ready in the run it was measured on. */
export const DEMO_SITE_READY = "(demo site ready)";

/** When the demo site is expected to be ready if no run has said (seconds from the start; about this on 2 idle cores). */
const SITE_READY_DEFAULT = 90;

/**
 * Longest first on `workers` workers, as vitest hands them out (each file to the first worker free), except that a file
 * that needs the demo site does not start before `siteReady`: until then the next file that does not need it goes
 * instead. Pure, for the test of this order.
 */
export function scheduleOrder<T>(files: { item: T; seconds: number; site: boolean }[], workers: number, siteReady: number): T[] {
  const waiting = [...files].sort((a, b) => b.seconds - a.seconds);
  const free = Array.from({ length: workers }, () => 0);
  const order: T[] = [];
  while (waiting.length > 0) {
    const w = free.indexOf(Math.min(...free));
    const now = free[w];
    let next = waiting.findIndex((f) => !f.site || now >= siteReady);
    // Only site files are left and the site is not ready: the worker waits for it.
    if (next < 0) next = 0;
    const [file] = waiting.splice(next, 1);
    free[w] = Math.max(now, file.site ? siteReady : 0) + file.seconds;
    order.push(file.item);
  }
  return order;
}

export default class LongestFirstSiteWhenReady extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const times = knownTimes(root);
    const expected = (spec: TestSpecification): number => {
      const path = relative(root, spec.moduleId);
      return times[path] ?? (this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`)?.duration ?? 0) / 1000;
    };
    const workers = Number(this.ctx.config.maxWorkers) || 1;
    const items = files.map((spec) => ({ item: spec, seconds: expected(spec), site: needsDemoSite(spec.moduleId) }));
    return scheduleOrder(items, workers, times[DEMO_SITE_READY] ?? SITE_READY_DEFAULT);
  }
}
