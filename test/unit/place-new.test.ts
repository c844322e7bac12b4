// `chest place new` against the ONS lookups in the mirror: by district code, by name, by ICB, a county's districts, unknown names, and --place by id.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../pipelines/errors.ts";
import { silentLogger } from "../../pipelines/log.ts";
import { loadPlace, placeFileFor } from "../../pipelines/place/load.ts";
import { newPlace } from "../../pipelines/place/new.ts";
import { placeSchema } from "../../pipelines/place/schema.ts";
import { mirrorDir, tempDir } from "../support/pipeline.ts";

const make = (terms: string[], extra: Partial<Parameters<typeof newPlace>[0]> = {}) =>
  newPlace({ terms, rawDir: join(tempDir(), "no-raw"), mirror: mirrorDir, outDir: tempDir("chest-places-"), log: silentLogger, ...extra });

describe("chest place new", () => {
  it("by district code: Plymouth, its ICB (NHS Devon, QJK) and sub-ICB (15N), one partnership, a valid file", async () => {
    const { place, file } = await make(["E06000026"]);
    expect(place.id).toBe("plymouth");
    expect(place.localAuthorities).toEqual([{ code: "E06000026", name: "Plymouth" }]);
    expect(place.icb).toEqual({ code: "E54000037", ods: "QJK", name: "NHS Devon Integrated Care Board" });
    expect(place.subIcbs).toEqual([{ code: "E38000230", ods: "15N", name: "NHS Devon ICB - 15N" }]);
    expect(place.partnerships).toEqual([{ name: "Plymouth", localAuthorities: ["E06000026"] }]);
    expect(place.disclosure).toEqual({ threshold: 7, rounding: 5 });
    expect(placeSchema.safeParse(JSON.parse(readFileSync(file, "utf8"))).success).toBe(true);
  });

  it("by name, case-insensitive, several districts: Newham and Hackney, both in NHS North East London (QMF)", async () => {
    const { place } = await make(["newham", "Hackney"], { id: "two-boroughs" });
    expect(place.localAuthorities.map((l) => l.code)).toEqual(["E09000012", "E09000025"]);
    expect(place.icb?.ods).toBe("QMF");
    expect(place.partnerships.map((p) => p.name)).toEqual(["Hackney", "Newham"]);
  });

  it("by ICB ODS code: QMF gives the eight north east London boroughs", async () => {
    const { place } = await make(["QMF"]);
    expect(place.localAuthorities).toHaveLength(8);
    expect(place.name).toBe("North East London");
    expect(place.localAuthorities.map((l) => l.code)).toContain("E09000001");
  });

  it("a county by name: Gloucestershire (the ICB) gives its six districts, one partnership each or one per sub-ICB", async () => {
    const { place } = await make(["Gloucestershire"]);
    expect(place.localAuthorities.map((l) => l.name)).toEqual(["Cheltenham", "Cotswold", "Forest of Dean", "Gloucester", "Stroud", "Tewkesbury"]);
    expect(place.localAuthorities.every((l) => l.code.startsWith("E07"))).toBe(true);
    expect(place.partnerships).toHaveLength(6);
    const bySubIcb = await make(["NHS Gloucestershire Integrated Care Board"], { partnerships: "sub-icb" });
    expect(bySubIcb.place.partnerships).toEqual([{ name: "NHS Gloucestershire ICB - 11M", localAuthorities: bySubIcb.place.localAuthorities.map((l) => l.code) }]);
  });

  it("by sub-ICB code: 15N (Devon) gives Devon's ten districts, Plymouth and Torbay among them", async () => {
    const { place } = await make(["15N"]);
    expect(place.localAuthorities).toHaveLength(10);
    expect(place.localAuthorities.map((l) => l.code)).toEqual(expect.arrayContaining(["E06000026", "E06000027"]));
  });

  it("an unknown name fails (exit 2) listing the nearest matches, and writes nothing", async () => {
    const outDir = tempDir("chest-places-");
    const error = await make(["Plymuoth"], { outDir }).catch((e) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/no district, sub-ICB or ICB is called "Plymuoth".*Nearest: Plymouth \(district E06000026\)/);
    expect(readdirCount(outDir)).toBe(0);
  });

  it("refuses to overwrite a place file without --force", async () => {
    const outDir = tempDir("chest-places-");
    await make(["E06000026"], { outDir });
    await expect(make(["E06000026"], { outDir })).rejects.toThrow(/already exists/);
    await expect(make(["E06000026"], { outDir, force: true })).resolves.toBeTruthy();
  });

  it("--place takes an id: plymouth is data/places/plymouth.json, made by this command", () => {
    expect(placeFileFor("plymouth")).toBe("data/places/plymouth.json");
    expect(placeFileFor("data/places/london.json")).toBe("data/places/london.json");
    const place = loadPlace("plymouth");
    expect(place.localAuthorities).toEqual([{ code: "E06000026", name: "Plymouth" }]);
    expect(place.icb?.ods).toBe("QJK");
  });
});

function readdirCount(dir: string): number {
  return readdirSync(dir).length;
}
