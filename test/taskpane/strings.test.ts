import { en, strings, zh } from '../../src/taskpane/strings';

/** Every key, nested ones as paths (progressSteps.reading, …). */
function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('task pane dictionaries (zh-CN first, en-US second)', () => {
  test('zh and en have the same keys, nested ones included', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort());
  });

  test('the same kinds of entries: text, list or function of the same arity', () => {
    for (const key of keys(zh)) {
      const get = (d: object): unknown => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], d);
      const a = get(zh);
      const b = get(en);
      expect([key, typeof b, Array.isArray(b)]).toEqual([key, typeof a, Array.isArray(a)]);
      if (typeof a === 'function' && typeof b === 'function') expect([key, b.length]).toEqual([key, a.length]);
      if (Array.isArray(a) && Array.isArray(b)) expect([key, b.length]).toEqual([key, a.length]);
    }
  });

  test('no entry is empty except the notes a language does not need', () => {
    const optional = new Set(['narrativeNote']);
    for (const d of [zh, en]) {
      for (const key of keys(d)) {
        const v = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], d);
        if (typeof v === 'string' && !optional.has(key)) expect([key, v.trim().length > 0]).toEqual([key, true]);
      }
    }
  });

  test('zh is Chinese, en is not; strings() picks by language', () => {
    expect(zh.validate).toBe('校验');
    expect(zh.fill).toBe('生成汇总与文字');
    expect(zh.severities).toEqual({ error: '错误', warning: '警告', info: '提示' });
    expect(en.validate).not.toMatch(/[\u4e00-\u9fa5]/);
    expect(strings('zh')).toBe(zh);
    expect(strings('en')).toBe(en);
  });
});
