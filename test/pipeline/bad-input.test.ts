// Bad input fails with one clear message that names the file and what is wrong, a non-zero exit code, and the previous database untouched.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { build } from "../../pipelines/build/build.ts";
import { ExitCode, InputError, MissingSourceError } from "../../pipelines/errors.ts";
import { fetchSources } from "../../pipelines/fetch/fetch.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { loadPlace } from "../../pipelines/place/load.ts";
import { buildFromMirror, mirrorDir, repoRoot, tamperedMirror, tempDir } from "../support/pipeline.ts";

const file7 = "iod2025/File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv";
const file7Text = () => readFileSync(join(mirrorDir, file7), "utf8");
const nel = () => loadPlace(join(repoRoot, "data/places/north-east-london.json"));
const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

function chest(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "pipelines/cli/main.ts"), ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, CHEST_MIRROR: "" },
  });
}

describe("fetch rejects a bad File 7", () => {
  it("names the missing column when one is renamed", async () => {
    const mirror = tamperedMirror({ [file7]: file7Text().replace("Crime Score", "Crime score (renamed)") });
    const rawDir = join(tempDir(), "raw");
    const error = await fetchSources({ place: nel(), rawDir, mirror, log: silentLogger }).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(file7.split("/")[1]);
    expect(error.message).toContain('missing column "Crime Score"');
    expect(error.message).toContain('"Crime score (renamed)"');
  });

  it("names the file when the mirror lacks it", async () => {
    const mirror = tamperedMirror({ "census2021/census2021-ts001-lsoa.csv": null });
    const error = await fetchSources({ place: nel(), rawDir: join(tempDir(), "raw"), mirror, log: silentLogger }).catch((e) => e);
    expect(error).toBeInstanceOf(MissingSourceError);
    expect(error.message).toMatch(/has no census2021\/census2021-ts001-lsoa\.csv/);
  });

  it("refuses an empty file", async () => {
    const mirror = tamperedMirror({ "census2021/census2021-ts001-lsoa.csv": "" });
    const error = await fetchSources({ place: nel(), rawDir: join(tempDir(), "raw"), mirror, log: silentLogger }).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/census2021-ts001-lsoa\.csv: the file is empty/);
  });

  it("refuses a byte copy whose checksum does not match the official file", async () => {
    const path = "geography/lookups/LSOA11_LSOA21_LAD22_best_fit_EW_v2.csv";
    const mirror = tamperedMirror({ [path]: readFileSync(join(mirrorDir, path), "utf8").replace("City of London 001A", "City of London 001Z") });
    const error = await fetchSources({ place: nel(), rawDir: join(tempDir(), "raw"), mirror, log: silentLogger }).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/sha256 .* does not match the official/);
  });
});

describe("a failed build leaves the previous database untouched", () => {
  let good: Awaited<ReturnType<typeof buildFromMirror>>;
  beforeAll(async () => {
    good = await buildFromMirror();
  });

  async function rebuildWithRaw(file: string, content: string) {
    const rawDir = join(tempDir(), "raw");
    cpSync(good.rawDir, rawDir, { recursive: true });
    writeFileSync(join(rawDir, file), content);
    const before = { sha: sha(good.dbPath), mtime: statSync(good.dbPath).mtimeMs };
    const error = await build({ place: good.place, rawDir, dbPath: good.dbPath, log: silentLogger }).catch((e) => e);
    expect(sha(good.dbPath)).toBe(before.sha);
    expect(statSync(good.dbPath).mtimeMs).toBe(before.mtime);
    return error;
  }

  it("for a truncated File 7", async () => {
    const text = file7Text();
    const error = await rebuildWithRaw("iod2025_file7.csv", text.slice(0, Math.floor(text.length * 0.6)));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain("iod2025_file7.csv");
    expect(error.message).toMatch(/(row at line [\d,]+ has \d+ columns where 56 were expected|has [\d,]+ data rows; the official file has 33,755) \(truncated/);
  });

  it("for a File 7 with a value that is not a number, naming line, column and value", async () => {
    const lines = file7Text().split("\r\n");
    lines[100] = lines[100].replace(/^([^,]*,[^,]*,[^,]*,[^,]*,)[^,]*/, "$1n/a");
    const error = await rebuildWithRaw("iod2025_file7.csv", lines.join("\r\n"));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/line 101, column "Index of Multiple Deprivation \(IMD\) Score": value "n\/a" is not a number/);
  });

  it("for a File 7 with a duplicated LSOA", async () => {
    const lines = file7Text().split("\r\n");
    lines[3] = lines[2];
    const error = await rebuildWithRaw("iod2025_file7.csv", lines.join("\r\n"));
    expect(error.message).toMatch(/E01\d{6} appears 2 times/);
  });

  it("for 2011 codes where 2021 codes are expected", async () => {
    // E01000010 (Islington, 2011) was replaced in 2021: it is in the 2011→2021 lookup's LSOA11CD but is no 2021 LSOA.
    const lookup = readFileSync(join(good.rawDir, "lookup_lsoa21_ward24.csv"), "utf8");
    expect(lookup).not.toContain("E01000010,");
    const text = file7Text().replace(/^E01000005,/m, "E01000010,");
    const error = await rebuildWithRaw("iod2025_file7.csv", text);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/line \d+: E01000010 is not an LSOA 2021 code \(it is a 2011 code/);
  });
});

describe("place files", () => {
  it("rejects an unknown borough code, naming the place file, with exit code 3", () => {
    const dir = tempDir();
    const place = JSON.parse(readFileSync(join(repoRoot, "data/places/north-east-london.json"), "utf8"));
    place.localAuthorities.push({ code: "E09000099", name: "Nowhere" });
    const file = join(dir, "bad-place.json");
    writeFileSync(file, JSON.stringify(place));
    const result = chest(["fetch", "--place", file, "--mirror", mirrorDir, "--raw", join(dir, "raw")]);
    expect(result.status).toBe(ExitCode.badInput);
    expect(result.stderr).toContain("bad-place.json");
    expect(result.stderr).toContain("E09000099 is not a local authority district");
  });

  it("names the field of a malformed code", () => {
    const dir = tempDir();
    const file = join(dir, "typo.json");
    writeFileSync(file, JSON.stringify({ id: "x", name: "X", localAuthorities: [{ code: "E9000002", name: "Typo" }] }));
    expect(() => loadPlace(file)).toThrow(/field localAuthorities\.0\.code \(value "E9000002"\): must be an English local authority district code/);
  });

  it("loads London (33 boroughs) as well", () => {
    const london = loadPlace(join(repoRoot, "data/places/london.json"));
    expect(london.localAuthorities).toHaveLength(33);
  });
});

describe("chest query", () => {
  it("refuses to write", async () => {
    const built = await buildFromMirror();
    const result = chest(["query", "DELETE FROM lsoa", "--db", built.dbPath]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/read-only/);
    const csv = chest(["query", "SELECT count(*)::INTEGER AS n FROM lsoa", "--db", built.dbPath, "--csv"]);
    expect(csv.stdout).toBe("n\r\n1087\r\n");
  });
});

describe("a file that is not a database given as --db", () => {
  it("is refused by name with exit code 3, not an unexpected error, and left as it was", () => {
    const dir = tempDir();
    const ledger = join(repoRoot, "test/fixtures/grants/bom-utf8.csv");
    for (const name of ["ledger.csv", "chest.duckdb"]) {
      const db = join(dir, name);
      writeFileSync(db, "Identifier,Title\r\n360G-1,Not a database\r\n");
      const before = sha(db);
      for (const args of [["ingest", "grants", ledger, "--inputs", join(dir, "inputs")], ["inputs"], ["query", "SELECT 1"]]) {
        const run = chest([...args, "--db", db]);
        expect(run.status, `${args[0]} --db ${name}`).toBe(ExitCode.badInput);
        expect(run.stderr.trim()).toBe(`chest: ${db}: is not a DuckDB database: --db must name the database \`chest build\` made (data/chest.duckdb)`);
      }
      expect(sha(db)).toBe(before);
    }
  });
});
