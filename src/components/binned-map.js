// A map of areas coloured by named bands (e.g. "£0.25 to under £0.50" per resident, "None placed here"), with local authority outlines and a legend that says what the colours mean.
import * as Plot from "npm:@observablehq/plot";
import { html } from "npm:htl";

/**
 * @param {object} options
 * @param {{type: "FeatureCollection", features: any[]}} options.areas boundaries with properties.code and .name
 * @param {{type: "FeatureCollection", features: any[]}} [options.outline] local authority outlines drawn on top
 * @param {string} [options.outlineName] what the outlines are, in the place's word (overview.json term.one; default "local authority")
 * @param {(code: string) => string | null} options.band the band label of an area (null: no figure, drawn grey)
 * @param {string[]} options.bands band labels in legend order
 * @param {string[]} options.colors one colour per band
 * @param {string} options.legend what the colours show, in words (the legend's title)
 * @param {string} [options.note] a line under the legend
 * @param {(feature: any) => string} options.title hover text for an area
 * @param {string} options.ariaLabel what the map shows, for screen readers
 * @param {number} options.width
 */
export function binnedMap({ areas, outline, outlineName = "local authority", band, bands, colors, legend, note, title, ariaLabel, width, height }) {
  const color = { type: "ordinal", domain: bands, range: colors, unknown: "#bdbdbd" };
  const key = Plot.legend({ color, className: "binned-map-legend" });
  key.setAttribute("aria-hidden", "true");
  const map = Plot.plot({
    width,
    height, // unset: Plot sizes the map to the areas' shape
    projection: { type: "mercator", domain: areas },
    color,
    ariaLabel,
    marks: [
      Plot.geo(areas.features, {
        fill: (f) => band(f.properties.code),
        stroke: "white",
        strokeWidth: 0.25,
        title,
        ariaLabel: (f) => f.properties.name ?? f.properties.code,
        ariaDescription: "areas",
      }),
      outline ? Plot.geo(outline.features, { stroke: "#1a1a1a", strokeWidth: 1.2, fill: "none", ariaHidden: true }) : null,
    ],
  });
  return html`<figure class="binned-map">
    <div class="binned-map-key"><strong>${legend}</strong>${key}</div>
    ${map}
    <figcaption>Colour: ${legend}, in bands: ${bands.join("; ")}.${note ? ` ${note}` : ""} Thick lines are ${outlineName} boundaries. Hover over an area for its name and figures.</figcaption>
  </figure>`;
}
