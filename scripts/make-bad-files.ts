/**
 * Builds the bad-file fixtures in test/fixtures/bad/: files named .xlsx (and one .xlsm) that a
 * user might hand us and that must each be refused with the right reason, plus a minimal valid
 * .xlsm to prove the macro-enabled kind is accepted.
 *
 * Run: `npx tsc -p tsconfig.build.json && node lib/scripts/make-bad-files.js` (needs
 * /usr/bin/soffice for the .xls and the encrypted file). The outputs are committed; the files made
 * here without LibreOffice come out byte-identical on every run, LibreOffice's do not (the
 * encryption salt is random).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import ExcelJS from 'exceljs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { Zippable } from 'fflate';
import { compoundFileStreamNames } from '../src/xlsx/sniff';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT_DIR = path.join(ROOT, 'test', 'fixtures', 'bad');
const SOFFICE = process.env.SOFFICE ?? '/usr/bin/soffice';
/** Zip entry times are pinned so that rerunning the script changes nothing it alone writes. */
const FIXED_TIME = new Date('2025-01-15T08:00:00Z');

type Entries = Record<string, Uint8Array>;

function write(name: string, bytes: Uint8Array): void {
  fs.writeFileSync(path.join(OUT_DIR, name), bytes);
  console.log(`${name}: ${bytes.length} bytes`);
}

function rezip(entries: Entries): Uint8Array {
  const zippable: Zippable = {};
  for (const [name, data] of Object.entries(entries)) zippable[name] = [data, { mtime: FIXED_TIME }];
  return zipSync(zippable, { level: 6, mtime: FIXED_TIME });
}

/** Deterministic noise (mulberry32), so the "not a zip" file is the same on every run. */
function noise(seed: number, length: number): Uint8Array {
  let a = seed >>> 0;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  // Never let chance make it look like a zip or a compound file.
  out[0] = 0x00;
  return out;
}

/** A small project list, repacked with fixed times so its bytes do not depend on the clock. */
async function smallWorkbook(): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'jixiao fixtures';
  wb.created = FIXED_TIME;
  wb.modified = FIXED_TIME;
  const ws = wb.addWorksheet('2024年项目支出明细');
  ws.addRow(['唐山市丰南区应急管理局2024年度项目支出明细表']);
  ws.mergeCells('A1:F1');
  ws.addRow(['单位：万元']);
  ws.addRow(['序号', '项目名称', '资金文号', '全年预算数', '全年执行数', '执行率']);
  const projects: [string, string, number, number][] = [
    ['安全生产执法检查专项经费', '', 85, 85],
    ['增发2023年国债自然灾害应急能力提升工程（应急领域）补助资金', '唐财建[2024]10号', 87.2, 40.971],
    ['增发2023年国债自然灾害应急能力提升工程（应急领域）省级补助资金', '唐财建[2024]11号', 7.27, 4.5536],
  ];
  projects.forEach(([name, doc, budget, executed], i) => {
    const r = ws.addRow([i + 1, name, doc, budget, executed]);
    r.getCell(6).value = { formula: `E${r.number}/D${r.number}`, result: executed / budget };
  });
  ws.addRow(['合计', '', '', { formula: 'SUM(D4:D6)', result: 179.47 }, { formula: 'SUM(E4:E6)', result: 130.5246 }]);
  for (const col of ['D', 'E']) ws.getColumn(col).numFmt = '#,##0.00';
  ws.getColumn('F').numFmt = '0.00%';
  const written = new Uint8Array(await wb.xlsx.writeBuffer());
  return rezip(unzipSync(written));
}

function csvFile(): Uint8Array {
  const lines = [
    '序号,项目名称,资金文号,资金类别,资金级次,全年预算数,全年执行数,执行率',
    '1,安全生产执法检查专项经费,,本级财政资金,区,85.00,85.00,100.00%',
    '2,"增发2023年国债自然灾害应急能力提升工程（应急领域）补助资金",唐财建[2024]10号,增发国债,中央,87.20,40.97,46.99%',
    '3,2023年安全生产目标考核奖励资金,唐财建[2024]91号,共同财政事权转移支付,市,4.00,4.00,100.00%',
  ];
  // Excel's "CSV UTF-8" writes a BOM; keep it, since that is what users actually rename.
  return strToU8('\uFEFF' + lines.join('\r\n') + '\r\n');
}

function textFile(): Uint8Array {
  const paragraph =
    '本部门2024年度申请预算资金1406.33万元，其中：共同财政事权转移支付75.38万元（包含中央0万元、省71.38万元、' +
    '市4万元），增发国债542.59万元（包含中央500.80万元、省41.79万元、市0万元）；分配拨付1357.39万元；' +
    '预算执行率96.52%。\n\n' +
    '本部门2024年度共开展项目自评21个，与部门开展项目个数相同，自评覆盖率100%。\n';
  return strToU8(paragraph);
}

function docxFile(): Uint8Array {
  const decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
  return rezip({
    '[Content_Types].xml': strToU8(
      decl +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
        '</Types>',
    ),
    '_rels/.rels': strToU8(
      decl +
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
        '</Relationships>',
    ),
    'word/document.xml': strToU8(
      decl +
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' +
        '<w:p><w:r><w:t>唐山市丰南区应急管理局2024年度部门整体支出绩效自评报告</w:t></w:r></w:p>' +
        '</w:body></w:document>',
    ),
  });
}

/**
 * A macro-enabled workbook. STAND-IN: the workbook is exceljs's with the macro content type set at
 * zip level and a vbaProject.bin that is not a real VBA project (a few bytes behind the compound
 * file signature). It is enough for what reading needs: the kind comes from the content type and
 * the macro part must survive as an entry; nothing here runs or parses VBA.
 */
async function xlsmFile(small: Uint8Array): Promise<Uint8Array> {
  const entries = unzipSync(small);
  const types = strFromU8(entries['[Content_Types].xml'])
    .replace(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
      'application/vnd.ms-excel.sheet.macroEnabled.main+xml',
    )
    .replace('<Default ', '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default ');
  if (!types.includes('macroEnabled')) throw new Error('workbook content type not found in exceljs output');
  entries['[Content_Types].xml'] = strToU8(types);
  const rels = strFromU8(entries['xl/_rels/workbook.xml.rels']).replace(
    '</Relationships>',
    '<Relationship Id="rIdVbaProject" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
  );
  entries['xl/_rels/workbook.xml.rels'] = strToU8(rels);
  const vba = new Uint8Array(512);
  vba.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  entries['xl/vbaProject.bin'] = vba;
  return rezip(entries);
}

// ---------------------------------------------------------------------------------------------
// LibreOffice, in a private profile so that it neither disturbs nor waits for another running
// instance, and so that the encryption macro can live in the profile's own Basic library.

const ENCRYPT_MODULE = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Encrypt(inPath As String, outPath As String, password As String, logPath As String)
  On Error Goto Failed
  Dim loadArgs(0) As New com.sun.star.beans.PropertyValue
  loadArgs(0).Name = &quot;Hidden&quot;
  loadArgs(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(inPath), &quot;_blank&quot;, 0, loadArgs())
  Dim encryption(1) As New com.sun.star.beans.NamedValue
  encryption(0).Name = &quot;OOXPassword&quot;
  encryption(0).Value = password
  encryption(1).Name = &quot;CryptoType&quot;
  encryption(1).Value = &quot;Standard&quot;
  Dim storeArgs(1) As New com.sun.star.beans.PropertyValue
  storeArgs(0).Name = &quot;FilterName&quot;
  storeArgs(0).Value = &quot;Calc MS Excel 2007 XML&quot;
  storeArgs(1).Name = &quot;EncryptionData&quot;
  storeArgs(1).Value = encryption()
  doc.storeToURL(ConvertToURL(outPath), storeArgs())
  doc.close(True)
  Exit Sub
Failed:
  n = FreeFile
  Open logPath For Output As #n
  Print #n, Error$
  Close #n
  If Not IsNull(doc) Then doc.close(True)
End Sub
</script:module>
`;

const SCRIPT_LIBRARY = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" library:readonly="false" library:passwordprotected="false">
 <library:element library:name="Module1"/>
</library:library>
`;

class LibreOffice {
  private readonly profile: string;

  constructor(private readonly workDir: string) {
    this.profile = path.join(workDir, 'lo-profile');
  }

  private run(args: string[]): void {
    execFileSync(SOFFICE, [`-env:UserInstallation=file://${this.profile}`, '--headless', '--norestore', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 180_000,
    });
  }

  convertToXls(source: string): Uint8Array {
    const outDir = path.join(this.workDir, 'xls');
    this.run(['--convert-to', 'xls', '--outdir', outDir, source]);
    const out = path.join(outDir, path.basename(source).replace(/\.xlsx$/, '.xls'));
    const bytes = new Uint8Array(fs.readFileSync(out));
    const streams = compoundFileStreamNames(bytes);
    if (!streams?.has('WORKBOOK')) throw new Error('LibreOffice did not write an Excel 97-2003 workbook');
    return bytes;
  }

  /**
   * `soffice --convert-to 'xlsx:Calc MS Excel 2007 XML:{"EncryptionPassword":…}'` is accepted by
   * LibreOffice 7.4 but silently writes an unencrypted zip, so the password goes in through a Basic
   * macro that stores with EncryptionData. Agile encryption fails to store in 7.4; Standard
   * (ECMA-376, what Excel 2007 wrote) works and is the same container: EncryptionInfo +
   * EncryptedPackage streams in a compound file. Needs a profile LibreOffice has initialised.
   */
  encrypt(source: string, password: string): Uint8Array {
    const standard = path.join(this.profile, 'user', 'basic', 'Standard');
    if (!fs.existsSync(standard)) throw new Error(`LibreOffice profile not initialised: ${standard} missing`);
    fs.writeFileSync(path.join(standard, 'Module1.xba'), ENCRYPT_MODULE);
    fs.writeFileSync(path.join(standard, 'script.xlb'), SCRIPT_LIBRARY);
    const out = path.join(this.workDir, 'encrypted.xlsx');
    const log = path.join(this.workDir, 'encrypt.log');
    for (const p of [source, out, log, password]) {
      if (p.includes('"')) throw new Error(`cannot pass ${p} to a Basic macro`);
    }
    this.run([`macro:///Standard.Module1.Encrypt("${source}","${out}","${password}","${log}")`]);
    if (fs.existsSync(log)) throw new Error(`LibreOffice could not encrypt: ${fs.readFileSync(log, 'utf8')}`);
    const bytes = new Uint8Array(fs.readFileSync(out));
    const streams = compoundFileStreamNames(bytes);
    if (!streams?.has('ENCRYPTIONINFO') || !streams.has('ENCRYPTEDPACKAGE')) {
      throw new Error('LibreOffice did not write an encrypted OOXML compound file');
    }
    return bytes;
  }
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-bad-files-'));
  try {
    write('empty.xlsx', new Uint8Array(0));
    write('not-zip.xlsx', noise(20240101, 3000));
    const small = await smallWorkbook();
    write('truncated.xlsx', small.subarray(0, Math.floor(small.length * 0.6)));
    write('csv-renamed.xlsx', csvFile());
    write('text-renamed.xlsx', textFile());
    write('docx-renamed.xlsx', docxFile());
    write('valid.xlsm', await xlsmFile(small));

    const source = path.join(work, 'projects.xlsx');
    fs.writeFileSync(source, small);
    // The conversion also initialises the private profile that `encrypt` writes its macro into.
    const office = new LibreOffice(work);
    write('xls-renamed.xlsx', office.convertToXls(source));
    write('password.xlsx', office.encrypt(source, 'secret'));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
