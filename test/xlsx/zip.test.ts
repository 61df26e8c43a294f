/**
 * The zip layer under the reader and the package writer: parts inflated only when read, every part
 * checked against its CRC-32, unchanged parts written back with their compressed bytes as they
 * were, large new parts compressed as they are written; Node's zlib and fflate (the browser's) alike.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { deflateSync, strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { PlanCell, SheetPlan, WritePlan } from '../../src/engine/types';
import { sheetPlanOf } from '../../src/engine/plan';
import { main } from '../../src/cli/main';
import { applyPlan, buildSheetPart, buildSheetXml, zipPackage } from '../../src/xlsx/package';
import { readWorkbookBytes } from '../../src/xlsx/read';
import { sniff } from '../../src/xlsx/sniff';
import {
  type Codec,
  DamagedEntry,
  PartWriter,
  crc32,
  crc32Combine,
  defaultCodec,
  detectCodec,
  fflateCodec,
  holds,
  lazyEntries,
  putPart,
  readArchive,
  verifyEntries,
  writeZip,
  type ZipEntry,
} from '../../src/xlsx/zip';

const ROOT = path.resolve(__dirname, '..', '..');
const PRESERVE = path.join(ROOT, 'test', 'fixtures', 'preserve');
const NOW = new Date('2025-03-01T08:00:00Z');

const fixture = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(PRESERVE, name)));
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

function archive(bytes: Uint8Array): ZipEntry[] {
  const a = readArchive(bytes);
  if (!a.ok) throw new Error(`not an intact zip: ${a.reason}`);
  return a.entries;
}

const byName = (entries: ZipEntry[]): Map<string, ZipEntry> => new Map(entries.map((e) => [e.name, e]));

/** A codec that counts what it inflates and deflates. */
function counting(base: Codec): Codec & { inflated: number; deflated: number } {
  const c = {
    ...base,
    inflated: 0,
    deflated: 0,
    inflateRaw(data: Uint8Array, size: number) {
      c.inflated++;
      return base.inflateRaw(data, size);
    },
    deflateRaw(data: Uint8Array) {
      c.deflated++;
      return base.deflateRaw(data);
    },
  };
  return c;
}

const t = (text: string): PlanCell => ({ t: 'text', text, style: 'text' });
const SHEET: SheetPlan = sheetPlanOf({
  role: 'summary',
  name: '预算执行汇总',
  columnWidths: [20, 12],
  merges: [],
  cells: [
    [t('项目'), t('金额')],
    [t('道路维修'), { t: 'number', value: '120.5', style: 'money' }],
  ],
});
const PLAN: WritePlan = { sheets: [SHEET], remove: [], activate: SHEET.name };

const CODECS: [string, Codec][] = [
  ['zlib', detectCodec(globalThis)],
  ['fflate', fflateCodec],
];

describe('codecs', () => {
  it('Node gets its native zlib; a host without process.getBuiltinModule (a browser) gets fflate', () => {
    expect(detectCodec(globalThis).name).toBe('zlib');
    expect(defaultCodec().name).toBe('zlib');
    expect(detectCodec({}).name).toBe('fflate');
    expect(detectCodec({ process: {} }).name).toBe('fflate');
    expect(detectCodec({ process: { getBuiltinModule: () => undefined } }).name).toBe('fflate');
    expect(
      detectCodec({
        process: {
          getBuiltinModule: () => {
            throw new Error('no');
          },
        },
      }).name,
    ).toBe('fflate');
  });

  it.each(CODECS)('%s: deflate and inflate round trip, CRC-32 as fflate and zip tools compute it', (_name, codec) => {
    const data = strToU8('项目名称,全年预算数\n'.repeat(500));
    const packed = codec.deflateRaw(data);
    expect(same(unzipSync(zipSync({ x: data }))['x'], data)).toBe(true);
    expect(same(codec.inflateRaw(packed, data.length), data)).toBe(true);
    expect(same(codec.inflateRaw(deflateSync(data), data.length), data)).toBe(true);
    expect(() => codec.inflateRaw(packed, data.length - 1)).toThrow();
    expect(() => codec.inflateRaw(packed.subarray(0, packed.length >> 1), data.length)).toThrow();
    const zipped = archive(zipSync({ x: data }))[0];
    expect(codec.crc32(data)).toBe(zipped.crc);
    expect(crc32(data)).toBe(zipped.crc);
    expect(codec.crc32(data.subarray(100), codec.crc32(data.subarray(0, 100)))).toBe(zipped.crc);
  });

  it.each(CODECS)('%s: a part inflating to far more than it declares is refused, not inflated whole', (_name, codec) => {
    const zeros = new Uint8Array(16 * 1024 * 1024);
    const packed = codec.deflateRaw(zeros);
    expect(packed.length).toBeLessThan(64 * 1024);
    expect(() => codec.inflateRaw(packed, 1000)).toThrow();
    expect(() => codec.inflateRaw(packed, zeros.length - 1)).toThrow();
    expect(codec.inflateRaw(packed, zeros.length).length).toBe(zeros.length);
  });

  it('crc32Combine gives the CRC-32 of the concatenation', () => {
    const a = strToU8('<?xml version="1.0"?><worksheet>');
    for (const length of [0, 1, 7, 1000, 70000]) {
      const b = strToU8('行'.repeat(length));
      const both = new Uint8Array(a.length + b.length);
      both.set(a);
      both.set(b, a.length);
      expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(crc32(both));
    }
  });
});

describe('reading: checked cheaply, inflated when read', () => {
  it('readArchive gives the parts unzipSync gives, in its order, without inflating any', () => {
    const bytes = fixture('preserve.xlsm');
    const codec = counting(defaultCodec());
    const entries = lazyEntries(archive(bytes), codec);
    const plain = unzipSync(bytes);
    expect(Object.keys(entries)).toEqual(Object.keys(plain));
    expect(codec.inflated).toBe(0);
    expect(same(entries['xl/vbaProject.bin'], plain['xl/vbaProject.bin'])).toBe(true);
    expect(codec.inflated).toBe(1);
    // Inflated once, then kept.
    void entries['xl/vbaProject.bin'];
    expect(codec.inflated).toBe(1);
    for (const name of Object.keys(plain)) expect(same(entries[name], plain[name])).toBe(true);
  });

  it('sniff inflates only the content types and the workbook part', () => {
    const codec = counting(defaultCodec());
    const r = sniff(fixture('preserve.xlsx'), codec);
    expect(r.ok).toBe(true);
    expect(codec.inflated).toBe(2);
  });

  it('a lazy record behaves as a plain one: assignment, deletion, spreading', () => {
    const entries = lazyEntries(archive(fixture('preserve.xlsx')));
    entries['xl/styles.xml'] = strToU8('<styleSheet/>');
    expect(strFromU8(entries['xl/styles.xml'])).toBe('<styleSheet/>');
    delete entries['docProps/core.xml'];
    expect('docProps/core.xml' in entries).toBe(false);
    const copy = { ...entries };
    expect(Object.keys(copy)).toEqual(Object.keys(entries));
    expect(strFromU8(copy['[Content_Types].xml'])).toMatch(/<Types/);
  });

  it('a stored part read from a Buffer is a copy: changing it leaves the file\'s bytes alone', () => {
    const file = Buffer.from(zipSync({ 'a.xml': strToU8('<a/>') }, { level: 0 }));
    const before = Buffer.from(file);
    const entries = lazyEntries(archive(file));
    const a = entries['a.xml'];
    expect(a.constructor).toBe(Uint8Array);
    a[1] = 'b'.charCodeAt(0);
    expect(file.equals(before)).toBe(true);
  });

  it('a damaged part not read by sniff is found by verifyEntries and when read', async () => {
    const parts = unzipSync(fixture('preserve.xlsx'));
    const stored = zipSync(parts, { level: 0 });
    const at = Buffer.from(stored).indexOf('<sheetData>');
    expect(at).toBeGreaterThan(0);
    stored[at + 1] = 'x'.charCodeAt(0);
    const r = sniff(stored);
    if (!r.ok) throw new Error('sniff refused it');
    expect(await verifyEntries(r.entries)).toBe(false);
    const damaged = Object.keys(r.entries).find((name) => {
      try {
        void r.entries[name];
        return false;
      } catch (e) {
        expect(e).toBeInstanceOf(DamagedEntry);
        return true;
      }
    });
    expect(damaged).toMatch(/^xl\/worksheets\/sheet\d+\.xml$/);
    expect(await verifyEntries(sniff(fixture('preserve.xlsx')).entries ?? {})).toBe(true);
  });

  it('readWorkbookBytes says truncated for a part with a wrong CRC-32 that exceljs would read', async () => {
    const parts = unzipSync(fixture('preserve.xlsx'));
    const stored = zipSync(parts, { level: 0 });
    // A letter in a shared string: still well-formed XML.
    const at = Buffer.from(stored).indexOf('<t>', Buffer.from(stored).indexOf('sharedStrings'));
    stored[at + 3] ^= 1;
    const r = await readWorkbookBytes(stored);
    expect(r.ok ? 'ok' : r.error.code).toBe('truncated');
  });

  it('a directory claiming data past the end of the file is damaged', () => {
    const bytes = zipSync({ 'a.xml': strToU8('<a/>'.repeat(100)), 'b.xml': strToU8('<b/>') });
    const cd = Buffer.from(bytes).indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    new DataView(bytes.buffer).setUint32(cd + 20, 1e6, true);
    expect(readArchive(bytes)).toEqual({ ok: false, reason: 'damaged' });
  });
});

describe('writing: unchanged parts copied compressed as they were', () => {
  it.each(CODECS)('%s: fill copies every part it does not change byte for byte, compressed; deflates the rest', async (_name, codec) => {
    const input = fixture('preserve.xlsm');
    const read = await readWorkbookBytes(input, { codec });
    if (!read.ok) throw new Error('unreadable');
    const counted = counting(codec);
    const out = zipPackage(applyPlan(read.entries, PLAN, { now: NOW, codec }), { codec: counted });
    const before = byName(archive(input));
    const after = byName(archive(out));
    const copied = [...after.values()].filter((e) => {
      const b = before.get(e.name);
      return b !== undefined && same(b.data, e.data);
    });
    // The parts the writer edits, plus the new sheet and the ownership record's three parts.
    const changed = [...after.keys()].filter((n) => !copied.some((e) => e.name === n)).sort();
    expect(changed).toEqual(
      expect.arrayContaining(['[Content_Types].xml', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'docProps/core.xml', 'xl/styles.xml']),
    );
    expect(changed.every((n) => !before.has(n) || ['[Content_Types].xml', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'docProps/app.xml', 'docProps/core.xml', 'xl/styles.xml'].includes(n))).toBe(true);
    expect(copied.map((e) => e.name)).toEqual(expect.arrayContaining(['xl/vbaProject.bin', 'xl/worksheets/sheet1.xml', 'xl/media/image1.png', 'xl/charts/chart1.xml']));
    for (const e of copied) {
      const b = before.get(e.name) as ZipEntry;
      expect([e.crc, e.size, e.method]).toEqual([b.crc, b.size, b.method]);
    }
    // Only what changed was deflated (with zlib, the new sheet as it was written), and the output
    // unzips (fflate, as another reader) to the same parts.
    expect(changed.filter((n) => !before.has(n)).sort()).toEqual(['customXml/_rels/item1.xml.rels', 'customXml/item1.xml', 'customXml/itemProps1.xml', 'xl/worksheets/sheet4.xml']);
    expect(counted.deflated).toBe(codec.name === 'zlib' ? changed.length - 1 : changed.length);
    const unzipped = unzipSync(out);
    const plain = unzipSync(input);
    for (const e of copied) expect(same(unzipped[e.name], plain[e.name])).toBe(true);
    expect(Object.keys(unzipped)[0]).toBe('[Content_Types].xml');
  });

  it('both codecs write the same parts, and the same entries always zip to the same bytes', async () => {
    const outputs: Record<string, Uint8Array>[] = [];
    for (const [, codec] of CODECS) {
      const read = await readWorkbookBytes(fixture('preserve.xlsx'), { codec });
      if (!read.ok) throw new Error('unreadable');
      const entries = applyPlan(read.entries, PLAN, { now: NOW, codec });
      expect(same(zipPackage(entries, { codec }), zipPackage(entries, { codec }))).toBe(true);
      outputs.push(unzipSync(zipPackage(entries, { codec })));
    }
    expect(Object.keys(outputs[0])).toEqual(Object.keys(outputs[1]));
    for (const name of Object.keys(outputs[0])) expect(same(outputs[0][name], outputs[1][name])).toBe(true);
  });

  it('a record copied by spreading still copies the parts it read unchanged; a part changed in place is deflated', () => {
    const bytes = fixture('preserve.xlsx');
    const sniffed = sniff(bytes);
    if (!sniffed.ok) throw new Error('unreadable');
    const copy = { ...sniffed.entries };
    const changed = copy['xl/comments1.xml'];
    changed[changed.length - 2] ^= 1; // in place
    const before = byName(archive(bytes));
    const after = byName(archive(zipPackage(copy)));
    expect(same((after.get('xl/worksheets/sheet1.xml') as ZipEntry).data, (before.get('xl/worksheets/sheet1.xml') as ZipEntry).data)).toBe(true);
    expect((after.get('xl/comments1.xml') as ZipEntry).crc).not.toBe((before.get('xl/comments1.xml') as ZipEntry).crc);
    expect(same(unzipSync(zipPackage(copy))['xl/comments1.xml'], changed)).toBe(true);
  });

  it('copying a part never checked throws DamagedEntry when it is damaged', () => {
    const parts = unzipSync(fixture('preserve.xlsx'));
    const stored = zipSync(parts, { level: 0 });
    const at = Buffer.from(stored).indexOf('<sheetData>');
    stored[at + 1] = 'x'.charCodeAt(0);
    const r = sniff(stored);
    if (!r.ok) throw new Error('sniff refused it');
    expect(() => zipPackage(r.entries)).toThrow(DamagedEntry);
  });

  it('holds compares a part not read by size and CRC-32 first, inflating only a likely match', () => {
    const codec = counting(defaultCodec());
    const plain = unzipSync(fixture('preserve.xlsx'));
    const entries = lazyEntries(archive(fixture('preserve.xlsx')), codec);
    const name = 'xl/worksheets/sheet1.xml';
    expect(holds(entries, name, strToU8('<worksheet/>'))).toBe(false);
    const edited = plain[name].slice();
    edited[10] ^= 1;
    expect(holds(entries, name, edited)).toBe(false);
    expect(codec.inflated).toBe(0);
    expect(holds(entries, name, plain[name])).toBe(true);
    expect(codec.inflated).toBe(1);
  });
});

describe('PartWriter: a large part compressed as it is written', () => {
  it.each(CODECS)('%s: head, rows over several chunks, tail — one part, valid for any inflater', (_name, codec) => {
    const writer = new PartWriter(codec);
    const rows: string[] = [];
    for (let r = 1; r <= 30000; r++) rows.push(`<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>项目${r}：道路维修补助资金</t></is></c></row>`);
    for (const row of rows) writer.write(row);
    const head = '<?xml version="1.0"?><worksheet><dimension ref="A1:A30000"/><sheetData>';
    const tail = '</sheetData></worksheet>';
    const part = writer.finish('xl/worksheets/sheet9.xml', head, tail);
    const expected = strToU8(head + rows.join('') + tail);
    expect(expected.length).toBeGreaterThan(3 << 20); // several chunks
    const entries: Record<string, Uint8Array> = {};
    putPart(entries, 'xl/worksheets/sheet9.xml', part, codec);
    expect(same(entries['xl/worksheets/sheet9.xml'], expected)).toBe(true);
    const zipped = writeZip(entries, ['xl/worksheets/sheet9.xml'], codec);
    expect(same(unzipSync(zipped)['xl/worksheets/sheet9.xml'], expected)).toBe(true);
    const [e] = archive(zipped);
    expect([e.crc, e.size]).toEqual([crc32(expected), expected.length]);
  });

  it.each(CODECS)('%s: a sheet part holds exactly the text buildSheetXml gives', (_name, codec) => {
    const tricky = ['=1+1', 'a _x000D_ literal', 'ctl\u0001 end', 'line1\nline2', '\rCR', '<&>"', '\ud800 lone', '😀', '道路维修'];
    const cells: PlanCell[][] = [];
    for (let r = 0; r < 20000; r++) {
      cells.push([
        t(`${tricky[r % tricky.length]} ${r}`),
        { t: 'number', value: String(r * 1.25), style: 'money' },
        { t: 'formula', formula: `=SUM('明细'!G${r + 4})`, value: '0', style: 'money' },
        r % 7 === 0 ? { t: 'empty', style: 'text' } : { t: 'empty' },
      ]);
    }
    const sheet: SheetPlan = sheetPlanOf({ ...SHEET, merges: ['A1:B1'], rowHeights: { 0: 28, 30000: 12 }, freezeRows: 1, cells });
    const styleIndex = (s: string | undefined): number | undefined => (s === undefined ? undefined : s.length);
    const entries: Record<string, Uint8Array> = {};
    putPart(entries, 'x', buildSheetPart('x', sheet, styleIndex, codec), codec);
    expect(entries['x'].length).toBeGreaterThan(1 << 20);
    expect(strFromU8(entries['x'])).toBe(buildSheetXml(sheet, styleIndex));
  });

  it('an empty part', () => {
    for (const [, codec] of CODECS) {
      const part = new PartWriter(codec).finish('x', '', '');
      const entries: Record<string, Uint8Array> = {};
      putPart(entries, 'x', part, codec);
      expect(entries['x'].length).toBe(0);
      expect(unzipSync(writeZip(entries, ['x'], codec))['x'].length).toBe(0);
    }
  });
});

describe('the command line on a part damaged where sniff does not look', () => {
  it('check and fill exit 2 (damaged), write nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-zip-'));
    try {
      const parts = unzipSync(new Uint8Array(fs.readFileSync(path.join(ROOT, 'assets/sample/sample-projects.xlsx'))));
      const stored = zipSync(parts, { level: 0 });
      const at = Buffer.from(stored).indexOf('</sheetData>');
      stored[at - 3] ^= 1;
      const file = path.join(dir, 'damaged.xlsx');
      fs.writeFileSync(file, stored);
      const lines: string[] = [];
      const out = { stdout: (s: string) => lines.push(s), stderr: (s: string) => lines.push(s) };
      expect(await main(['check', file, '--json'], out)).toBe(2);
      expect(JSON.parse(lines[0]).error.code).toBe('truncated');
      expect(await main(['fill', file, '-o', path.join(dir, 'out.xlsx')], out)).toBe(2);
      expect(fs.existsSync(path.join(dir, 'out.xlsx'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
