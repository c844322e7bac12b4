// The site build is atomic: it builds beside dist/ and swaps in only on success, so a failed or killed `chest site` leaves the previous dist/ exactly as it was.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { buildSite, clearLoaderCache } from "../../pipelines/site/build.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { repoRoot, tempDir } from "../support/pipeline.ts";

/** A one-page site whose data loader succeeds, fails, or hangs, as FIXTURE_MODE says. Built in its own folder (cwd), never the repo's dist/. */
function fixtureSite(): string {
  const cwd = tempDir("chest-atomic-site-");
  mkdirSync(path.join(cwd, "src", "data"), { recursive: true });
  writeFileSync(path.join(cwd, "observablehq.config.js"), `export default { root: "src", title: "Atomic", globalStylesheets: [], pages: [{ name: "Home", path: "/" }] };\n`);
  writeFileSync(path.join(cwd, "src", "index.md"), "# Home\n\n```js\nconst value = FileAttachment(\"data/value.json\").json();\n```\n\n${value.label}\n");
  writeFileSync(
    path.join(cwd, "src", "data", "value.json.js"),
    `const mode = process.env.FIXTURE_MODE;
if (mode === "fail") { console.error("no database: --db missing.duckdb"); process.exit(4); }
if (mode === "hang") {
  (await import("node:fs")).writeFileSync(process.env.FIXTURE_MARKER, "started");
  await new Promise((r) => setTimeout(r, 120000));
}
process.stdout.write(JSON.stringify({ label: process.env.FIXTURE_LABEL ?? "first" }));
`,
  );
  return cwd;
}

async function build(cwd: string, env: Record<string, string>) {
  Object.assign(process.env, env);
  try {
    await clearLoaderCache(path.join(cwd, "src"));
    return await buildSite({ root: "src", cwd, config: "observablehq.config.js", log: silentLogger });
  } finally {
    for (const key of Object.keys(env)) delete process.env[key];
  }
}

/** Every file in dist with its bytes, for before/after comparison. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files[path.relative(dir, full)] = readFileSync(full).toString("base64");
    }
  }
  return files;
}

describe("chest site is atomic", () => {
  it("leaves the previous dist/ byte for byte when the build fails (a loader exits non-zero, as with a missing --db)", async () => {
    const cwd = fixtureSite();
    await build(cwd, { FIXTURE_MODE: "ok", FIXTURE_LABEL: "first" });
    const dist = path.join(cwd, "dist");
    const before = snapshot(dist);
    expect(Object.keys(before)).toContain("index.html");
    expect(Object.keys(before).some((f) => f.endsWith(".br"))).toBe(true);

    await expect(build(cwd, { FIXTURE_MODE: "fail" })).rejects.toThrow(/Framework build failed/);
    expect(snapshot(dist)).toEqual(before);
    expect(readdirSync(cwd).filter((n) => n.startsWith("dist."))).toEqual([]);

    await build(cwd, { FIXTURE_MODE: "ok", FIXTURE_LABEL: "second" });
    const after = snapshot(dist);
    expect(after).not.toEqual(before);
    expect(Object.keys(after).some((f) => f.startsWith("_file/data/value."))).toBe(true);
  }, 600_000);

  it("leaves the previous dist/ when the build is killed mid-way, and the next build clears what the killed one left", async () => {
    const cwd = fixtureSite();
    await build(cwd, { FIXTURE_MODE: "ok", FIXTURE_LABEL: "first" });
    const dist = path.join(cwd, "dist");
    const before = snapshot(dist);

    const module = (p: string) => JSON.stringify(pathToFileURL(path.join(repoRoot, p)).href);
    const script = `import { buildSite } from ${module("pipelines/site/build.ts")};
      import { silentLogger } from ${module("pipelines/log.ts")};
      await buildSite({ root: "src", cwd: ${JSON.stringify(cwd)}, config: "observablehq.config.js", log: silentLogger });`;
    await clearLoaderCache(path.join(cwd, "src"));
    const marker = path.join(cwd, "loader-started");
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "--eval", script], {
      cwd: repoRoot,
      env: { ...process.env, FIXTURE_MODE: "hang", FIXTURE_MARKER: marker },
      stdio: "ignore",
      detached: true,
    });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    const temporary = path.join(cwd, `dist.tmp-${child.pid}`);
    // Kill the whole command (chest, Framework, the loader) while the loader is running.
    for (let i = 0; i < 1200 && !existsSync(marker); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(marker)).toBe(true);
    process.kill(-child.pid!, "SIGKILL");
    await exited;
    // Framework writes pages after the loaders, so a kill this early leaves no temporary folder yet; a kill later
    // leaves a half-written one: stand one in for it, which the next build must clear.
    if (!existsSync(temporary)) {
      mkdirSync(temporary);
      writeFileSync(path.join(temporary, "index.html"), "half written");
    }

    expect(snapshot(dist)).toEqual(before);
    await build(cwd, { FIXTURE_MODE: "ok", FIXTURE_LABEL: "second" });
    expect(existsSync(temporary)).toBe(false);
    expect(readdirSync(cwd).filter((n) => n.startsWith("dist."))).toEqual([]);
    expect(snapshot(dist)).not.toEqual(before);
  }, 600_000);
});
