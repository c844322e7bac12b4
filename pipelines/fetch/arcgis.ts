// Querying an ArcGIS FeatureServer layer (ONS Open Geography Portal) for chosen codes, page by page, as GeoJSON in WGS84.
import type { Logger } from "../log.ts";

export type HttpGet = (url: string) => Promise<Buffer>;

interface Page {
  type?: string;
  features?: unknown[];
  exceededTransferLimit?: boolean;
  properties?: { exceededTransferLimit?: boolean };
  error?: { message?: string };
}

/** Build the query URL for one page. Codes are quoted SQL literals inside the where clause (ArcGIS syntax). */
export function featureServerQueryUrl(layer: string, property: string, codes: string[], offset: number, pageSize: number): string {
  const where = `${property} IN (${codes.map((c) => `'${c.replaceAll("'", "''")}'`).join(",")})`;
  const params = new URLSearchParams({
    where,
    outFields: "*",
    outSR: "4326",
    f: "geojson",
    resultOffset: String(offset),
    resultRecordCount: String(pageSize),
    orderByFields: property,
  });
  return `${layer}/query?${params}`;
}

export async function queryFeatureServer(layer: string, property: string, codes: string[], get: HttpGet, log: Logger, pageSize = 500) {
  const features: unknown[] = [];
  // Long IN lists make URLs too long; ask in batches of codes, each paged.
  for (let start = 0; start < codes.length; start += 200) {
    const batch = codes.slice(start, start + 200);
    for (let offset = 0; ; offset += pageSize) {
      const url = featureServerQueryUrl(layer, property, batch, offset, pageSize);
      const page = JSON.parse((await get(url)).toString("utf8")) as Page;
      if (page.error) throw new Error(`${layer}: ${page.error.message ?? "query failed"}`);
      features.push(...(page.features ?? []));
      log.progress(`  ${features.length} features`);
      const more = page.exceededTransferLimit ?? page.properties?.exceededTransferLimit ?? false;
      if (!more || !page.features?.length) break;
    }
  }
  return { type: "FeatureCollection", features };
}
