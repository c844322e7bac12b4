// An accessible HTML table (caption, column headers with scope) for the figures behind every chart and map.
import { html } from "npm:htl";

/**
 * @param {object[]} rows
 * @param {{caption: string, columns: {key: string, label: string, format?: (value: any) => any, cell?: (row: object) => any, numeric?: boolean}[], limit?: number}} options
 *   `format` gets the cell's value only; `cell` gets the whole row (for links and combined fields).
 */
export function dataTable(rows, { caption, columns, limit }) {
  const shown = limit ? rows.slice(0, limit) : rows;
  return html`<div class="table-scroll" tabindex="0" role="region" aria-label=${caption}>
    <table class="data-table">
      <caption>${caption}${limit && rows.length > limit ? ` (first ${limit} of ${rows.length.toLocaleString("en-GB")})` : ""}</caption>
      <thead><tr>${columns.map((c) => html`<th scope="col" class=${c.numeric ? "num" : ""}>${c.label}</th>`)}</tr></thead>
      <tbody>${shown.map(
        (r) => html`<tr>${columns.map((c, i) => {
          const text = c.cell ? c.cell(r) : c.format ? c.format(r[c.key]) : r[c.key] ?? "–";
          return i === 0 ? html`<th scope="row">${text}</th>` : html`<td class=${c.numeric ? "num" : ""}>${text}</td>`;
        })}</tr>`,
      )}</tbody>
    </table>
  </div>`;
}
