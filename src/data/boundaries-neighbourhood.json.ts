// Data loader: custom neighbourhoods (`chest ingest neighbourhoods`, merged from the LSOA shapes) as GeoJSON; empty when none are ingested.
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("boundaries-neighbourhood.json", async (db) => {
  const rows = await db.all<{ geojson: string }>(`SELECT geojson FROM boundary WHERE layer = 'neighbourhood'`);
  return rows[0]?.geojson ?? JSON.stringify({ type: "FeatureCollection", features: [] });
});
