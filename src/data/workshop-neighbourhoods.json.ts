// Data loader: custom neighbourhood outlines for the Workshop map, merged from the LSOA shapes (empty when none were ingested), as GeoJSON.
import { workshopNeighbourhoodBoundaries } from "../../pipelines/publish/workshop.ts";
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("workshop-neighbourhoods.json", workshopNeighbourhoodBoundaries);
