// The suite's demo site, built and served by global setup in the background: test files that open it wait here until it is ready.
import { existsSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { inject } from "vitest";

export interface DemoSiteState {
  /** Where the built dashboard is served, ending in "/". */
  url: string;
  /** The demo database the site was built from (the suite's copy: open it read-only, or copy it). */
  dbPath: string;
  /** Every network request the build attempted (each one failed). */
  network: string[];
  /** The site build's stderr. */
  buildLog: string;
}

/**
 * The demo site once global setup has built and served it (waiting for it if need be). With CHEST_SKIP_SITE=1 there is
 * none: every field is undefined and the test files fall back to whatever dist/ and data/chest.duckdb hold.
 */
export async function demoSite(): Promise<DemoSiteState> {
  const stateFile = inject("siteStateFile");
  if (!stateFile) return {} as DemoSiteState;
  while (!existsSync(stateFile)) await sleep(500);
  const state = JSON.parse(readFileSync(stateFile, "utf8")) as DemoSiteState & { error?: string };
  if (state.error) throw new Error(`the demo site for the browser tests was not built:\n${state.error}`);
  return state;
}
