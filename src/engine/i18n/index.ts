import type { Field, Issue, Lang, Severity, UnusableInput } from '../types';
import * as en from './en-US';
import * as zh from './zh-CN';

const DICTIONARIES = { zh, en } as const;

export type Dictionary = typeof zh;

export function dictionary(lang: Lang): Dictionary {
  return DICTIONARIES[lang];
}

/** The issue's message in the given language: what is wrong and how to fix it. */
export function issueMessage(issue: Issue, lang: Lang): string {
  const d = DICTIONARIES[lang];
  const fieldName = issue.params.field ? d.fieldNames[issue.params.field as Field] ?? issue.params.field : '';
  return d.messages[issue.code]({ ...issue.params, fieldName });
}

export function unusableMessage(error: UnusableInput, lang: Lang): string {
  return DICTIONARIES[lang].unusable[error.code](error.params);
}

export function fieldName(field: Field, lang: Lang): string {
  return DICTIONARIES[lang].fieldNames[field];
}

export function severityName(severity: Severity, lang: Lang): string {
  return DICTIONARIES[lang].severityNames[severity];
}
