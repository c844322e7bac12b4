// Runs every benchmark in test/bench (files named *.bench.ts) one after another, each in its own process.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv[2];
const rest = process.argv.slice(3); // passed on to the benchmark, e.g. `npm run bench -- national --scale 0.1`
for (const file of readdirSync(dir).filter((f) => f.endsWith(".bench.ts") && (!only || f.includes(only))).sort()) {
  console.log(`\n=== ${file} ===`);
  execFileSync(process.execPath, ["--import", "tsx", join(dir, file), ...rest], { stdio: "inherit" });
}
