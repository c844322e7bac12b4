// An accessible HTML table (caption, column headers with scope) for the figures behind every chart and map; a long one is
// shown a page at a time, with buttons to page through it or show every row, and a CSV of all its rows; printed, every row.
import { html } from "npm:htl";
import { csvText } from "../lib/csv.js";
import { csvFileName, pageBounds, pageStatus, PAGE_ROWS } from "../lib/table-pages.js";

/** Rows beyond which a table is taller than its scroll box. */
const LONG_ROWS = 20;

/** Tables made so far on the page: each paged table's id, for the aria-controls of its buttons. */
let tables = 0;

/**
 * @param {object[]} rows
 * @param {{caption: string, columns: {key: string, label: string, format?: (value: any) => any, cell?: (row: object) => any, numeric?: boolean}[], pageSize?: number, download?: boolean}} options
 *   `format` gets the cell's value only; `cell` gets the whole row (for links and combined fields). A table of more than
 *   `pageSize` rows (default PAGE_ROWS, 50) is paged; `download: false` leaves out its CSV button (for a page that has its own).
 */
export function dataTable(rows, { caption, columns, pageSize = PAGE_ROWS, download = true }) {
  const paged = rows.length > pageSize;
  const body = paged ? document.createElement("tbody") : tableBody(rows, columns);
  const id = `data-table-${++tables}`;
  // A long table fills its scroll box (28rem): the browser lays it out only when it nears the screen (see .table-long).
  const box = html`<div class=${Math.min(rows.length, pageSize) > LONG_ROWS ? "table-scroll table-long" : "table-scroll"} tabindex="0" role="region" aria-label=${caption}>
    <table class="data-table" id=${id}>
      <caption>${caption}</caption>
      <thead><tr>${columns.map((c) => html`<th scope="col" class=${c.numeric ? "num" : ""}>${c.label}</th>`)}</tr></thead>
      ${body}
    </table>
  </div>`;
  if (!paged) return box;
  return pagedTable(box, {
    id,
    caption,
    total: rows.length,
    pageSize,
    render: (start, end) => body.replaceChildren(...tableBody(rows.slice(start, end), columns).children),
    download: download ? () => saveCsv(rows, columns, caption) : null,
  });
}

/**
 * A long table's scroll box with its pager under it: Previous, Next, the live status "Rows 1–50 of 1,087", Show all, and
 * Download CSV when `download` is given. `render(start, end)` puts rows start … end − 1 in the table's body (it is called
 * at once for the first page); `id` is the table's, for the buttons' aria-controls; `caption` names the table in their labels.
 * A table of `pageSize` rows or fewer gets every row and no pager.
 * @param {HTMLElement} box
 * @param {{id: string, caption: string, total: number, pageSize?: number, render: (start: number, end: number) => void, download?: (() => void) | null}} options
 */
export function pagedTable(box, { id, caption, total, pageSize = PAGE_ROWS, render, download = null }) {
  if (total <= pageSize) {
    render(0, total);
    return box;
  }
  const hidden = (text) => html`<span class="visually-hidden">${text}</span>`;
  const status = html`<span class="table-status" role="status" aria-live="polite">${pageStatus(pageBounds(0, pageSize, total), total)}</span>`;
  const previous = html`<button type="button" aria-controls=${id} aria-disabled="true">Previous${hidden(` ${pageSize} rows: ${caption}`)}</button>`;
  const next = html`<button type="button" aria-controls=${id}>Next${hidden(` ${pageSize} rows: ${caption}`)}</button>`;
  const toggle = html`<button type="button" aria-controls=${id}></button>`;
  let page = 0;
  let all = false;
  const show = () => {
    const bounds = pageBounds(page, pageSize, total);
    if (all) render(0, total);
    else render(bounds.start, bounds.end);
    status.textContent = pageStatus(all ? "all" : bounds, total);
    previous.hidden = next.hidden = all;
    previous.setAttribute("aria-disabled", String(bounds.page === 0));
    next.setAttribute("aria-disabled", String(bounds.page === bounds.last));
    toggle.replaceChildren(...(all ? ["Show ", String(pageSize), " rows a page", hidden(`: ${caption}`)] : ["Show all ", total.toLocaleString("en-GB"), " rows", hidden(`: ${caption}`)]));
    box.scrollTop = 0;
  };
  // aria-disabled, not disabled: the button keeps the focus on the first or last page, so Next can be pressed on and on.
  const step = (by) => (event) => {
    if (event.currentTarget.getAttribute("aria-disabled") === "true") return;
    page = pageBounds(page + by, pageSize, total).page;
    show();
  };
  previous.onclick = step(-1);
  next.onclick = step(1);
  toggle.onclick = () => {
    all = !all;
    show();
  };
  show();
  // Printed, a paged table shows every row (style.css lets the scroll box grow and hides the pager), then the page
  // it was on. A table the page has since replaced stops listening.
  const onPrint = (event) => {
    if (!box.isConnected) {
      removeEventListener("beforeprint", onPrint);
      removeEventListener("afterprint", onPrint);
    } else if (event.type === "beforeprint") render(0, total);
    else show();
  };
  addEventListener("beforeprint", onPrint);
  addEventListener("afterprint", onPrint);
  const csv = download ? html`<button type="button" class="table-download">Download CSV${hidden(` of all ${total.toLocaleString("en-GB")} rows: ${caption}`)}</button>` : "";
  if (csv) csv.onclick = download;
  return html`<div class="table-paged">${box}<div class="table-pager">${previous}${next}${status}${toggle}${csv}</div></div>`;
}

/** Every row of the table as CSV, each cell as the table shows it (so it holds nothing the page does not), saved by the browser. */
function saveCsv(rows, columns, caption) {
  const text = csvText(columns.map((c) => c.label), rows.map((r) => columns.map((c) => cellText(cellValue(c, r)))), { bom: true });
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = Object.assign(document.createElement("a"), { href: url, download: csvFileName(caption) });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const cellValue = (c, r) => (c.cell ? c.cell(r) : c.format ? c.format(r[c.key]) : r[c.key] ?? "–");

/** The text a cell shows: a node's text, an array's parts joined, nothing for null or undefined. */
function cellText(value) {
  if (value === null || value === undefined) return "";
  if (value instanceof Node) return value.textContent ?? "";
  if (Array.isArray(value)) return value.map(cellText).join("");
  return String(value);
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
      appendContent(cell, cellValue(c, r));
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
