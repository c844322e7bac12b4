// Every command and option of `chest` has --help and is documented in the README (a test fails when one is not).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { helpText, parseCommandLine } from "../../pipelines/cli/args.ts";
import { commands } from "../../pipelines/cli/commands.ts";
import { UsageError } from "../../pipelines/errors.ts";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe("chest command line", () => {
  it.each(commands.map((c) => [c.name, c]))("documents `chest %s` and each of its options in the README", (name, spec) => {
    expect(readme).toContain(`chest ${name}`);
    const row = readme.split("\n").find((line) => line.startsWith(`| \`chest ${name}`));
    expect(row, `README commands table has a row for chest ${name}`).toBeTruthy();
    for (const option of spec.options) expect(row).toContain(`--${option.name}`);
  });

  it.each(commands.map((c) => [c.name]))("gives `chest %s --help`", (name) => {
    const parsed = parseCommandLine([name, "--help"]);
    expect(parsed.help).toBe(true);
    const text = helpText(parsed.spec);
    expect(text).toMatch(/^Usage: chest /);
    expect(text).toContain("--help");
  });

  it("refuses unknown commands and options with a usage error", () => {
    expect(() => parseCommandLine(["frobnicate"])).toThrow(UsageError);
    expect(() => parseCommandLine(["build", "--no-such-option"])).toThrow(/^unknown option '--no-such-option' for chest build\n/);
    expect(() => parseCommandLine(["query"])).toThrow(/missing SQL/);
  });

  it("fills in documented defaults", () => {
    const parsed = parseCommandLine(["build"]);
    if (!parsed.spec) throw new Error("no spec");
    expect(parsed.values).toMatchObject({ place: "data/places/north-east-london.json", db: "data/chest.duckdb", raw: "data/raw" });
  });
});

describe("error messages", () => {
  it("are cut to a bounded length, say how much was left out, and reach a pipe whole before the exit", () => {
    const chest = fileURLToPath(new URL("../../pipelines/bin/chest.js", import.meta.url));
    const run = spawnSync(process.execPath, [chest, "x".repeat(100_000)], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr.startsWith('chest: unknown command "xxx')).toBe(true);
    expect(run.stderr.length).toBeLessThan(4_100);
    expect(run.stderr).toMatch(/… \([\d,]+ more characters\)\n$/);
  });
});
