// A choropleth of areas with borough outlines, drawn with Observable Plot; every map also gets a text summary and a table on its page.
import * as Plot from "npm:@observablehq/plot";

/**
 * @param {object} options
 * @param {{type: "FeatureCollection", features: any[]}} options.areas boundaries with properties.code and .name
 * @param {{type: "FeatureCollection", features: any[]}} [options.outline] borough outlines drawn on top
 * @param {(code: string) => number | null | undefined} options.value value for an area code
 * @param {(feature: any) => string} options.title hover text for an area
 * @param {object} options.color Plot color scale options (with legend label)
 * @param {string} options.ariaLabel what the map shows, for screen readers
 * @param {number} options.width
 */
export function choropleth({ areas, outline, value, title, color, ariaLabel, width, height }) {
  return Plot.plot({
    width,
    height: height ?? Math.round(Math.min(720, width * 0.8)),
    projection: { type: "mercator", domain: areas },
    color: { legend: true, unknown: "#d9d9d9", ...color },
    ariaLabel,
    caption: color.label ? `Colour: ${color.label}. Grey: no figure. Hover over an area for its name and value.` : undefined,
    marks: [
      Plot.geo(areas.features, {
        fill: (f) => value(f.properties.code) ?? null,
        stroke: "white",
        strokeWidth: 0.25,
        title,
        ariaLabel: (f) => f.properties.name ?? f.properties.code,
        ariaDescription: "areas",
      }),
      outline ? Plot.geo(outline.features, { stroke: "#1a1a1a", strokeWidth: 1.2, fill: "none", ariaHidden: true }) : null,
    ],
  });
}

/** The national decile colour scale: 1 (most deprived) dark red to 10 (least deprived) dark blue, with the legend in words. */
export function decileColor(label) {
  return {
    type: "ordinal",
    domain: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    scheme: "RdYlBu",
    label,
    tickFormat: (d) => (d === 1 ? "1 most deprived" : d === 10 ? "10 least" : String(d)),
  };
}
