// The column titles and field names in titles.ts against the 360Giving schema and spreadsheet template in the mirror (CHEST_MIRROR, else ../shared/data)/standards/360giving/.
import { readFileSync } from "node:fs";
import readXlsxFile from "read-excel-file/node";
import { describe, expect, it } from "vitest";
import { columnFor, flattenGrant, grantFields, titleFor, type Field } from "../../pipelines/grants/titles.ts";
import { mirror } from "./helpers.ts";

const standards = `${mirror}standards/360giving/`;
const schema = JSON.parse(readFileSync(`${standards}schema/360-giving-schema.json`, "utf8"));

type JsonSchema = { type?: string | string[]; title?: string; properties?: Record<string, JsonSchema>; items?: JsonSchema; $ref?: string };
const resolve = (s: JsonSchema): JsonSchema => (s.$ref ? schema.$defs[s.$ref.replace("#/$defs/", "")] : s);

/** Walk our field list beside the schema: same names, same titles, same kinds. */
function compare(fields: Field[], props: Record<string, JsonSchema>, where: string) {
  expect(fields.map((f) => f.name).sort(), where).toEqual(Object.keys(props).sort());
  for (const f of fields) {
    const p = props[f.name];
    const target = resolve(p.items ? resolve(p.items) : p);
    const title = p.title ?? (p.$ref ? resolve(p).title : undefined);
    if (f.title !== undefined) expect(title, `${where}/${f.name}`).toBe(f.title);
    const types = ([] as string[]).concat(p.type ?? target.type ?? []);
    if (f.kind === "array") expect(types).toContain("array");
    if (f.kind === "number") expect(types).toContain("number");
    if (f.kind === "strings") expect(resolve(p.items!).type).toBe("string");
    if (f.fields) compare(f.fields, target.properties!, `${where}/${f.name}`);
  }
}

describe("titles.ts agrees with the 360Giving schema 1.4", () => {
  it("has every field of a grant, with the schema's titles", () => {
    compare(grantFields, schema.properties, "grant");
  });

  it("maps every column of the template's grants sheet and one-to-many sheets", async () => {
    const sheets = (await readXlsxFile(`${standards}360-giving-schema-titles-with-dei-extension-2024.xlsx`)) as { sheet: string; data: unknown[][] }[];
    const unmapped: string[] = [];
    let mapped = 0;
    for (const { sheet, data } of sheets) {
      if (["Meta", "deiDetails"].includes(sheet)) continue;
      for (const title of (data[0] ?? []) as string[]) {
        if (!title) continue;
        if (columnFor(title)) mapped++;
        else unmapped.push(`${sheet}: ${title}`);
      }
    }
    expect(unmapped).toEqual([]);
    expect(mapped).toBeGreaterThan(150);
  });
});

describe("columnFor", () => {
  it.each([
    ["Identifier", ["id"]],
    ["Amount Awarded", ["amountAwarded"]],
    ["Recipient Org:Identifier", ["recipientOrganization", 0, "id"]],
    ["Beneficiary Location:0:Geographic Code", ["beneficiaryLocation", 0, "geoCode"]],
    ["Beneficiary Location:2:Geographic Code Type", ["beneficiaryLocation", 2, "geoCodeType"]],
    ["Funding Org:1:Name", ["fundingOrganization", 1, "name"]],
    ["Planned Dates:Duration (months)", ["plannedDates", 0, "duration"]],
    ["Recipient Org:Location:0:Geographic Code", ["recipientOrganization", 0, "location", 0, "geoCode"]],
    ["Recipient Ind:Name", ["recipientIndividual", "name"]],
    ["To Individuals Details:Grant Purpose", ["toIndividualsDetails", "grantPurpose"]],
    ["Last modified", ["dateModified"]],
    [" From An Open Call? ", ["fromOpenCall"]],
    ["recipientOrganization/0/id", ["recipientOrganization", 0, "id"]],
    ["commitmentTransaction/0/value", ["commitmentTransaction", 0, "value"]],
  ])("%j → %j", (title, path) => {
    expect(columnFor(title)?.path).toEqual(path);
  });

  it.each(["Extra notes", "Request No", "", "Recipient Org", "Beneficiary Location:0", "Title:Name", "cat"])("%j is not a 360Giving column", (title) => {
    expect(columnFor(title)).toBeNull();
  });

  it("titles paths, numbered or not", () => {
    expect(titleFor(["beneficiaryLocation", 1, "geoCode"])).toBe("Beneficiary Location:1:Geographic Code");
    expect(titleFor(["beneficiaryLocation", 0, "geoCode"], false)).toBe("Beneficiary Location:Geographic Code");
    expect(titleFor(["commitmentTransaction", 0, "value"])).toBe("commitmentTransaction/0/value");
  });

  it("flattens a grant in schema order", () => {
    const flat = flattenGrant({ title: "T", id: "360G-x", relatedActivity: ["a", "b"], beneficiaryLocation: [{ geoCode: "E1" }, { geoCode: "E2" }] });
    expect(flat.map((f) => [f.path.join("/"), f.value])).toEqual([
      ["id", "360G-x"],
      ["title", "T"],
      ["beneficiaryLocation/0/geoCode", "E1"],
      ["beneficiaryLocation/1/geoCode", "E2"],
      ["relatedActivity", "a;b"],
    ]);
  });
});
