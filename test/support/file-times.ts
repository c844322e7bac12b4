// Writes test/support/file-times.json (the sequencer's estimate of each slow file's seconds) from a full run's JSON report:
//   npx vitest run --config test/vitest.config.ts --reporter=json --outputFile=test/output/report.json
//   npx tsx test/support/file-times.ts [test/output/report.json]
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot } from "./pipeline.ts";
import { DEMO_SITE_READY } from "./sequencer.ts";

interface JsonReport {
  testResults: { name: string; startTime: number; endTime: number }[];
}

const report = JSON.parse(readFileSync(process.argv[2] ?? join(repoRoot, "test/output/report.json"), "utf8")) as JsonReport;
const times = Object.fromEntries(
  report.testResults
    .map((r) => [relative(repoRoot, r.name), Math.round((r.endTime - r.startTime) / 1000)] as const)
    .filter(([, seconds]) => seconds >= 5)
    .sort((a, b) => b[1] - a[1]),
);
// When the run's demo site was ready (written by global setup): the sequencer starts no site file before then.
let siteReady: number | undefined;
try {
  siteReady = Number(readFileSync(join(repoRoot, "test/output/demo-site-seconds.txt"), "utf8").trim()) || undefined;
} catch {
  siteReady = undefined;
}
writeFileSync(join(repoRoot, "test/support/file-times.json"), JSON.stringify(siteReady ? { [DEMO_SITE_READY]: siteReady, ...times } : times, null, 2) + "\n");
process.stdout.write(`${Object.keys(times).length} files of 5 s or more written to test/support/file-times.json\n`);
