import { useMemo, useState } from 'react';
import { type Field, FIELDS } from '../engine';
import type { HostSettings } from '../office/types';

export type ColumnMap = NonNullable<HostSettings['map']>;

export type ColumnProblem = { kind: 'bad' } | { kind: 'duplicate'; of: Field };

export interface ColumnMapDraft {
  values: Record<Field, string>;
  problems: Partial<Record<Field, ColumnProblem>>;
  valid: boolean;
  set(field: Field, value: string): void;
  /** The overrides to save: the fields the user changed from the detection, and earlier overrides kept. */
  toMap(): ColumnMap | undefined;
}

const COLUMN = /^[A-Z]{1,3}$/;

const normalise = (v: string): string => v.trim().toUpperCase();

/**
 * The column editor's draft: one text per field, starting from the saved overrides over what was
 * detected. Only real overrides are saved, so a detected column that later moves is found again.
 */
export function useColumnMap(detected: ColumnMap, saved: ColumnMap | undefined): ColumnMapDraft {
  const [values, setValues] = useState<Record<Field, string>>(() => {
    const v = {} as Record<Field, string>;
    for (const f of FIELDS) v[f] = saved?.[f] ?? detected[f] ?? '';
    return v;
  });

  const problems = useMemo(() => {
    const found: Partial<Record<Field, ColumnProblem>> = {};
    const seen = new Map<string, Field>();
    for (const f of FIELDS) {
      const v = normalise(values[f]);
      if (v === '') continue;
      if (!COLUMN.test(v)) {
        found[f] = { kind: 'bad' };
        continue;
      }
      const first = seen.get(v);
      if (first) found[f] = { kind: 'duplicate', of: first };
      else seen.set(v, f);
    }
    return found;
  }, [values]);

  return {
    values,
    problems,
    valid: Object.keys(problems).length === 0,
    set: (field, value) => setValues((prev) => ({ ...prev, [field]: value })),
    toMap: () => {
      const map: ColumnMap = {};
      for (const f of FIELDS) {
        const v = normalise(values[f]);
        if (v !== '' && (v !== detected[f] || saved?.[f] !== undefined)) map[f] = v;
      }
      return Object.keys(map).length > 0 ? map : undefined;
    },
  };
}
