// The custom-neighbourhoods kind (an LSOA → neighbourhood CSV, or GeoJSON polygons) declared on the ingest kit.
import type { InputKindDecl } from "../kit/kind.ts";
import { countedStage } from "../kit/counted.ts";
import { neighbourhoodsStage } from "./stage.ts";
import { generateDemoNeighbourhoods } from "./demo.ts";

export const neighbourhoodsKind: InputKindDecl = {
  name: "neighbourhoods",
  summary: "custom neighbourhoods: an LSOA → neighbourhood CSV, or GeoJSON polygons (an LSOA goes where its population-weighted centroid falls)",
  stage: (files, ctx) =>
    countedStage("neighbourhoods", files, ctx, neighbourhoodsStage, `
      SELECT (SELECT count(*) FROM neighbourhood_lsoa)::INTEGER + r.rejected AS read,
             (SELECT count(*) FROM neighbourhood_lsoa)::INTEGER AS accepted, r.rejected
      FROM (SELECT count(*) FILTER (WHERE kind = 'rejected')::INTEGER AS rejected FROM neighbourhood_report) r`),
  demo: generateDemoNeighbourhoods,
};
