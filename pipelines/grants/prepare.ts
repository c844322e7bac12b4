// Before a grants file is stored: read it through the bounded readers, so a file that cannot be read whole (too big, a zip bomb, JSON nested too deep) is refused and never stored.
import { readGrantFile } from "./read.ts";

export async function prepareGrantsInput(file: string): Promise<string> {
  await readGrantFile(file, file.split(/[\\/]/).pop());
  return file;
}
