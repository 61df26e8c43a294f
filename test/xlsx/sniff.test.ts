import * as fs from 'fs';
import * as path from 'path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { compoundFileStreamNames, sniff } from '../../src/xlsx/sniff';
import type { SniffResult } from '../../src/xlsx/sniff';

const BAD = path.resolve(__dirname, '..', 'fixtures', 'bad');

function fixture(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(BAD, name)));
}

function outcome(r: SniffResult): string {
  if (r.ok) return r.kind;
  return r.error.params.detail ? `${r.error.code}/${r.error.params.detail}` : r.error.code;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function utf16(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'utf16le'));
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml';

/** The valid .xlsm's parts with the workbook part declared as `type` (or not at all). */
function packageWithType(type: string | null): Uint8Array {
  const entries = unzipSync(fixture('valid.xlsm'));
  let xml = strFromU8(entries['[Content_Types].xml']);
  const override = /<Override PartName="\/xl\/workbook.xml" ContentType="[^"]*"\/>/;
  expect(xml).toMatch(override);
  xml = xml.replace(override, type === null ? '' : `<Override PartName="/xl/workbook.xml" ContentType="${type}"/>`);
  entries['[Content_Types].xml'] = strToU8(xml);
  return zipSync(entries);
}

describe('sniff: the bad-file fixtures', () => {
  it.each([
    ['empty.xlsx', 'not-a-workbook/empty'],
    ['not-zip.xlsx', 'not-a-workbook/other'],
    ['truncated.xlsx', 'truncated'],
    ['csv-renamed.xlsx', 'not-a-workbook/csv'],
    ['text-renamed.xlsx', 'not-a-workbook/text'],
    ['xls-renamed.xlsx', 'not-a-workbook/xls'],
    ['docx-renamed.xlsx', 'not-a-workbook/zip'],
    ['password.xlsx', 'password-protected'],
    ['valid.xlsm', 'xlsm'],
  ])('%s → %s', (file, expected) => {
    expect(outcome(sniff(fixture(file)))).toBe(expected);
  });

  it('the encrypted and the .xls fixtures really are compound files with those streams', () => {
    const encrypted = compoundFileStreamNames(fixture('password.xlsx'));
    expect(encrypted).toEqual(expect.any(Set));
    expect([...(encrypted ?? [])]).toEqual(expect.arrayContaining(['ENCRYPTIONINFO', 'ENCRYPTEDPACKAGE']));
    expect([...(compoundFileStreamNames(fixture('xls-renamed.xlsx')) ?? [])]).toContain('WORKBOOK');
  });

  it('an accepted package hands on its unzipped parts', () => {
    const r = sniff(fixture('valid.xlsm'));
    expect(r.ok && Object.keys(r.entries)).toEqual(
      expect.arrayContaining(['[Content_Types].xml', 'xl/workbook.xml', 'xl/vbaProject.bin']),
    );
  });
});

describe('sniff: compound files', () => {
  /** The .xls fixture with its Workbook stream renamed in the directory. */
  function xlsWithStreamName(name: string): Uint8Array {
    const bytes = fixture('xls-renamed.xlsx');
    const at = indexOf(bytes, utf16('Workbook'));
    expect(at).toBeGreaterThan(0);
    bytes.fill(0, at, at + 64);
    bytes.set(utf16(name), at);
    new DataView(bytes.buffer).setUint16(at + 0x40, (name.length + 1) * 2, true);
    return bytes;
  }

  it('an Excel 5/95 "Book" stream is an old workbook too', () => {
    expect(outcome(sniff(xlsWithStreamName('Book')))).toBe('not-a-workbook/xls');
  });

  it('a compound file with neither workbook nor encrypted package is something else', () => {
    expect(outcome(sniff(xlsWithStreamName('WordDocument')))).toBe('not-a-workbook/other');
  });

  it('a compound file cut before its directory is truncated', () => {
    const full = fixture('password.xlsx');
    expect(outcome(sniff(full.subarray(0, 100)))).toBe('truncated');
    expect(outcome(sniff(full.subarray(0, 1024)))).toBe('truncated');
  });

  it('a compound file whose header is garbage is truncated, not a crash', () => {
    const bytes = fixture('xls-renamed.xlsx');
    bytes.fill(0xff, 8, 512);
    expect(outcome(sniff(bytes))).toBe('truncated');
  });
});

describe('sniff: zip packages', () => {
  it('reads the kind from the workbook part content type', () => {
    expect(outcome(sniff(packageWithType(XLSX_TYPE)))).toBe('xlsx');
    expect(outcome(sniff(packageWithType('application/vnd.ms-excel.sheet.macroEnabled.main+xml')))).toBe('xlsm');
    expect(
      outcome(sniff(packageWithType('application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml'))),
    ).toBe('xlsx');
    expect(outcome(sniff(packageWithType('application/vnd.ms-excel.template.macroEnabled.main+xml')))).toBe('xlsm');
  });

  it('a workbook part declared as something else is not a workbook; an undeclared one is read', () => {
    expect(
      outcome(sniff(packageWithType('application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml'))),
    ).toBe('not-a-workbook/zip');
    expect(outcome(sniff(packageWithType(null)))).toBe('xlsx');
  });

  it('a zip without the workbook parts is not a workbook', () => {
    const entries = unzipSync(fixture('valid.xlsm'));
    const noTypes = { ...entries };
    delete noTypes['[Content_Types].xml'];
    expect(outcome(sniff(zipSync(noTypes)))).toBe('not-a-workbook/zip');
    expect(outcome(sniff(zipSync({ 'readme.txt': strToU8('hello') })))).toBe('not-a-workbook/zip');
    expect(outcome(sniff(zipSync({})))).toBe('not-a-workbook/zip');
  });

  it('a damaged part (CRC mismatch) is truncated', () => {
    const entries = unzipSync(fixture('valid.xlsm'));
    const stored = zipSync(entries, { level: 0 });
    const at = indexOf(stored, strToU8('<sheets>'));
    expect(at).toBeGreaterThan(0);
    stored[at + 1] = 'x'.charCodeAt(0);
    expect(outcome(sniff(stored))).toBe('truncated');
  });

  it('a damaged central directory is truncated', () => {
    const bytes = fixture('valid.xlsm');
    const cd = indexOf(bytes, new Uint8Array([0x50, 0x4b, 0x01, 0x02]));
    bytes[cd + 2] = 0x09;
    expect(outcome(sniff(bytes))).toBe('truncated');
    expect(outcome(sniff(strToU8('PK but nothing else')))).toBe('truncated');
  });

  it('zip-level encryption is password-protected', () => {
    const bytes = fixture('valid.xlsm');
    const cd = indexOf(bytes, new Uint8Array([0x50, 0x4b, 0x01, 0x02]));
    bytes[cd + 8] |= 1;
    expect(outcome(sniff(bytes))).toBe('password-protected');
  });
});

describe('sniff: text and other files', () => {
  const paragraph = '本部门2024年度申请预算资金1406.33万元，其中：共同财政事权转移支付75.38万元，预算执行率96.52%。\n';

  it('CSV in UTF-8, with or without BOM, and tab-separated text, is csv', () => {
    const csv = '项目名称,全年预算数,全年执行数\n安全生产执法检查专项经费,85,85\n"增发国债,中央",87.2,40.97\n';
    expect(outcome(sniff(strToU8(csv)))).toBe('not-a-workbook/csv');
    expect(outcome(sniff(strToU8('\uFEFF' + csv)))).toBe('not-a-workbook/csv');
    expect(outcome(sniff(strToU8(csv.replace(/,/g, '\t'))))).toBe('not-a-workbook/csv');
  });

  it('CSV saved as GBK (GB18030) is csv', () => {
    // 项目名称,预算 / 安全,85 in GBK.
    const gbk = Buffer.from('cfeec4bfc3fbb3c62cd4a4cbe30d0ab0b2c8ab2c38350d0a', 'hex');
    expect(outcome(sniff(new Uint8Array(gbk)))).toBe('not-a-workbook/csv');
  });

  it("Excel's Unicode text (UTF-16 with BOM, tab-separated) is csv", () => {
    const text = '\uFEFF项目名称\t全年预算数\r\n安全生产\t85\r\n';
    expect(outcome(sniff(new Uint8Array(Buffer.from(text, 'utf16le'))))).toBe('not-a-workbook/csv');
  });

  it('prose, a single delimited line, and long text cut mid-character are text', () => {
    expect(outcome(sniff(strToU8(paragraph)))).toBe('not-a-workbook/text');
    expect(outcome(sniff(strToU8('项目名称,全年预算数,全年执行数')))).toBe('not-a-workbook/text');
    // 4 KB falls inside a three-byte character: the probe must not call that binary.
    let pad = '';
    const cutMidCharacter = (bytes: Uint8Array): boolean => (bytes[4096] & 0xc0) === 0x80;
    while (!cutMidCharacter(strToU8(pad + paragraph.repeat(60)))) pad += 'x';
    const long = strToU8(pad + paragraph.repeat(60));
    expect(outcome(sniff(long))).toBe('not-a-workbook/text');
  });

  it('binary that is neither a zip nor a compound file is other', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    expect(outcome(sniff(png))).toBe('not-a-workbook/other');
    expect(outcome(sniff(new Uint8Array([0x41, 0x00, 0x42, 0x0a, 0x43])))).toBe('not-a-workbook/other');
  });
});
