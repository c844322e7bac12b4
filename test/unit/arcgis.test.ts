// The ONS ArcGIS FeatureServer query, paged by resultOffset, replayed from a recorded response (no network).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { featureServerQueryUrl, queryFeatureServer } from "../../pipelines/fetch/arcgis.ts";
import { silentLogger } from "../../pipelines/log.ts";

/** Two pages as the ONS Open Geography Portal returns them with f=geojson: the first says the transfer limit was exceeded. */
const recorded = JSON.parse(readFileSync(new URL("../fixtures/arcgis/lsoa21-plymouth-pages.json", import.meta.url), "utf8")) as Record<string, unknown>[];
const layer = "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services/Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5/FeatureServer/0";

describe("queryFeatureServer", () => {
  it("asks page after page by resultOffset until the transfer limit is no longer exceeded", async () => {
    const urls: string[] = [];
    const codes = ["E01015039", "E01015040", "E01015041"];
    const result = await queryFeatureServer(layer, "LSOA21CD", codes, async (url) => {
      urls.push(url);
      return Buffer.from(JSON.stringify(recorded[urls.length - 1]));
    }, silentLogger, 2);
    expect(urls).toHaveLength(2);
    const params = urls.map((u) => new URL(u).searchParams);
    expect(params.map((p) => p.get("resultOffset"))).toEqual(["0", "2"]);
    expect(params[0].get("resultRecordCount")).toBe("2");
    expect(params[0].get("where")).toBe("LSOA21CD IN ('E01015039','E01015040','E01015041')");
    expect(params[0].get("outSR")).toBe("4326");
    expect(params[0].get("f")).toBe("geojson");
    expect(result.features.map((f) => (f as { properties: { LSOA21CD: string } }).properties.LSOA21CD)).toEqual(codes);
  });

  it("splits long code lists into batches of 200, each paged", async () => {
    const codes = Array.from({ length: 450 }, (_, i) => `E0103${String(i).padStart(4, "0")}`);
    const wheres: string[] = [];
    await queryFeatureServer(layer, "LSOA21CD", codes, async (url) => {
      wheres.push(new URL(url).searchParams.get("where")!);
      return Buffer.from(JSON.stringify({ type: "FeatureCollection", features: [] }));
    }, silentLogger);
    expect(wheres).toHaveLength(3);
    expect(wheres.map((w) => w.split(",").length)).toEqual([200, 200, 50]);
  });

  it("turns an ArcGIS error body into an error naming the layer", async () => {
    await expect(queryFeatureServer(layer, "LSOA21CD", ["E01015039"], async () => Buffer.from('{"error":{"code":400,"message":"Invalid query parameters"}}'), silentLogger)).rejects.toThrow(/Invalid query parameters/);
  });

  it("quotes codes as ArcGIS SQL literals", () => {
    expect(new URL(featureServerQueryUrl(layer, "X", ["a'b"], 0, 10)).searchParams.get("where")).toBe("X IN ('a''b')");
  });
});
