// The kit's one way to open an XLSX workbook a user gives: its zip checked within the bounds first (checkXlsx), then every sheet read as rows of cells, with one message when it cannot be read.
import readXlsxFile from "read-excel-file/node";
import { InputError } from "../errors.ts";
import { checkXlsx } from "./bounds.ts";

/** A cell as the workbook reader gives it. */
export type Cell = string | number | boolean | Date | null | undefined;

export interface WorkbookSheet {
  sheet: string;
  data: Cell[][];
}

/** Every sheet of a workbook already read into memory (readBounded); throws InputError naming the file for a workbook that is too large or unreadable. */
export async function readWorkbook(bytes: Buffer, label: string): Promise<WorkbookSheet[]> {
  checkXlsx(bytes, label);
  try {
    return (await readXlsxFile(bytes)) as unknown as WorkbookSheet[];
  } catch (e) {
    throw new InputError(label, `not a readable .xlsx workbook (${(e as Error).message})`);
  }
}
