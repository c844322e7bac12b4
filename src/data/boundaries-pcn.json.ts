// Data loader: PCN footprints (the LSOAs nearest each PCN's practices, merged from the LSOA shapes) as GeoJSON; empty when no practice of the place has a location.
import { runLoader } from "../../pipelines/publish/loader.ts";

runLoader("boundaries-pcn.json", async (db) => {
  const rows = await db.all<{ geojson: string }>(`SELECT geojson FROM boundary WHERE layer = 'pcn'`);
  return rows[0]?.geojson ?? JSON.stringify({ type: "FeatureCollection", features: [] });
});
