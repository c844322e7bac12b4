// Turning a service's service_area (GSS codes, borough or place names, a GeoJSON extent) into the place's LSOAs it covers, saying how each was matched or why it could not be.
import { booleanPointInPolygon } from "@turf/turf";
import type { Feature, MultiPolygon, Polygon } from "geojson";
import { normaliseNeedLabel } from "../../src/lib/needs.ts";
import type { ServiceArea } from "./model.ts";

export interface AreaLsoa {
  lsoa21cd: string;
  msoa21cd: string | null;
  ward_code: string | null;
  lad_code: string;
  lad_name: string;
  icb_code: string | null;
  centroid_lon: number;
  centroid_lat: number;
}

export interface AreaResolution {
  lsoas: string[];
  /** How: "GSS code", "borough name", "place name", "whole country", "GeoJSON extent", or null when nothing matched. */
  method: string | null;
  /** Why nothing matched, in words. */
  reason: string | null;
}

const GSS = /\b([EW]\d{8})\b/g;
/** Names that mean everyone in the place (a national or London-wide service). */
const EVERYONE = /\b(england|united kingdom|uk|great britain|national|nationwide|nationally|anywhere|greater london|london wide|all of london|pan london)\b/;

export interface AreaResolver {
  resolve(area: ServiceArea): AreaResolution;
}

/** A resolver over the place's LSOAs; `placeName` matches too ("North East London"). */
export function areaResolver(lsoas: readonly AreaLsoa[], placeName: string): AreaResolver {
  const byColumn = (pick: (l: AreaLsoa) => string | null) => {
    const map = new Map<string, string[]>();
    for (const l of lsoas) {
      const k = pick(l);
      if (!k) continue;
      const list = map.get(k) ?? [];
      list.push(l.lsoa21cd);
      map.set(k, list);
    }
    return map;
  };
  const codeMaps = [byColumn((l) => l.lsoa21cd), byColumn((l) => l.msoa21cd), byColumn((l) => l.ward_code), byColumn((l) => l.lad_code), byColumn((l) => l.icb_code)];
  const everyone = lsoas.map((l) => l.lsoa21cd).sort();
  const boroughs = [...byColumn((l) => l.lad_name).entries()].map(([name, codes]) => ({ name: normaliseNeedLabel(name), codes }));
  const place = normaliseNeedLabel(placeName);

  const geojsonLsoas = (extent: string): string[] | null => {
    let value: unknown;
    try {
      value = JSON.parse(extent);
    } catch {
      return null;
    }
    const polygons: (Polygon | MultiPolygon)[] = [];
    const collect = (g: unknown) => {
      if (!g || typeof g !== "object") return;
      const o = g as { type?: string; geometry?: unknown; features?: unknown[]; geometries?: unknown[] };
      if (o.type === "Polygon" || o.type === "MultiPolygon") polygons.push(o as Polygon | MultiPolygon);
      else if (o.type === "Feature") collect(o.geometry);
      else if (o.type === "FeatureCollection") (o.features ?? []).forEach(collect);
      else if (o.type === "GeometryCollection") (o.geometries ?? []).forEach(collect);
    };
    collect(value);
    if (!polygons.length) return null;
    const inside: string[] = [];
    for (const l of lsoas) {
      const p = [l.centroid_lon, l.centroid_lat];
      if (polygons.some((g) => booleanPointInPolygon(p, g as unknown as Feature<Polygon | MultiPolygon>))) inside.push(l.lsoa21cd);
    }
    return inside.sort();
  };

  return {
    resolve(area) {
      const found = new Set<string>();
      const texts = [area.text, area.uri ?? "", area.extentType?.toLowerCase() === "geojson" || area.extentType?.toLowerCase() === "topojson" ? "" : area.extent ?? ""];
      // 1. a GeoJSON extent: the LSOAs whose population-weighted centroid lies inside
      if (area.extent && (area.extentType ?? "").toLowerCase() === "geojson") {
        const inside = geojsonLsoas(area.extent);
        if (inside) return inside.length ? { lsoas: inside, method: "GeoJSON extent", reason: null } : { lsoas: [], method: null, reason: "its GeoJSON extent contains no LSOA of the place" };
      }
      // 2. GSS codes anywhere in the name, description, extent or URI (e.g. …/statistical-geography/E09000025)
      let codes = 0;
      for (const text of texts) {
        for (const [, code] of text.matchAll(GSS)) {
          codes++;
          if (code === "E92000001") everyone.forEach((c) => found.add(c));
          for (const map of codeMaps) for (const c of map.get(code) ?? []) found.add(c);
        }
      }
      if (found.size) return { lsoas: [...found].sort(), method: "GSS code", reason: null };
      // 3. names: the place, a borough, or a word meaning everyone
      // names are looked for in the words only, not in a web address (gov.uk is not "the UK")
      const words = ` ${normaliseNeedLabel([area.text, texts[2]].join(" "))} `;
      if (place && words.includes(` ${place} `)) return { lsoas: everyone, method: "place name", reason: null };
      for (const b of boroughs) if (words.includes(` ${b.name} `)) b.codes.forEach((c) => found.add(c));
      if (found.size) return { lsoas: [...found].sort(), method: "borough name", reason: null };
      if (EVERYONE.test(words)) return { lsoas: everyone, method: "whole country", reason: null };
      return {
        lsoas: [],
        method: null,
        reason: codes
          ? "its area codes are outside the place"
          : `"${(area.text || area.uri || area.extent || "").slice(0, 80)}" names no area of the place (give a GSS code such as E09000025, a borough name, or a GeoJSON extent)`,
      };
    },
  };
}
