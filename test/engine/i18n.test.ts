import * as en from '../../src/engine/i18n/en-US';
import * as zh from '../../src/engine/i18n/zh-CN';
import { issueMessage } from '../../src/engine';
import { FIELDS, ISSUE_CODES, UNUSABLE_CODES } from '../../src/engine/types';

const params = { field: 'budget', fieldName: '全年预算数', text: 'X', value: '1', error: '#REF!', reported: '47.00', computed: '46.99', name: '甲', docNumber: '', firstRow: '4', rate: '80.00', threshold: '90', median: '10.00', times: '5000', unit: '万元', executed: '5', budget: '4', synonyms: 'a', used: 'b', path: 'p', detail: 'xls', size: '1', limit: '2', sheets: 's', sheet: 's', option: '--x' };

describe('dictionary parity (zh-CN first, en-US second)', () => {
  test('every issue code has a message in both languages, and no other keys', () => {
    expect(Object.keys(zh.messages).sort()).toEqual([...ISSUE_CODES].sort());
    expect(Object.keys(en.messages).sort()).toEqual([...ISSUE_CODES].sort());
  });

  test('every unusable-input code has a message in both languages', () => {
    expect(Object.keys(zh.unusable).sort()).toEqual([...UNUSABLE_CODES].sort());
    expect(Object.keys(en.unusable).sort()).toEqual([...UNUSABLE_CODES].sort());
  });

  test('fields, severities and UI words have the same keys', () => {
    expect(Object.keys(zh.fieldNames).sort()).toEqual([...FIELDS].sort());
    expect(Object.keys(en.fieldNames).sort()).toEqual([...FIELDS].sort());
    expect(Object.keys(en.ui).sort()).toEqual(Object.keys(zh.ui).sort());
    expect(Object.keys(en.severityNames).sort()).toEqual(Object.keys(zh.severityNames).sort());
  });

  test.each([...ISSUE_CODES])('%s: both messages are whole sentences with no unfilled parameter', (code) => {
    for (const table of [zh.messages, en.messages]) {
      const text = table[code](params);
      expect(text.length).toBeGreaterThan(10);
      expect(text).not.toContain('undefined');
    }
    expect(zh.messages[code](params)).toMatch(/[\u4e00-\u9fa5]/);
  });

  test('issueMessage names the field in the chosen language', () => {
    const issue = { code: 'missing-value' as const, severity: 'error' as const, sheet: 'S', cell: 'G5', row: 5, params: { field: 'executed' } };
    expect(issueMessage(issue, 'zh')).toContain('全年执行数');
    expect(issueMessage(issue, 'en')).toContain('executed amount');
  });
});
