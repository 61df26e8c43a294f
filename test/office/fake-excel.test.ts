/**
 * The fake Excel itself: it must present what Excel presents and be stricter than Excel where a
 * looser fake would let a host bug through (office-addin-mock returns a string where Excel throws).
 */
import * as fs from 'fs';
import * as path from 'path';
import { unzipSync } from 'fflate';
import { OWNERSHIP_NAMESPACE, buildOwnershipXml } from '../../src/engine/ownership';
import { readWorkbookBytes, readWorkbookFile } from '../../src/xlsx/read';
import { FakeExcel, FakeUsageError } from '../fake-excel';
import { loadFakeExcel } from '../fake-excel/node';
import { toXlsxBytes } from '../fake-excel/xlsx';
import { sheet, workbook } from '../helpers/grid';

const SAMPLE = path.resolve(__dirname, '../../assets/sample/sample-projects.xlsx');

function small(): FakeExcel {
  return FakeExcel.fromGrid(
    workbook(
      sheet('数据', [
        ['标题', null, null],
        ['a', 1, 2],
        ['b', 3, 4],
      ], { merges: ['A1:C1'] }),
      sheet('Other', [['x']]),
    ),
  );
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code ?? (e instanceof FakeUsageError ? 'FakeUsageError' : String(e));
  }
  return 'no error';
}

describe('proxies queue until sync', () => {
  test('a property read before load, or after load but before sync, throws PropertyNotLoaded', async () => {
    const fake = small();
    await fake.run(async (context) => {
      const range = context.workbook.worksheets.getItem('数据').getRange('A2:C3');
      expect(() => range.values).toThrow(expect.objectContaining({ code: 'PropertyNotLoaded' }));
      range.load('values');
      expect(() => range.values).toThrow(expect.objectContaining({ code: 'PropertyNotLoaded' }));
      await context.sync();
      expect(range.values).toEqual([
        ['a', 1, 2],
        ['b', 3, 4],
      ]);
      // Loaded is not everything: another property still throws.
      expect(() => range.valueTypes).toThrow(expect.objectContaining({ code: 'PropertyNotLoaded' }));
    });
  });

  test('load takes a string, an array and an options object; never an empty load', async () => {
    const fake = small();
    await fake.run(async (context) => {
      const ws = context.workbook.worksheets;
      const a = ws.getItem('数据').getRange('B2');
      a.load('values, numberFormat');
      const b = ws.getItem('数据').getRange('B3');
      b.load(['values', 'address']);
      const c = ws.getItem('数据').getRange('C3');
      c.load({ select: 'values,valueTypes' });
      expect(() => ws.getItem('数据').getRange('A1').load()).toThrow(FakeUsageError);
      await context.sync();
      expect([a.values, a.numberFormat, b.values, b.address, c.values, c.valueTypes]).toEqual([[[1]], [['#,##0.00']], [[3]], '数据!B3', [[4]], [['Double']]]);
    });
  });

  test('writes reach the workbook only at sync, and a forgotten sync is an error', async () => {
    const fake = small();
    await fake.run(async (context) => {
      context.workbook.worksheets.getItem('Other').getRange('B1').values = [['y']];
      expect(fake.cell('Other', 'B1').value).toBe('');
      await context.sync();
      expect(fake.cell('Other', 'B1').value).toBe('y');
    });
    await expect(
      fake.run(async (context) => {
        context.workbook.worksheets.getItem('Other').getRange('C1').values = [['z']];
      }),
    ).rejects.toThrow(FakeUsageError);
    expect(fake.cell('Other', 'C1').value).toBe('');
  });

  test('isNullObject is readable only after sync; reading a null object is refused', async () => {
    const fake = small();
    await fake.run(async (context) => {
      const missing = context.workbook.worksheets.getItemOrNullObject('nope');
      const present = context.workbook.worksheets.getItemOrNullObject('Other');
      missing.load('name');
      present.load('name');
      expect(() => missing.isNullObject).toThrow(expect.objectContaining({ code: 'PropertyNotLoaded' }));
      await context.sync();
      expect(missing.isNullObject).toBe(true);
      expect(present.isNullObject).toBe(false);
      expect(present.name).toBe('Other');
      expect(() => missing.name).toThrow(FakeUsageError);
    });
  });

  test('getItem of a missing sheet fails the sync with ItemNotFound', async () => {
    const fake = small();
    const code = await codeOf(
      fake.run(async (context) => {
        context.workbook.worksheets.getItem('nope');
        await context.sync();
      }),
    );
    expect(code).toBe('ItemNotFound');
  });

  test('collections give items after load + sync; a sync counter counts', async () => {
    const fake = small();
    const before = fake.syncCount;
    const names = await fake.run(async (context) => {
      const sheets = context.workbook.worksheets;
      sheets.load('items/name,items/visibility,items/protection/protected');
      expect(() => sheets.items).toThrow(expect.objectContaining({ code: 'PropertyNotLoaded' }));
      await context.sync();
      return sheets.items.map((s) => [s.name, s.visibility, s.protection.protected]);
    });
    expect(names).toEqual([
      ['数据', 'Visible', false],
      ['Other', 'Visible', false],
    ]);
    expect(fake.syncCount - before).toBe(1);
  });
});

describe('values as Excel presents them', () => {
  test('merged cells are blank outside their top-left; errors are strings told apart by valueTypes', async () => {
    const fake = FakeExcel.fromGrid(
      workbook({
        name: 'S',
        top: 0,
        left: 0,
        values: [['t', 'x', 'y'], ['#DIV/0!', 1, '']],
        valueTypes: [['String', 'String', 'String'], ['Error', 'Double', 'Empty']],
        numberFormats: [['General', 'General', 'General'], ['General', 'General', 'General']],
        merges: ['A1:C1'],
      }),
    );
    await fake.run(async (context) => {
      const r = context.workbook.worksheets.getItem('S').getRange('A1:C2');
      const merged = r.getMergedAreasOrNullObject();
      r.load('values,valueTypes');
      merged.load('address');
      await context.sync();
      expect(r.values).toEqual([['t', '', ''], ['#DIV/0!', 1, '']]);
      expect(r.valueTypes).toEqual([['String', 'Empty', 'Empty'], ['Error', 'Double', 'Empty']]);
      expect(merged.address).toBe('S!A1:C1');
    });
    // Only merges whose top-left cell is in the range, as Excel gives them (office-js#3611).
    await fake.run(async (context) => {
      const merged = context.workbook.worksheets.getItem('S').getRange('B1:C2').getMergedAreasOrNullObject();
      merged.load('address');
      await context.sync();
      expect(merged.isNullObject).toBe(true);
    });
  });

  test.each([
    ['=1+1', 'General', 2, 'Double', '=1+1'],
    ['+8613800000000', 'General', 8613800000000, 'Double', 8613800000000],
    ['-5', 'General', -5, 'Double', -5],
    ['@SUM(B2)', 'General', 1, 'Double', '=SUM(B2)'],
    ['12%', 'General', 0.12, 'Double', 0.12],
    ['=1+1', '@', '=1+1', 'String', '=1+1'],
    ['+8613800000000', '@', '+8613800000000', 'String', '+8613800000000'],
    ['-5', '@', '-5', 'String', '-5'],
    ['@SUM(B2)', '@', '@SUM(B2)', 'String', '@SUM(B2)'],
  ])('typing %j into a cell formatted %j gives %j (%s)', async (input, format, value, type, formula) => {
    const fake = small();
    await fake.run(async (context) => {
      const cell = context.workbook.worksheets.getItem('数据').getRange('E5');
      cell.numberFormat = [[format]];
      cell.values = [[input]];
      cell.load('values,valueTypes,formulas');
      await context.sync();
      expect([cell.values[0][0], cell.valueTypes[0][0], cell.formulas[0][0]]).toEqual([value, type, formula]);
    });
  });

  test('a formula written as formulas is computed over the cells it names, on any sheet', async () => {
    const fake = small();
    await fake.run(async (context) => {
      const r = context.workbook.worksheets.getItem('Other').getRange('A3:C3');
      r.formulas = [["=SUM('数据'!B2:B3)/2", '=IF(A3=0,"—",1/0)', '=IF(0=0,"—",1)']];
      r.load('values,valueTypes');
      await context.sync();
      expect(r.values).toEqual([[2, '#DIV/0!', '—']]);
      expect(r.valueTypes).toEqual([['Double', 'Error', 'String']]);
    });
  });

  test('null in a 2-D array leaves the cell; a wrong size is refused', async () => {
    const fake = small();
    await fake.run(async (context) => {
      const r = context.workbook.worksheets.getItem('数据').getRange('B2:C2');
      r.values = [[null, 9]];
      await context.sync();
    });
    expect([fake.cell('数据', 'B2').value, fake.cell('数据', 'C2').value]).toEqual([1, 9]);
    const code = await codeOf(
      fake.run(async (context) => {
        context.workbook.worksheets.getItem('数据').getRange('B2:C2').values = [[1]];
        await context.sync();
      }),
    );
    expect(code).toBe('InvalidArgument');
  });
});

describe('limits of Excel on the web', () => {
  function big(rows: number, cols: number, text: string): FakeExcel {
    const values = Array.from({ length: rows }, () => Array.from({ length: cols }, () => text));
    return FakeExcel.fromGrid(
      workbook({
        name: 'Big',
        top: 0,
        left: 0,
        values,
        valueTypes: values.map((r) => r.map(() => 'String' as const)),
        numberFormats: values.map((r) => r.map(() => 'General')),
        merges: [],
      }),
    );
  }

  test('a response over 5 MB throws ResponsePayloadSizeLimitExceeded; in two halves it passes', async () => {
    const fake = big(2000, 20, '项目支出绩效自评长文本'.repeat(4));
    expect(
      await codeOf(
        fake.run(async (context) => {
          context.workbook.worksheets.getItem('Big').getRange('A1:T2000').load('values');
          await context.sync();
        }),
      ),
    ).toBe('ResponsePayloadSizeLimitExceeded');
    await fake.run(async (context) => {
      const a = context.workbook.worksheets.getItem('Big').getRange('A1:T1000');
      a.load('values');
      await context.sync();
      const b = context.workbook.worksheets.getItem('Big').getRange('A1001:T2000');
      b.load('values');
      await context.sync();
      expect(a.values.length + b.values.length).toBe(2000);
    });
    expect(fake.syncs[fake.syncs.length - 1].responseBytes).toBeLessThan(5_000_000);
  });

  test('a request over 5 MB throws RequestPayloadSizeLimitExceeded and applies nothing', async () => {
    const fake = small();
    const text = '绩'.repeat(30000);
    const values = Array.from({ length: 60 }, () => [text]);
    expect(
      await codeOf(
        fake.run(async (context) => {
          context.workbook.worksheets.getItem('Other').getRange('B1:B60').values = values;
          await context.sync();
        }),
      ),
    ).toBe('RequestPayloadSizeLimitExceeded');
    expect(fake.cell('Other', 'B1').value).toBe('');
  });

  test('reading more than 5,000,000 cells at once throws RangeExceedsLimit', async () => {
    const fake = small();
    expect(
      await codeOf(
        fake.run(async (context) => {
          context.workbook.worksheets.getItem('Other').getRange('A1:E1000001').load('values');
          await context.sync();
        }),
      ),
    ).toBe('RangeExceedsLimit');
  });
});

describe('faults', () => {
  test('a sync failing mid-way keeps the actions before the failure (Excel has no rollback)', async () => {
    const fake = small();
    fake.failSync({ at: fake.syncCount + 1, code: 'GeneralException', applied: 0.5 });
    const code = await codeOf(
      fake.run(async (context) => {
        const ws = context.workbook.worksheets.getItem('Other');
        for (let i = 1; i <= 4; i++) ws.getRange(`D${i}`).values = [[i]];
        await context.sync();
      }),
    );
    expect(code).toBe('GeneralException');
    // getItem, then 4 × (getRange, set values): the first 4 of 9 actions ran.
    expect([1, 2, 3, 4].map((i) => fake.cell('Other', `D${i}`).value)).toEqual([1, '', '', '']);
  });

  test('cell-edit mode fails every sync and applies nothing', async () => {
    const fake = small();
    fake.cellEditMode = true;
    const code = await codeOf(
      fake.run(async (context) => {
        context.workbook.worksheets.getItem('Other').getRange('A1').values = [['q']];
        await context.sync();
      }),
    );
    expect(code).toBe('InvalidOperationInCellEditMode');
    expect(fake.cell('Other', 'A1').value).toBe('x');
  });

  test('a protected sheet refuses writes with AccessDenied; a protected structure refuses new sheets', async () => {
    const fake = small();
    fake.protectSheet('Other');
    expect(
      await codeOf(
        fake.run(async (context) => {
          context.workbook.worksheets.getItem('Other').getRange('A1').format.font.bold = true;
          await context.sync();
        }),
      ),
    ).toBe('AccessDenied');
    fake.protectStructure();
    expect(
      await codeOf(
        fake.run(async (context) => {
          context.workbook.worksheets.add('new');
          await context.sync();
        }),
      ),
    ).toBe('AccessDenied');
  });
});

describe('workbook parts', () => {
  test('custom XML parts by namespace: add, getXml, delete', async () => {
    const fake = small();
    const xml = buildOwnershipXml({ sheets: [{ role: 'summary', name: '预算执行汇总' }] });
    await fake.run(async (context) => {
      context.workbook.customXmlParts.add(xml);
      context.workbook.customXmlParts.add('<other xmlns="urn:else"/>');
      await context.sync();
      const scoped = context.workbook.customXmlParts.getByNamespace(OWNERSHIP_NAMESPACE);
      scoped.load('items/id');
      await context.sync();
      expect(scoped.items).toHaveLength(1);
      const text = scoped.items[0].getXml();
      expect(() => text.value).toThrow();
      await context.sync();
      expect(text.value).toBe(xml);
      scoped.items[0].delete();
      await context.sync();
    });
    expect(fake.model.parts.map((p) => p.namespaceUri)).toEqual(['urn:else']);
  });

  test('settings hold JSON values', async () => {
    const fake = small();
    await fake.run(async (context) => {
      context.workbook.settings.add('k', '{"a":1}');
      await context.sync();
      const s = context.workbook.settings.getItemOrNullObject('k');
      const none = context.workbook.settings.getItemOrNullObject('none');
      s.load('value');
      none.load('value');
      await context.sync();
      expect([s.isNullObject, s.value, none.isNullObject]).toEqual([false, '{"a":1}', true]);
    });
  });
});

describe('loaded from .xlsx, saved back', () => {
  test('presents the grid the project reader gives, and saves through the package writer', async () => {
    const fake = await loadFakeExcel(SAMPLE);
    const read = await readWorkbookFile(SAMPLE);
    if (!read.ok) throw new Error('sample unreadable');
    const first = read.grid.sheets.find((s) => s.values.length > 0);
    if (!first) throw new Error('empty sample');
    await fake.run(async (context) => {
      const used = context.workbook.worksheets.getItem(first.name).getUsedRangeOrNullObject(true);
      used.load('values,valueTypes,numberFormat,rowIndex,columnIndex');
      await context.sync();
      expect([used.rowIndex, used.columnIndex]).toEqual([first.top, first.left]);
      expect(used.values).toEqual(first.values);
      expect(used.valueTypes).toEqual(first.valueTypes);
      expect(used.numberFormat).toEqual(first.numberFormats);
    });
    await fake.run(async (context) => {
      const ws = context.workbook.worksheets.add('预算执行汇总');
      ws.getRange('A1:B1').values = [['合计', 5]];
      context.workbook.customXmlParts.add(buildOwnershipXml({ sheets: [{ role: 'summary', name: '预算执行汇总' }] }));
      await context.sync();
    });
    const bytes = toXlsxBytes(fake);
    const back = await readWorkbookBytes(bytes);
    if (!back.ok) throw new Error('saved workbook unreadable');
    expect(back.grid.ownedSheets).toEqual(['预算执行汇总']);
    expect(back.grid.sheets.find((s) => s.name === '预算执行汇总')?.values).toEqual([['合计', 5]]);
    // Every part of the original is still there.
    const original = unzipSync(new Uint8Array(fs.readFileSync(SAMPLE)));
    const saved = unzipSync(bytes);
    for (const name of Object.keys(original)) expect(saved).toHaveProperty([name]);
  });
});
