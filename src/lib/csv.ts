// The one CSV field writer for everything the project writes (pipelines and the browser's downloads): RFC 4180 quoting, and formula-safe per the OWASP CSV injection guidance. Reports written by DuckDB use its SQL twin (pipelines/kit/csv-copy.ts), held to the same bytes by test/kit/csv-copy.test.ts.

/** A cell a spreadsheet would run as a formula starts with one of these (OWASP: = + - @ tab carriage return). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A plain negative number such as "-0.02713": a spreadsheet reads it as a number, never runs it, so it stays as written. */
const PLAIN_NUMBER = /^-(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * One CSV field. Text that a spreadsheet would treat as a formula gets a leading apostrophe (OWASP CSV
 * injection guidance); pass `numeric` for a column the program wrote as a plain number (e.g. "-5"), which
 * is never a formula. Quoted when it holds a comma, the delimiter, a quote, a line break or leading/trailing space.
 */
export function csvCell(value: unknown, numeric = false): string {
  if (value === null || value === undefined) return "";
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "number" || typeof value === "bigint") {
    text = String(value);
    numeric = true;
  } else if (value instanceof Date) text = value.toISOString();
  else if (typeof value === "object") text = JSON.stringify(value);
  else text = String(value);
  const safe = !numeric && FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
  return /[",;\r\n]|^\s|\s$/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Rows to CSV text: header, CRLF line ends (RFC 4180), and a UTF-8 byte-order mark when `bom` (so spreadsheets read £). */
export function csvText(header: readonly string[], rows: Iterable<readonly unknown[]>, options: { bom?: boolean; numeric?: ReadonlySet<number> } = {}): string {
  const lines = [header.map((h) => csvCell(h)).join(",")];
  for (const row of rows) lines.push(row.map((v, i) => csvCell(v, options.numeric?.has(i) ?? false)).join(","));
  return `${options.bom ? "\ufeff" : ""}${lines.join("\r\n")}\r\n`;
}
