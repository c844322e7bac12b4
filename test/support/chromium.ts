// Makes sure the browser tests have a Chromium: on a fresh Debian machine run as root, install Debian's package; otherwise say exactly what to do.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { CHROMIUM_PATH } from "./browser.ts";

function run(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  return result.status === 0;
}

/**
 * Chromium at CHROMIUM_PATH (default /usr/bin/chromium), installing it with apt-get when it is missing and we are
 * root on a machine with apt-get. Throws with the command to run when it cannot.
 */
export function ensureChromium(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const isRoot = process.getuid?.() === 0;
  const hasApt = existsSync("/usr/bin/apt-get");
  if (!isRoot || !hasApt || process.env.CHROMIUM_PATH) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM_PATH}, which is missing. ` +
        (process.env.CHROMIUM_PATH
          ? "Point CHROMIUM_PATH at an installed Chromium."
          : hasApt
            ? "Install it once with: sudo apt-get update && sudo apt-get install -y chromium (npm test does this itself when run as root), or set CHROMIUM_PATH."
            : "Install Chromium and set CHROMIUM_PATH to its executable.") +
        " To run only the tests without a browser: CHEST_SKIP_SITE=1 npx vitest run --config test/vitest.config.ts test/unit",
    );
  }
  log(`test setup: Chromium is not installed; installing Debian's chromium package (apt-get update && apt-get install -y chromium)`);
  if (!run("apt-get", ["update", "-qq"]) || !run("apt-get", ["install", "-y", "-qq", "chromium"]) || !existsSync(CHROMIUM_PATH)) {
    throw new Error(`apt-get could not install chromium (see its output above); install it by hand: apt-get install -y chromium`);
  }
  log(`test setup: Chromium installed at ${CHROMIUM_PATH}`);
  return CHROMIUM_PATH;
}
