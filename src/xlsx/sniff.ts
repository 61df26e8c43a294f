import { strFromU8 } from 'fflate';
import type { UnusableInput } from '../engine/types';
import { type Codec, defaultCodec, hasEntry, lazyEntries, readArchive } from './zip';

/**
 * What a file is, decided from its bytes alone. Users rename files freely (a CSV saved as
 * `.xlsx`, an old `.xls` renamed to please an upload form), so the extension proves nothing; the
 * point is to say precisely why a file cannot be read instead of letting the workbook library
 * fail with a message about zip internals.
 */
export type PackageKind = 'xlsx' | 'xlsm';

export type SniffResult =
  | { ok: true; kind: PackageKind; entries: Record<string, Uint8Array>; error?: never }
  | { ok: false; error: UnusableInput; kind?: never; entries?: never };

const CFB_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const WORKBOOK_PART = 'xl/workbook.xml';
const CONTENT_TYPES_PART = '[Content_Types].xml';

const XLSX_MAIN_TYPES = [
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml',
];
const XLSM_MAIN_TYPES = [
  'application/vnd.ms-excel.sheet.macroEnabled.main+xml',
  'application/vnd.ms-excel.template.macroEnabled.main+xml',
];

/**
 * The most a package's parts may inflate to, together, by their declared sizes (inflating never
 * goes past a part's declared size: zip.ts). A project list of 100,000 rows inflates to under
 * 100 MB; a small file declaring gigabytes (a zip bomb) is refused before anything is inflated.
 */
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024;

/**
 * Bytes in MB for a message: rounded up when stating a size over a limit, so that a size just
 * over the limit never reads as equal to it; below 1 MB, two significant digits (small test limits).
 */
export function megabytes(bytes: number, roundUp: boolean): string {
  const mb = bytes / (1024 * 1024);
  if (mb < 1) return String(Number(mb.toPrecision(2)));
  const tenths = roundUp ? Math.ceil(mb * 10) : Math.round(mb * 10);
  return String(tenths / 10);
}

/** How much of a non-package file is looked at to tell CSV from prose from binary. */
const TEXT_PROBE_BYTES = 4096;

function unusable(code: UnusableInput['code'], params: Record<string, string> = {}): SniffResult {
  return { ok: false, error: { code, params } };
}

function notAWorkbook(detail: 'empty' | 'xls' | 'csv' | 'text' | 'zip' | 'other'): SniffResult {
  return unusable('not-a-workbook', { detail });
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  if (bytes.length < prefix.length) return false;
  return prefix.every((b, i) => bytes[i] === b);
}

/**
 * Recognises an Excel package by content. `entries` are the package's parts, inflated when first
 * read (see `lazyEntries`), handed on so that the reader (ownership record) and the writer (macro
 * project, custom parts) need not unzip again, and so that the writer can copy unchanged parts
 * compressed as they are.
 */
export function sniff(bytes: Uint8Array, codec: Codec = defaultCodec(), maxUncompressed = DEFAULT_MAX_UNCOMPRESSED_BYTES): SniffResult {
  if (bytes.length === 0) return notAWorkbook('empty');
  if (startsWith(bytes, CFB_SIGNATURE)) return sniffCompoundFile(bytes);
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return sniffZip(bytes, codec, maxUncompressed);
  const text = classifyText(bytes);
  return notAWorkbook(text ?? 'other');
}

// ---------------------------------------------------------------------------------------------
// OLE compound files: both an Excel 97-2003 workbook and a password-protected OOXML workbook are
// one, and they call for different advice, so the directory has to be read.

const END_OF_CHAIN = 0xfffffffe;
const FREE_SECTOR = 0xffffffff;
const MAX_REGULAR_SECTOR = 0xfffffffa;
const DIRECTORY_ENTRY_SIZE = 128;
const HEADER_DIFAT_ENTRIES = 109;

function sniffCompoundFile(bytes: Uint8Array): SniffResult {
  const names = compoundFileStreamNames(bytes);
  if (!names) return unusable('truncated');
  if (names.has('ENCRYPTIONINFO') && names.has('ENCRYPTEDPACKAGE')) return unusable('password-protected');
  // "Book" is what Excel 5/95 wrote; still an old binary workbook as far as the user is concerned.
  if (names.has('WORKBOOK') || names.has('BOOK')) return notAWorkbook('xls');
  return notAWorkbook('other');
}

/**
 * Upper-cased names of every stream in a compound file (names compare case-insensitively in the
 * format), or null when the header, FAT or directory cannot be followed: a cut-off download
 * usually loses the directory, which most writers put near the end.
 */
export function compoundFileStreamNames(bytes: Uint8Array): Set<string> | null {
  if (bytes.length < 512) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sectorShift = view.getUint16(0x1e, true);
  if (sectorShift !== 9 && sectorShift !== 12) return null;
  const sectorSize = 1 << sectorShift;
  const sectorCount = Math.ceil(bytes.length / sectorSize);
  const fatSectorCount = view.getUint32(0x2c, true);
  const firstDirectorySector = view.getUint32(0x30, true);
  const firstDifatSector = view.getUint32(0x44, true);
  if (fatSectorCount === 0 || fatSectorCount > sectorCount) return null;

  // Sector n lives at (n + 1) * size: the header takes the first slot. The last sector may be
  // short in files some writers produce, so it is zero-padded rather than refused.
  const sector = (n: number): Uint8Array | null => {
    const start = (n + 1) * sectorSize;
    if (n > MAX_REGULAR_SECTOR || start >= bytes.length) return null;
    const out = new Uint8Array(sectorSize);
    out.set(bytes.subarray(start, Math.min(start + sectorSize, bytes.length)));
    return out;
  };

  const fatSectors: number[] = [];
  for (let i = 0; i < HEADER_DIFAT_ENTRIES && fatSectors.length < fatSectorCount; i++) {
    fatSectors.push(view.getUint32(0x4c + 4 * i, true));
  }
  const perDifatSector = sectorSize / 4 - 1;
  const seenDifat = new Set<number>();
  let difat = firstDifatSector;
  while (fatSectors.length < fatSectorCount) {
    if (difat === END_OF_CHAIN || difat === FREE_SECTOR || seenDifat.has(difat)) return null;
    seenDifat.add(difat);
    const s = sector(difat);
    if (!s) return null;
    const sv = new DataView(s.buffer);
    for (let i = 0; i < perDifatSector && fatSectors.length < fatSectorCount; i++) {
      fatSectors.push(sv.getUint32(4 * i, true));
    }
    difat = sv.getUint32(4 * perDifatSector, true);
  }

  const fat = new Uint32Array((fatSectorCount * sectorSize) / 4);
  for (let i = 0; i < fatSectors.length; i++) {
    const s = sector(fatSectors[i]);
    if (!s) return null;
    const sv = new DataView(s.buffer);
    for (let j = 0; j < sectorSize / 4; j++) fat[(i * sectorSize) / 4 + j] = sv.getUint32(4 * j, true);
  }

  const names = new Set<string>();
  const seen = new Set<number>();
  let current = firstDirectorySector;
  let first = true;
  while (current !== END_OF_CHAIN) {
    if (current >= fat.length || seen.has(current)) return null;
    seen.add(current);
    const s = sector(current);
    if (!s) return null;
    const sv = new DataView(s.buffer);
    for (let off = 0; off + DIRECTORY_ENTRY_SIZE <= sectorSize; off += DIRECTORY_ENTRY_SIZE) {
      const type = sv.getUint8(off + 0x42);
      if (first) {
        // Entry 0 is always the root storage; anything else means we are not reading a directory.
        if (type !== 5) return null;
        first = false;
        continue;
      }
      if (type !== 2) continue;
      const nameBytes = sv.getUint16(off + 0x40, true);
      if (nameBytes < 2 || nameBytes > 64 || nameBytes % 2 !== 0) continue;
      const name = new TextDecoder('utf-16le').decode(s.subarray(off, off + nameBytes - 2));
      names.add(name.toUpperCase());
    }
    current = fat[current];
  }
  if (first) return null;
  return names;
}

// ---------------------------------------------------------------------------------------------
// Zip packages.

/** The parts read whole while sniffing, so that their damage is reported here. */
const SNIFFED_PARTS = [CONTENT_TYPES_PART, WORKBOOK_PART];

/**
 * The central directory and local headers are checked, and the content types and the workbook part
 * inflated and checked against their CRC-32; the other parts are left for whoever reads them (the
 * workbook library inflates them anyway) and checked by `verifyEntries` (see `readWorkbookBytes`).
 */
function sniffZip(bytes: Uint8Array, codec: Codec, maxUncompressed: number): SniffResult {
  const archive = readArchive(bytes);
  if (!archive.ok) return unusable(archive.reason === 'encrypted' ? 'password-protected' : 'truncated');
  let uncompressed = 0;
  for (const e of archive.entries) uncompressed += e.size;
  if (uncompressed > maxUncompressed) {
    return unusable('too-large', { size: megabytes(uncompressed, true), limit: megabytes(maxUncompressed, false), detail: 'uncompressed' });
  }
  const entries = lazyEntries(archive.entries, codec);
  let contentTypes: Uint8Array | undefined;
  try {
    for (const part of SNIFFED_PARTS) if (hasEntry(entries, part)) void entries[part];
    contentTypes = hasEntry(entries, CONTENT_TYPES_PART) ? entries[CONTENT_TYPES_PART] : undefined;
  } catch {
    return unusable('truncated');
  }
  const kind = contentTypes && hasEntry(entries, WORKBOOK_PART) ? packageKind(strFromU8(contentTypes)) : null;
  if (!kind) {
    // Not a workbook; but a damaged one is said to be damaged, as a whole check would have found.
    // (Only on this path: the cost of inflating everything is no matter when refusing.)
    return intactSync(entries) ? notAWorkbook('zip') : unusable('truncated');
  }
  return { ok: true, kind, entries };
}

function intactSync(entries: Record<string, Uint8Array>): boolean {
  try {
    for (const name of Object.keys(entries)) void entries[name];
    return true;
  } catch {
    return false;
  }
}

/**
 * The kind declared for the workbook part. A package that declares no type for it is still read
 * as xlsx (the workbook library finds parts by path), but one that declares another type is not
 * a workbook.
 */
function packageKind(contentTypesXml: string): PackageKind | null {
  const overrides = contentTypesXml.match(/<(?:\w+:)?Override\b[^>]*>/g) ?? [];
  for (const tag of overrides) {
    const part = /PartName\s*=\s*["']([^"']*)["']/.exec(tag)?.[1];
    if (!part || part.replace(/^\//, '').toLowerCase() !== WORKBOOK_PART) continue;
    const type = /ContentType\s*=\s*["']([^"']*)["']/.exec(tag)?.[1]?.trim() ?? '';
    if (XLSM_MAIN_TYPES.includes(type)) return 'xlsm';
    if (XLSX_MAIN_TYPES.includes(type)) return 'xlsx';
    return null;
  }
  return 'xlsx';
}

// ---------------------------------------------------------------------------------------------
// Text: a CSV deserves its own advice ("open it in Excel and save as .xlsx").

function classifyText(bytes: Uint8Array): 'csv' | 'text' | null {
  const text = decodeHead(bytes);
  if (text === null) return null;
  // Control characters other than layout ones mean binary that happened to decode.
  if (/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text.replace(/\u001a$/, ''))) return null;
  return looksDelimited(text, bytes.length > TEXT_PROBE_BYTES) ? 'csv' : 'text';
}

/** The first 4 KB as text: UTF-16 with a BOM (Excel's "Unicode text"), UTF-8, or GB18030. */
function decodeHead(bytes: Uint8Array): string | null {
  const head = bytes.subarray(0, TEXT_PROBE_BYTES);
  const cut = bytes.length > TEXT_PROBE_BYTES;
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    const encoding = head[0] === 0xff ? 'utf-16le' : 'utf-16be';
    const even = head.subarray(2, 2 + ((head.length - 2) & ~1));
    return new TextDecoder(encoding).decode(even);
  }
  const utf8 = decodeFatal('utf-8', head, cut);
  if (utf8 !== null) return utf8.replace(/^\uFEFF/, '');
  // Files saved by Chinese Windows/WPS are often GBK; GB18030 decodes all of GBK.
  if (head.some((b) => b >= 0x80)) return decodeFatal('gb18030', head, cut);
  return null;
}

/** Decodes strictly; when the probe cut the file, up to 3 bytes of a split character are dropped. */
function decodeFatal(encoding: string, head: Uint8Array, cut: boolean): string | null {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    return null; // a Node build without full ICU lacks GB18030
  }
  for (let drop = 0; drop <= (cut ? 3 : 0); drop++) {
    try {
      return decoder.decode(head.subarray(0, head.length - drop));
    } catch {
      // try a shorter prefix
    }
  }
  return null;
}

/**
 * Several lines, nearly all carrying the same delimiter outside quotes. Prose in Chinese uses the
 * full-width comma, so ASCII commas on most lines are a strong sign of a CSV.
 */
function looksDelimited(text: string, cut: boolean): boolean {
  let lines = text.split(/\r\n|\n|\r/);
  if (cut && lines.length > 1) lines = lines.slice(0, -1); // the last line may be partial
  lines = lines.filter((l) => l.trim() !== '');
  if (lines.length < 2) return false;
  return [',', '\t', ';'].some((d) => {
    const counts = lines.map((l) => countOutsideQuotes(l, d));
    const withDelimiter = counts.filter((c) => c > 0).length;
    return withDelimiter >= 2 && withDelimiter >= 0.8 * lines.length;
  });
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let inQuotes = false;
  let n = 0;
  for (const ch of line) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (ch === delimiter && !inQuotes) n++;
  }
  return n;
}
