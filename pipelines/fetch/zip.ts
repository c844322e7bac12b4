// Extracting one member from a .zip archive (stored or deflated), for official downloads packaged as zip files.
import { inflateRawSync } from "node:zlib";
import { zipMembers } from "../kit/zip.ts";

export function extractZipMember(zip: Buffer, member: string): Buffer {
  for (const m of zipMembers(zip)) {
    if (m.name === member || m.name.endsWith(`/${member}`)) {
      if (m.method === 0) return Buffer.from(m.data);
      if (m.method === 8) return inflateRawSync(m.data);
      throw new Error(`zip member ${member} uses unsupported compression method ${m.method}`);
    }
  }
  throw new Error(`zip archive has no member ${member}`);
}
