// The custom-neighbourhoods kind (an LSOA → neighbourhood CSV, or GeoJSON polygons) declared on the ingest kit.
import type { InputKindDecl } from "../kit/kind.ts";
import { neighbourhoodsStage } from "./stage.ts";
import { generateDemoNeighbourhoods } from "./demo.ts";

export const neighbourhoodsKind: InputKindDecl = {
  name: "neighbourhoods",
  summary: "custom neighbourhoods: an LSOA → neighbourhood CSV, or GeoJSON polygons (an LSOA goes where its population-weighted centroid falls)",
  stage: neighbourhoodsStage,
  demo: generateDemoNeighbourhoods,
};
