// Walking a zip archive's central directory (names, sizes, where each member's data sits), for the XLSX bounds and for extracting members of official downloads.

export interface ZipMember {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  /** As the archive declares it (a zip bomb may lie: inflate with a limit). */
  declaredSize: number;
  /** The member's compressed bytes. */
  data: Buffer;
}

/** The members of a zip, in directory order. Throws Error for an archive with no or a damaged directory. */
export function* zipMembers(zip: Buffer): Generator<ZipMember> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > zip.length) throw new Error("not a zip archive (no end of central directory)");
  const entries = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== 0x02014b50) throw new Error("corrupt zip central directory");
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const declaredSize = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString("utf8", offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (localOffset + 30 > zip.length) throw new Error("corrupt zip member header");
    const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    yield { name, method, compressedSize, declaredSize, data: zip.subarray(start, start + compressedSize) };
  }
}

/** The number of members the directory declares. */
export function zipMemberCount(zip: Buffer): number {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  return eocd < 0 || eocd + 22 > zip.length ? 0 : zip.readUInt16LE(eocd + 10);
}
