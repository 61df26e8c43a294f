import { useMemo, useState } from 'react';
import type { Report, Severity } from '../engine';

export type ReportIssue = Report['issues'][number];

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export interface IssueFilter {
  shown: Record<Severity, boolean>;
  toggle(severity: Severity): void;
  query: string;
  setQuery(query: string): void;
  /** The issues that pass the filter, by severity, in report order. */
  groups: { severity: Severity; issues: ReportIssue[] }[];
  matched: number;
}

/** Severity toggles and a text search over cell, sheet, message and code. */
export function useIssueFilter(issues: ReportIssue[]): IssueFilter {
  const [shown, setShown] = useState<Record<Severity, boolean>>({ error: true, warning: true, info: true });
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const hit = (i: ReportIssue): boolean =>
      q === '' || [i.cell, `${i.sheet}!${i.cell}`, i.message, i.code].some((t) => t.toLowerCase().includes(q));
    return SEVERITIES.filter((sev) => shown[sev]).map((severity) => ({
      severity,
      issues: issues.filter((i) => i.severity === severity && hit(i)),
    }));
  }, [issues, shown, query]);
  return {
    shown,
    toggle: (severity) => setShown((prev) => ({ ...prev, [severity]: !prev[severity] })),
    query,
    setQuery,
    groups,
    matched: groups.reduce((n, g) => n + g.issues.length, 0),
  };
}
