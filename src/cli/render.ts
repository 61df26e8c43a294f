import { dictionary, type Lang, type Report } from '../engine';

/** Display width in a terminal: CJK and full-width characters take two columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    w += code >= 0x1100 && (code <= 0x115f || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6) || code >= 0x20000) ? 2 : 1;
  }
  return w;
}

function pad(s: string, width: number, right = false): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return right ? fill + s : s + fill;
}

function table(head: string[], rows: string[][], numericFrom: number): string[] {
  const widths = head.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const fmt = (r: string[]): string => '  ' + r.map((c, i) => pad(c, widths[i], i >= numericFrom)).join('  ');
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)];
}

const pct = (r: string | null): string => (r === null ? '—' : `${r}%`);

/** The human-readable report, in the chosen language (the narrative is always zh-CN). */
export function renderReport(report: Report, lang: Lang): string {
  const d = dictionary(lang).ui;
  const lines: string[] = [];
  lines.push(`${d.file}：${report.file}`);
  lines.push(
    `${d.sheet}：${report.sheet}（${d.headerRows} ${report.headerRows.join('–')}）  ${d.unit}：${report.unit}  ${d.year}：${report.year ?? '—'}  ${d.department}：${report.department || '—'}`,
  );
  lines.push(`${d.projects}：${report.projects}`);
  lines.push(
    `${d.totals}${d.unitNote}：${d.budget} ${report.totals.budget}；${d.executed} ${report.totals.executed}；${d.rate} ${pct(report.totals.rate)}`,
  );
  lines.push('');
  lines.push(`${d.byCategory}${d.unitNote}`);
  const levels = ['中央', '省', '市', '本级'];
  lines.push(
    ...table(
      ['', d.budget, ...levels, d.executed, ...levels, d.rate],
      report.byCategory.map((c) => [
        c.category,
        c.budget,
        ...levels.map((l) => c.byLevel[l]?.budget ?? '0.00'),
        c.executed,
        ...levels.map((l) => c.byLevel[l]?.executed ?? '0.00'),
        pct(c.rate),
      ]),
      1,
    ),
  );
  lines.push('');
  lines.push(`${d.byOffice}${d.unitNote}`);
  lines.push(
    ...table(
      ['', d.projects, d.budget, d.executed, d.rate],
      report.byOffice.map((o) => [o.office, String(o.projects), o.budget, o.executed, pct(o.rate)]),
      1,
    ),
  );
  lines.push('');
  lines.push(`${d.issues}：${d.counts(report.counts.error, report.counts.warning, report.counts.info)}`);
  if (report.issues.length === 0) lines.push(`  ${d.noIssues}`);
  const severity = dictionary(lang).severityNames;
  for (const i of report.issues) {
    lines.push(`  [${severity[i.severity]}] ${i.sheet}!${i.cell}  ${i.code}  ${i.message}`);
  }
  lines.push('');
  lines.push(d.narrative);
  for (const p of report.narrative) lines.push(`  ${p}`);
  return lines.join('\n');
}
