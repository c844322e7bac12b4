// The order test files start in: the longest first (so no long file starts last and runs alone), and the files that open
// the demo site after all the others (global setup builds it in the background meanwhile; see test/support/global-site.ts).
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

export default class LongestFirstSiteLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const times = knownTimes(root);
    const expected = (spec: TestSpecification): number => {
      const path = relative(root, spec.moduleId);
      return times[path] ?? (this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`)?.duration ?? 0) / 1000;
    };
    const order = (list: TestSpecification[]) => list.map((spec) => ({ spec, seconds: expected(spec) })).sort((a, b) => b.seconds - a.seconds).map((x) => x.spec);
    const site = files.filter((f) => needsDemoSite(f.moduleId));
    return [...order(files.filter((f) => !site.includes(f))), ...order(site)];
  }
}
