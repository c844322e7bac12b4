// Test helpers for the real dashboard: build it from a database under the network guard, and check a page with axe-core.
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { repoRoot } from "./pipeline.ts";

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Every network request attempted by the build (and its Framework and loader processes). */
  network: string[];
}

/** `chest site --db FILE` in a child process with the network guard: any request fails and is logged. */
export function buildSiteGuarded(dbPath: string, networkLog: string): Promise<ChildRun> {
  rmSync(networkLog, { force: true });
  const guard = pathToFileURL(join(repoRoot, "test", "support", "no-network.mjs")).href;
  const args = ["--import", guard, "--import", "tsx", join(repoRoot, "pipelines/cli/main.ts"), "site", "--db", dbPath, "--quiet"];
  const env: NodeJS.ProcessEnv = { ...process.env, CHEST_NETWORK_LOG: networkLog };
  delete env.CHEST_NETWORK_ALLOW_LOOPBACK;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf-8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf-8").on("data", (c: string) => (stderr += c));
    child.on("error", reject).on("close", (code) => {
      let network: string[] = [];
      try {
        network = readFileSync(networkLog, "utf8").split("\n").filter(Boolean);
      } catch {
        network = [];
      }
      resolve({ code, stdout, stderr, network });
    });
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** The axe-core rule sets every page must pass: WCAG 2.0, 2.1 and 2.2 at A and AA, plus axe's best practices. */
export const AXE_TAGS: readonly string[] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/** Run axe-core (WCAG 2.2 A and AA rules and best practices) in the page; returns every violation, whatever its impact. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource });
  const result = (await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> } }).axe;
    return axe.run(document, { runOnly: { type: "tag", values: tags } });
  }, AXE_TAGS as string[])) as { violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] };
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
}

/** Wait until Framework has rendered: no cell still pending and at least one figure or table present. */
export async function waitForRender(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector(".observablehq--loading") && document.querySelectorAll("figure, table, svg").length > 0, null, {
    timeout: 30_000,
  });
  await page.waitForTimeout(300);
}
