// Benchmark at national scale: inputs for all of England (every English LSOA; 2,000,000 referrals, 100,000 grants, 50,000 service locations), each stage's time, CPU time and peak memory, against DuckDB reading the same files and nothing else, in one run.
// Run: npm run bench -- national [--scale 0.1] [--keep]   (each stage runs in its own process; files go to a temporary folder, removed at the end unless --keep)
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { NationalCounts, NationalFiles } from "./national-generate.ts";

const args = process.argv.slice(2);
const scale = args.includes("--scale") ? Number(args[args.indexOf("--scale") + 1]) : 1;
if (!(scale > 0 && scale <= 1)) throw new Error("--scale must be a number in (0, 1]");
const root = fileURLToPath(new URL("../../", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "chest-national-"));

interface Measured { seconds: number; cpuSeconds: number; peakRssMB: number; load: number; detail: Record<string, unknown> }

/** One stage in its own process; `load` is the 1-minute load average at its start. */
function stage(name: string, file?: string): Measured {
  const load = loadavg()[0];
  const out = execFileSync(process.execPath, ["--import", "tsx", join(root, "test/bench/national-stage.ts"), name, dir, ...(file ? [file] : [])], {
    cwd: root, encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "inherit"],
  });
  return { ...(JSON.parse(out.trim().split("\n").pop()!) as Omit<Measured, "load">), load };
}

const mb = (path: string) => statSync(path).size / 1e6;
const fmt = (n: number, d = 1) => n.toLocaleString("en-GB", { minimumFractionDigits: d, maximumFractionDigits: d });

const setup = stage("build");
console.log(`built the London place database from the mirror in ${fmt(setup.seconds)} s, ${fmt(setup.cpuSeconds)} s CPU (setup, not a stage; load ${fmt(setup.load)})`);
const gen = stage("generate", String(scale));
const files = gen.detail as unknown as NationalFiles & { practices: number; counts: NationalCounts };
console.log(`generated for ${files.lsoas.toLocaleString("en-GB")} English LSOAs (scale ${scale}) in ${fmt(gen.seconds)} s: ` +
  `referrals ${fmt(mb(files.referrals))} MB, grants ${fmt(mb(files.grants))} MB, services ${fmt(mb(files.services))} MB (${files.practices.toLocaleString("en-GB")} practices)`);

const rows: Record<string, string>[] = [];
/** A table row, also printed as soon as it is measured (a run cut short keeps what it measured). */
const row = (name: string, input: string, m: Omit<Measured, "detail">, floor?: Measured) => {
  rows.push({
    stage: name, input,
    "time s": fmt(m.seconds, 2), "CPU s": fmt(m.cpuSeconds, 2), "peak MB": fmt(m.peakRssMB, 0),
    "floor s": floor ? fmt(floor.seconds, 2) : "—", "floor CPU s": floor ? fmt(floor.cpuSeconds, 2) : "—", "floor peak MB": floor ? fmt(floor.peakRssMB, 0) : "—",
    "× floor": floor ? fmt(m.seconds / floor.seconds, 1) : "—", load: fmt(m.load),
  });
  console.log(`${name}: ${JSON.stringify(rows.at(-1))}`);
};
const count = (k: keyof NationalCounts) => files.counts[k].toLocaleString("en-GB");
for (const [name, file, label] of [
  ["grants", files.grants, `${count("grants")} grants, 360Giving CSV`],
  ["referrals", files.referrals, `${count("referrals")} records, CSV`],
  ["services", files.services, `${count("services")} locations, ORUK JSON`],
] as const) {
  const floor = stage("floor", file);
  const m = stage(name, file);
  row(`ingest ${name}`, label, m, floor);
  console.log(`${name}: ${JSON.stringify(m.detail)}`);
}
row("need", "London place, all inputs", stage("need"));
const pub = stage("publish");
const published = pub.detail as { loaders: number; failed: string[]; slowest: string[] };
console.log(`publish, the loaders taking longest: ${published.slowest.join("; ")}`);
row("publish", `${published.loaders} page-data loaders in one process, as \`chest site\` runs them`, pub);
if (published.failed.length) console.log(`loaders that failed: ${published.failed.join("; ")}`);

const columns = Object.keys(rows[0]);
const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
const line = (v: string[]) => v.map((x, i) => (i < 2 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join("  ");
console.log(`\n${line(columns)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n${rows.map((r) => line(columns.map((c) => r[c]))).join("\n")}`);
console.log(`\n${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ${fmt(totalmem() / 2 ** 30, 0)} GB, Node ${process.version}; load = 1-minute load average at the stage's start; ` +
  `CPU s = user + system time of every thread in the stage's process(es)`);
if (!args.includes("--keep")) rmSync(dir, { recursive: true, force: true });
else console.log(`files kept in ${dir}`);
