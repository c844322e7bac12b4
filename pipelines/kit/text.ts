// The kit's text handling for every kind of input: what counts as white space, and decoding: UTF-8 (with or without BOM), UTF-16 (BOM, or detected from zero bytes), or Windows-1252 when the bytes are not valid UTF-8.

/**
 * What JavaScript's trim() and \s count as white space, as literal characters inside a character class, so the same
 * class works in a JavaScript RegExp and in DuckDB's RE2 (whose \s is ASCII only).
 */
export const WS = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";

export interface DecodedText {
  text: string;
  encoding: "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";
  bom: boolean;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** What a reader tells the user when decodeText fell back to Windows-1252. */
export const WINDOWS_1252_NOTE = "the file is not valid UTF-8; it was read as Windows-1252 (the encoding Excel uses for CSV on Windows)";

/** Windows-1252 bytes 0x80–0x9F (Node's decoder may give C1 control characters for these; Excel writes € ‘ ’ “ ” – — here). */
const cp1252High = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];

/** Windows-1252 to text: bytes below 0x80 and from 0xA0 are the same code points (ISO-8859-1); 0x80–0x9F from the table. */
export function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const chunk = 8192;
  for (let i = 0; i < bytes.length; i += chunk) {
    const codes = Array.from(bytes.subarray(i, i + chunk), (b) => (b >= 0x80 && b <= 0x9f ? cp1252High[b - 0x80] : b));
    parts.push(String.fromCharCode(...codes));
  }
  return parts.join("");
}

/**
 * Decode bytes as text. A UTF-8 or UTF-16 byte-order mark decides; otherwise the bytes are tried as strict
 * UTF-8 and, if invalid (a Windows-1252 "£" is the byte 0xA3 on its own), read as Windows-1252, which
 * Excel on Windows writes for "CSV" by default. The BOM is never part of the returned text.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    try {
      return { text: utf8.decode(bytes.subarray(3)), encoding: "utf-8", bom: true };
    } catch {
      return { text: decodeWindows1252(bytes.subarray(3)), encoding: "windows-1252", bom: true };
    }
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "utf-16le", bom: true };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), encoding: "utf-16be", bom: true };
  const utf16 = guessUtf16(bytes);
  if (utf16) return { text: new TextDecoder(utf16).decode(bytes), encoding: utf16, bom: false };
  try {
    return { text: utf8.decode(bytes), encoding: "utf-8", bom: false };
  } catch {
    return { text: decodeWindows1252(bytes), encoding: "windows-1252", bom: false };
  }
}

/** UTF-16 without a byte-order mark: most ASCII text has a zero in every other byte. */
function guessUtf16(bytes: Uint8Array): "utf-16le" | "utf-16be" | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const half = n / 2;
  if (oddZero > half * 0.6 && evenZero < half * 0.1) return "utf-16le";
  if (evenZero > half * 0.6 && oddZero < half * 0.1) return "utf-16be";
  return null;
}

/** The encoding of a file from its first bytes, as decodeText would choose it (for files too large to decode whole). */
export function sniffEncoding(head: Uint8Array, wholeFile: boolean): DecodedText["encoding"] {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  const utf16 = guessUtf16(head);
  if (utf16) return utf16;
  // A multi-byte character may be cut at the end of a sample: only the bytes before the last 4 must be valid.
  const body = wholeFile ? head : head.subarray(0, Math.max(0, head.length - 4));
  try {
    utf8.decode(body);
    return "utf-8";
  } catch {
    return "windows-1252";
  }
}

/** The first bytes of files that are not text, and what each is. */
const SIGNATURES: [number[], string][] = [
  [[0x50, 0x4b, 0x03, 0x04], "a zip file (an Excel .xlsx workbook is one): save the sheet as CSV"],
  [[0xd0, 0xcf, 0x11, 0xe0], "an old Excel .xls workbook: save the sheet as CSV"],
  [[0x25, 0x50, 0x44, 0x46], "a PDF document"],
  [[0x89, 0x50, 0x4e, 0x47], "a PNG image"],
  [[0xff, 0xd8, 0xff], "a JPEG image"],
  [[0x47, 0x49, 0x46, 0x38], "a GIF image"],
];

/** What a file is when its first bytes say it is a workbook, a document or an image, or null. */
export function binarySignature(bytes: Uint8Array): string | null {
  return SIGNATURES.find(([magic]) => magic.every((b, i) => bytes[i] === b))?.[1] ?? null;
}

/**
 * An image, a PDF or another binary format given as text: a known signature, or many control characters no text file
 * holds (tab, line feed, carriage return aside) in the first 1,024 characters. A stray NUL or two in a CSV cell is
 * not enough (that row is rejected, the rest kept).
 */
export function looksBinary(bytes: Uint8Array): boolean {
  if (binarySignature(bytes)) return true;
  const sample = decodeText(bytes.subarray(0, 4096)).text.slice(0, 1024);
  const controls = sample.match(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g)?.length ?? 0;
  return controls >= 4 && controls >= sample.length * 0.02;
}
