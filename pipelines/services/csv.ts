// Parsing the CSV tables of an Open Referral tabular data package (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes, BOM, CRLF).

export interface CsvTable {
  header: string[];
  /** One object per data row, keyed by header name; empty cells are absent. */
  rows: Record<string, string>[];
}

/** Split CSV text into records of fields. Throws Error with the line number on an unterminated quote. */
export function parseCsvRecords(text: string): string[][] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let quoteLine = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (c === "\n") line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === "") {
      quoted = true;
      quoteLine = line;
      i++;
    } else if (c === ",") {
      record.push(field);
      field = "";
      i++;
    } else if (c === "\r" || c === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      if (c === "\r" && text[i + 1] === "\n") i++;
      i++;
      line++;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new Error(`a quoted field opened on line ${quoteLine} never closes`);
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records.filter((r) => !(r.length === 1 && r[0] === ""));
}

/** Parse a CSV with a header row. Throws Error for an empty file or a repeated column name. */
export function parseCsv(text: string): CsvTable {
  const records = parseCsvRecords(text);
  if (records.length === 0) throw new Error("the file is empty");
  const header = records[0].map((h) => h.trim());
  const seen = new Set<string>();
  for (const h of header) {
    if (h !== "" && seen.has(h)) throw new Error(`column "${h}" appears twice in the header`);
    seen.add(h);
  }
  const rows = records.slice(1).map((values) => {
    const row: Record<string, string> = {};
    header.forEach((h, j) => {
      const v = values[j];
      if (h !== "" && v !== undefined && v.trim() !== "") row[h] = v;
    });
    return row;
  });
  return { header, rows };
}
