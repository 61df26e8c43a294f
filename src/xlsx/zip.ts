/**
 * Zip archives at entry level, for a package that is read once and written back mostly unchanged.
 *
 * Reading: `readArchive` checks the central directory and every local header (cheap: no entry is
 * inflated) and `lazyEntries` gives the parts as a record whose values are inflated on first use,
 * each checked against its size and CRC-32 then. `verifyEntries` checks every part, off the main
 * thread in Node, while the workbook library reads the same bytes.
 *
 * Writing: `writeZip` copies a part that is still the one read — its compressed bytes, CRC, sizes
 * and method — as it was, and deflates only new or changed parts.
 *
 * Inflating and deflating go through a `Codec`: Node's native zlib where there is one (found at run
 * time through `process.getBuiltinModule`, so that a browser bundle never refers to it), fflate
 * otherwise (the browser workbench, Node before 20.16).
 */
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';

export type Entries = Record<string, Uint8Array>;

// ---------------------------------------------------------------------------------------------
// Codecs

export interface Codec {
  readonly name: 'zlib' | 'fflate';
  /** Raw DEFLATE data to `size` bytes; throws when the data is damaged or inflates to more. */
  inflateRaw(data: Uint8Array, size: number): Uint8Array;
  deflateRaw(data: Uint8Array): Uint8Array;
  /**
   * One piece of a raw DEFLATE stream made of independently compressed pieces: all but the `final`
   * one end in a sync flush (byte-aligned, not the last block), so that the pieces concatenated are
   * one valid stream. Lets a large part be compressed as it is written (zlib only).
   */
  deflatePiece?(data: Uint8Array, final: boolean): Uint8Array;
  /** CRC-32, continuing from `value` (the CRC-32 of what came before). */
  crc32(data: Uint8Array, value?: number): number;
  /**
   * The length and CRC-32 of what raw DEFLATE data inflates to (at most `size` bytes), null when
   * it is damaged. Node's zlib does the work on its thread pool, beside the main thread.
   */
  inflatedCheck(data: Uint8Array, size: number): Promise<{ length: number; crc: number } | null>;
}

/** The part of Node's zlib used here (typed locally: the browser build has no Node types). */
interface NodeZlib {
  inflateRawSync(data: Uint8Array, options: { maxOutputLength: number }): Uint8Array;
  deflateRawSync(data: Uint8Array, options: { level: number; finishFlush?: number }): Uint8Array;
  inflateRaw(
    data: Uint8Array,
    options: { maxOutputLength: number; chunkSize: number },
    callback: (error: Error | null, result: Uint8Array) => void,
  ): void;
  crc32?: (data: Uint8Array, value?: number) => number;
  constants: { Z_SYNC_FLUSH: number; Z_FINISH: number };
}

const DEFLATE_LEVEL = 6;

let crcTable: Int32Array | undefined;

/** CRC-32 in JavaScript (the browser; Node before 20.15 has no zlib.crc32), continuing from `value`. */
export function crc32(data: Uint8Array, value = 0): number {
  let table = crcTable;
  if (!table) {
    table = crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  let crc = value ^ -1;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** GF(2) 32×32 matrix times a vector (zlib's crc32_combine). */
function gf2Times(matrix: Uint32Array, vector: number): number {
  let sum = 0;
  for (let i = 0; vector !== 0; i++, vector >>>= 1) if (vector & 1) sum ^= matrix[i];
  return sum >>> 0;
}

function gf2Square(square: Uint32Array, matrix: Uint32Array): void {
  for (let n = 0; n < 32; n++) square[n] = gf2Times(matrix, matrix[n]);
}

/** The CRC-32 of A followed by B, from A's CRC-32, B's and B's length (zlib's crc32_combine). */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA >>> 0;
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  odd[0] = 0xedb88320;
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row;
  gf2Square(even, odd); // two zero bits
  gf2Square(odd, even); // four zero bits
  let crc = crcA >>> 0;
  let length = lengthB;
  // Apply length zero bytes to A's CRC, one bit of the length per squaring.
  for (;;) {
    gf2Square(even, odd);
    if (length % 2 === 1) crc = gf2Times(even, crc);
    length = Math.floor(length / 2);
    if (length === 0) break;
    gf2Square(odd, even);
    if (length % 2 === 1) crc = gf2Times(odd, crc);
    length = Math.floor(length / 2);
    if (length === 0) break;
  }
  return (crc ^ crcB) >>> 0;
}

/** A view of the same bytes as a plain Uint8Array (Node returns Buffers, whose slice() shares). */
const plain = (b: Uint8Array): Uint8Array => (b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength));

export const fflateCodec: Codec = {
  name: 'fflate',
  inflateRaw(data, size) {
    // Into a buffer one byte past the declared size, which fflate then never grows: memory stays
    // bounded by the size (a zip bomb's part declaring little is not inflated whole), and a full
    // buffer shows that the data inflates to more.
    const out = inflateSync(data, { out: new Uint8Array(size + 1) });
    if (out.length > size) throw new Error('inflates to more than its declared size');
    return out;
  },
  deflateRaw: (data) => deflateSync(data, { level: DEFLATE_LEVEL }),
  crc32,
  inflatedCheck(data, size) {
    try {
      const out = fflateCodec.inflateRaw(data, size);
      return Promise.resolve({ length: out.length, crc: crc32(out) });
    } catch {
      return Promise.resolve(null);
    }
  },
};

/** Largest output buffer for one inflate on the thread pool (larger parts take several rounds). */
const MAX_CHUNK = 256 * 1024 * 1024;

export function zlibCodec(zlib: NodeZlib): Codec {
  const native = zlib.crc32;
  const crc = native ? (data: Uint8Array, value = 0): number => native(data, value) >>> 0 : crc32;
  const { Z_SYNC_FLUSH, Z_FINISH } = zlib.constants;
  return {
    name: 'zlib',
    // maxOutputLength: a part inflating past its declared size is damaged, and is not let grow.
    inflateRaw: (data, size) => plain(zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, size) })),
    deflateRaw: (data) => plain(zlib.deflateRawSync(data, { level: DEFLATE_LEVEL })),
    deflatePiece: (data, final) => plain(zlib.deflateRawSync(data, { level: DEFLATE_LEVEL, finishFlush: final ? Z_FINISH : Z_SYNC_FLUSH })),
    crc32: crc,
    inflatedCheck(data, size) {
      return new Promise((resolve) => {
        // One output buffer for the whole part: the thread pool then inflates it in one go,
        // without waiting for the (busy) main thread between chunks.
        const chunkSize = Math.min(MAX_CHUNK, Math.max(64, size + 64));
        try {
          zlib.inflateRaw(data, { maxOutputLength: Math.max(1, size), chunkSize }, (error, out) =>
            resolve(error ? null : { length: out.length, crc: crc(out) }),
          );
        } catch {
          resolve(null);
        }
      });
    },
  };
}

let detected: Codec | undefined;

/** Node's zlib when the host is Node (20.16 or later), fflate otherwise. */
export function defaultCodec(): Codec {
  return (detected ??= detectCodec(globalThis));
}

export function detectCodec(host: unknown): Codec {
  const process = (host as { process?: { getBuiltinModule?: (id: string) => unknown } } | undefined)?.process;
  try {
    const zlib = process?.getBuiltinModule?.('node:zlib') as NodeZlib | undefined;
    if (zlib && typeof zlib.inflateRawSync === 'function' && typeof zlib.deflateRawSync === 'function' && zlib.constants) return zlibCodec(zlib);
  } catch {
    // not Node after all
  }
  return fflateCodec;
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  crc: number;
  /** Uncompressed size. */
  size: number;
  /** The compressed bytes: a view into the archive. */
  data: Uint8Array;
}

interface CentralEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

export type ArchiveResult =
  | { ok: true; entries: ZipEntry[] }
  /** damaged: the directory, a local header or the data is cut off or inconsistent. */
  | { ok: false; reason: 'damaged' | 'encrypted' };

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;

/**
 * The entries of a zip archive, without inflating any. Damaged when the central directory cannot
 * be read, an entry's local header is not where it says, its data runs past the end, or it uses
 * a method other than stored and deflated; encrypted when an entry is (checked after the
 * directory, before the local headers, as an archiver would report it).
 */
export function readArchive(input: Uint8Array): ArchiveResult {
  // A Buffer's subarrays are Buffers, whose slice() shares memory: the entries' views are plain.
  const bytes = plain(input);
  const central = readCentralDirectory(bytes);
  if (!central) return { ok: false, reason: 'damaged' };
  // Zip-level encryption (not what Excel writes, but some archivers do) cannot be inflated.
  if (central.some((e) => (e.flags & 1) !== 0)) return { ok: false, reason: 'encrypted' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: ZipEntry[] = [];
  const seen = new Map<string, CentralEntry>();
  for (const e of central) {
    const o = e.offset;
    if (o + 30 > bytes.length || view.getUint32(o, true) !== SIG_LOCAL) return { ok: false, reason: 'damaged' };
    const start = o + 30 + view.getUint16(o + 26, true) + view.getUint16(o + 28, true);
    if (start + e.compressedSize > bytes.length) return { ok: false, reason: 'damaged' };
    if (e.method !== 0 && e.method !== 8) return { ok: false, reason: 'damaged' };
    if (e.method === 0 && e.compressedSize !== e.size) return { ok: false, reason: 'damaged' };
    // The same name twice: the last one is the part (as unzippers take it); differing ones mean damage.
    const before = seen.get(e.name);
    if (before && (before.crc !== e.crc || before.size !== e.size)) return { ok: false, reason: 'damaged' };
    seen.set(e.name, e);
    entries.push({ name: e.name, method: e.method, crc: e.crc, size: e.size, data: bytes.subarray(start, start + e.compressedSize) });
  }
  return { ok: true, entries };
}

/** The central directory's entries, or null when it is missing or damaged (a cut-off file). */
function readCentralDirectory(bytes: Uint8Array): CentralEntry[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (o: number): number => view.getUint32(o, true);
  const u16 = (o: number): number => view.getUint16(o, true);
  const u64 = (o: number): number => Number(view.getBigUint64(o, true));
  if (bytes.length < 22) return null;
  let eocd = -1;
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let o = bytes.length - 22; o >= lowest; o--) {
    if (u32(o) === SIG_EOCD) {
      eocd = o;
      break;
    }
  }
  if (eocd < 0) return null;
  let count = u16(eocd + 10);
  let offset = u32(eocd + 16);
  let zip64 = false;
  // Zip64: the real count and offset sit in the zip64 end record the locator points at.
  if (eocd >= 20 && u32(eocd - 20) === SIG_EOCD64_LOCATOR) {
    const z64 = u64(eocd - 12);
    if (z64 + 56 > bytes.length || u32(z64) !== SIG_EOCD64) return null;
    count = u64(z64 + 32);
    offset = u64(z64 + 48);
    zip64 = true;
  }
  const out: CentralEntry[] = [];
  let o = offset;
  for (let i = 0; i < count; i++) {
    if (o + 46 > bytes.length || u32(o) !== SIG_CENTRAL) return null;
    const flags = u16(o + 8);
    const nameLength = u16(o + 28);
    const extraLength = u16(o + 30);
    const commentLength = u16(o + 32);
    if (o + 46 + nameLength + extraLength > bytes.length) return null;
    // Names decoded as fflate decodes them: UTF-8 when flagged, else byte by byte.
    const name = strFromU8(bytes.subarray(o + 46, o + 46 + nameLength), !(flags & 0x800));
    let compressedSize = u32(o + 20);
    let size = u32(o + 24);
    let local = u32(o + 42);
    if (zip64 && (compressedSize === U32_MAX || size === U32_MAX || local === U32_MAX)) {
      // The zip64 extra field holds, in this order, those of the three that did not fit.
      const end = o + 46 + nameLength + extraLength;
      for (let x = o + 46 + nameLength; x + 4 <= end; x += 4 + u16(x + 2)) {
        if (u16(x) !== 1) continue;
        let at = x + 4;
        const next = (): number => {
          if (at + 8 > end) return NaN;
          const v = u64(at);
          at += 8;
          return v;
        };
        if (size === U32_MAX) size = next();
        if (compressedSize === U32_MAX) compressedSize = next();
        if (local === U32_MAX) local = next();
        break;
      }
      if (![size, compressedSize, local].every(Number.isSafeInteger)) return null;
    }
    out.push({ name, flags, method: u16(o + 10), crc: u32(o + 16), compressedSize, size, offset: local });
    o += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Lazy entries

/** A part as read: where its bytes are, and whether they were found to inflate to its CRC. */
interface Source {
  entry: ZipEntry;
  codec: Codec;
  verified: boolean;
}

/** A part inflated to other than its size or CRC-32. */
export class DamagedEntry extends Error {
  override name = 'DamagedEntry';
}

/** The getter standing for each unread part of a lazy record → the part it reads. */
const GETTERS = new WeakMap<object, Source>();
/** Bytes a lazy record gave → the part they came from (so that a copied record still copies raw). */
const INFLATED = new WeakMap<Uint8Array, Source>();

function inflateSource(source: Source): Uint8Array {
  const { entry, codec } = source;
  let out: Uint8Array;
  try {
    // A stored part is copied: whoever changes the bytes read must not change the archive's.
    out = entry.method === 0 ? new Uint8Array(entry.data) : codec.inflateRaw(entry.data, entry.size);
  } catch (e) {
    throw new DamagedEntry(`${entry.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (out.length !== entry.size || codec.crc32(out) !== entry.crc) throw new DamagedEntry(`${entry.name}: size or CRC-32 mismatch`);
  source.verified = true;
  INFLATED.set(out, source);
  return out;
}

/**
 * The parts as a record that inflates each on first read (then keeps it), throwing `DamagedEntry`
 * when it does not match its size and CRC-32. Assigning a part replaces it as with a plain record;
 * a part never read or assigned is written back by `writeZip` as it was read.
 */
export function lazyEntries(entries: ZipEntry[], codec: Codec = defaultCodec()): Entries {
  const out: Entries = {};
  for (const entry of entries) defineLazy(out, entry.name, { entry, codec, verified: false });
  return out;
}

function defineLazy(entries: Entries, name: string, source: Source): void {
  let bytes: Uint8Array | undefined;
  const get = (): Uint8Array => (bytes ??= inflateSource(source));
  GETTERS.set(get, source);
  Object.defineProperty(entries, name, {
    get,
    set(this: Entries, value: Uint8Array) {
      Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
    },
    enumerable: true,
    configurable: true,
  });
}

function unreadSource(entries: Entries, name: string): Source | undefined {
  const get = Object.getOwnPropertyDescriptor(entries, name)?.get;
  return get ? GETTERS.get(get) : undefined;
}

/** Copies a record's properties as they are: a lazy part stays lazy (`{ ...entries }` would inflate it). */
export function copyEntries(entries: Entries): Entries {
  return Object.defineProperties({} as Entries, Object.getOwnPropertyDescriptors(entries));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Whether the part `name` holds exactly `bytes`. A part not yet inflated is inflated only when its
 * size and CRC-32 say it may (a regenerated sheet of 100 MB is compared without inflating the old).
 */
export function holds(entries: Entries, name: string, bytes: Uint8Array): boolean {
  const source = unreadSource(entries, name);
  if (source && (source.entry.size !== bytes.length || source.codec.crc32(bytes) !== source.entry.crc)) return false;
  return sameBytes(entries[name], bytes);
}

/** Whether the part is there, without inflating it. */
export const hasEntry = (entries: Entries, name: string): boolean => Object.prototype.hasOwnProperty.call(entries, name);

async function verifySource(source: Source): Promise<boolean> {
  if (source.verified) return true;
  const { entry, codec } = source;
  let check: { length: number; crc: number } | null;
  if (entry.method === 0) check = { length: entry.data.length, crc: codec.crc32(entry.data) };
  else check = await codec.inflatedCheck(entry.data, entry.size);
  source.verified = check !== null && check.length === entry.size && check.crc === entry.crc;
  return source.verified;
}

/**
 * Whether every part of a lazy record not yet read inflates to its size and CRC-32. In Node the
 * inflating runs on zlib's thread pool, so that it overlaps whatever the main thread does meanwhile.
 */
export async function verifyEntries(entries: Entries): Promise<boolean> {
  const checks: Promise<boolean>[] = [];
  for (const name of Object.keys(entries)) {
    const source = unreadSource(entries, name);
    if (source && !source.verified) checks.push(verifySource(source));
  }
  return (await Promise.all(checks)).every(Boolean);
}

// ---------------------------------------------------------------------------------------------
// Writing

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** A part made by a PartWriter: its bytes, or (zlib) its compressed bytes with their CRC-32 and size. */
export type WrittenPart = Uint8Array | ZipEntry;

/**
 * A part written as text (a worksheet of 100 MB of XML): UTF-8 in chunks of 1 MB, each compressed as
 * it fills where the codec can, so that neither a string nor the bytes of the whole part are ever held.
 */
export class PartWriter {
  private static readonly CHUNK = 1 << 20;
  private static readonly encoder = new TextEncoder();
  private readonly pieces: Uint8Array[] = [];
  private chunk = new Uint8Array(0);
  private used = 0;
  /** CRC-32 and length of what the pieces hold (compressed mode). */
  private crc = 0;
  private size = 0;

  constructor(private readonly codec: Codec = defaultCodec()) {}

  write(s: string): void {
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    if (this.chunk.length - this.used < s.length * 3) {
      this.flush(false);
      if (this.chunk.length - this.used < s.length * 3) this.chunk = new Uint8Array(Math.max(PartWriter.CHUNK, s.length * 3));
    }
    this.used += PartWriter.encoder.encodeInto(s, this.chunk.subarray(this.used)).written;
  }

  private flush(final: boolean): void {
    const data = this.chunk.subarray(0, this.used);
    const { codec } = this;
    if (codec.deflatePiece) {
      if (data.length > 0 || final) this.pieces.push(codec.deflatePiece(data, final));
      this.crc = codec.crc32(data, this.crc);
      this.size += data.length;
      this.used = 0; // the chunk is reused
    } else if (data.length > 0) {
      this.pieces.push(data);
      this.chunk = new Uint8Array(0);
      this.used = 0;
    }
  }

  /** The part: `head`, what was written, then `tail` (the head is known last: a sheet's dimension). */
  finish(name: string, head: string, tail: string): WrittenPart {
    this.write(tail);
    const first = strToU8(head);
    const { codec } = this;
    if (!codec.deflatePiece) {
      this.flush(true);
      return concat([first, ...this.pieces]);
    }
    this.flush(true);
    // The head as a piece of its own, put first: the CRC-32 of head + rest from both.
    const data = concat([codec.deflatePiece(first, false), ...this.pieces]);
    const crc = crc32Combine(codec.crc32(first), this.crc, this.size);
    return { name, method: 8, crc, size: first.length + this.size, data };
  }
}

/** Puts a written part into a record: bytes as they are; a compressed one as a lazy part, known intact. */
export function putPart(entries: Entries, name: string, part: WrittenPart, codec: Codec = defaultCodec()): void {
  if (part instanceof Uint8Array) entries[name] = part;
  else defineLazy(entries, name, { entry: { ...part, name }, codec, verified: true });
}

/** 1980-01-01 00:00 in MS-DOS form: a fixed time, so that the same parts give the same bytes. */
const DOS_TIME = 0;
const DOS_DATE = (1 << 5) | 1;

interface Written {
  name: Uint8Array;
  flags: number;
  method: number;
  crc: number;
  size: number;
  data: Uint8Array;
  offset: number;
}

/** Version 2.0: deflate. */
const ZIP_VERSION = 20;

/** The fields a local header and a central directory entry share, from "version needed" to the extra field's length. */
function fileHeader(view: DataView, at: number, w: Written): void {
  view.setUint16(at, ZIP_VERSION, true);
  view.setUint16(at + 2, w.flags, true);
  view.setUint16(at + 4, w.method, true);
  view.setUint16(at + 6, DOS_TIME, true);
  view.setUint16(at + 8, DOS_DATE, true);
  view.setUint32(at + 10, w.crc, true);
  view.setUint32(at + 14, w.data.length, true);
  view.setUint32(at + 18, w.size, true);
  view.setUint16(at + 22, w.name.length, true);
  view.setUint16(at + 24, 0, true); // no extra field
}

/**
 * Zips `entries` in the order of `names`. A part of a lazy record that is still the one read (never
 * assigned; or assigned the very bytes it gave, unchanged) keeps its compressed bytes; other parts
 * are deflated, empty ones stored. Throws `DamagedEntry` when a part copied as it was does not
 * inflate to its CRC-32 (a record that was never verified).
 */
export function writeZip(entries: Entries, names: string[], codec: Codec = defaultCodec()): Uint8Array {
  const written: Written[] = [];
  let offset = 0;
  for (const name of names) {
    let source = unreadSource(entries, name);
    let data: Uint8Array | undefined;
    if (!source) {
      data = entries[name];
      const from = INFLATED.get(data);
      // The bytes a lazy record gave, carried into another record: still the part read, unless changed in place.
      if (from && data.length === from.entry.size && codec.crc32(data) === from.entry.crc) source = from;
    }
    let w: Omit<Written, 'offset' | 'name'>;
    if (source) {
      if (!source.verified) inflateSource(source);
      const { entry } = source;
      w = { flags: 0, method: entry.method, crc: entry.crc, size: entry.size, data: entry.data };
    } else {
      const bytes = data as Uint8Array;
      const stored = bytes.length === 0;
      w = { flags: 0, method: stored ? 0 : 8, crc: codec.crc32(bytes), size: bytes.length, data: stored ? bytes : codec.deflateRaw(bytes) };
    }
    const encoded = strToU8(name);
    // Bit 11: the name is UTF-8 (only said when it is not plain ASCII, as zip tools do).
    const flags = encoded.length !== name.length ? 0x800 : 0;
    written.push({ ...w, name: encoded, flags, offset });
    offset += 30 + encoded.length + w.data.length;
    if (offset > U32_MAX || w.size > U32_MAX) throw new Error('the package is too large for a zip without zip64');
  }
  if (written.length > 0xffff) throw new Error('the package has too many parts for a zip without zip64');
  const centralSize = written.reduce((n, w) => n + 46 + w.name.length, 0);
  const out = new Uint8Array(offset + centralSize + 22);
  const view = new DataView(out.buffer);
  let o = 0;
  for (const w of written) {
    view.setUint32(o, SIG_LOCAL, true);
    fileHeader(view, o + 4, w);
    out.set(w.name, o + 30);
    out.set(w.data, o + 30 + w.name.length);
    o += 30 + w.name.length + w.data.length;
  }
  const centralStart = o;
  for (const w of written) {
    view.setUint32(o, SIG_CENTRAL, true);
    view.setUint16(o + 4, ZIP_VERSION, true);
    fileHeader(view, o + 6, w);
    // Comment, disk number, internal and external attributes: none.
    view.setUint32(o + 42, w.offset, true);
    out.set(w.name, o + 46);
    o += 46 + w.name.length;
  }
  view.setUint32(o, SIG_EOCD, true);
  view.setUint16(o + 8, written.length, true);
  view.setUint16(o + 10, written.length, true);
  view.setUint32(o + 12, o - centralStart, true);
  view.setUint32(o + 16, centralStart, true);
  return out;
}
