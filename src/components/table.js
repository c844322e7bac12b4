// An accessible HTML table (caption, column headers with scope) for the figures behind every chart and map.
import { html } from "npm:htl";

/** Rows beyond which a table is taller than its scroll box. */
const LONG_ROWS = 20;

/**
 * @param {object[]} rows
 * @param {{caption: string, columns: {key: string, label: string, format?: (value: any) => any, cell?: (row: object) => any, numeric?: boolean}[], limit?: number}} options
 *   `format` gets the cell's value only; `cell` gets the whole row (for links and combined fields).
 */
export function dataTable(rows, { caption, columns, limit }) {
  const shown = limit ? rows.slice(0, limit) : rows;
  // A long table fills its scroll box (28rem): the browser lays it out only when it nears the screen (see .table-long).
  return html`<div class=${shown.length > LONG_ROWS ? "table-scroll table-long" : "table-scroll"} tabindex="0" role="region" aria-label=${caption}>
    <table class="data-table">
      <caption>${caption}${limit && rows.length > limit ? ` (first ${limit} of ${rows.length.toLocaleString("en-GB")})` : ""}</caption>
      <thead><tr>${columns.map((c) => html`<th scope="col" class=${c.numeric ? "num" : ""}>${c.label}</th>`)}</tr></thead>
      ${tableBody(shown, columns)}
    </table>
  </div>`;
}

/** The body rows made with plain DOM calls: an htl template per cell made a table of a thousand rows take most of a second. */
function tableBody(rows, columns) {
  const body = document.createElement("tbody");
  for (const r of rows) {
    const tr = body.appendChild(document.createElement("tr"));
    columns.forEach((c, i) => {
      const cell = tr.appendChild(document.createElement(i === 0 ? "th" : "td"));
      if (i === 0) cell.setAttribute("scope", "row");
      else if (c.numeric) cell.className = "num";
      appendContent(cell, c.cell ? c.cell(r) : c.format ? c.format(r[c.key]) : r[c.key] ?? "–");
    });
  }
  return body;
}

/** What htl would put in a cell for this value: nodes as they are, text for the rest, nothing for null or undefined. */
function appendContent(cell, value) {
  if (value === null || value === undefined) return;
  if (value instanceof Node) cell.appendChild(value);
  else if (Array.isArray(value)) for (const v of value) appendContent(cell, v);
  else cell.appendChild(document.createTextNode(String(value)));
}
