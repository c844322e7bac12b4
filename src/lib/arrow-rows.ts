// Arrow tables as plain row objects, read column by column: spreading Arrow's row proxies ({...row}) costs a property
// lookup through a Proxy per cell, which on the larger page-data files took most of the time before the first chart.

/** The part of an apache-arrow Table this needs (kept structural so src/lib does not import apache-arrow). */
export interface ColumnTable {
  readonly numRows: number;
  readonly schema: { readonly fields: readonly { readonly name: string }[] };
  getChild(name: string): Iterable<unknown> | null;
}

/** Every row of `table` as a plain object keyed by column name; values as Arrow's own row objects give them (null where null). */
export function tableRows<Row = Record<string, unknown>>(table: ColumnTable): Row[] {
  const rows: Record<string, unknown>[] = Array.from({ length: table.numRows }, () => ({}));
  for (const { name } of table.schema.fields) {
    const column = table.getChild(name);
    if (!column) continue;
    let i = 0;
    for (const value of column) rows[i++]![name] = value;
  }
  return rows as Row[];
}
