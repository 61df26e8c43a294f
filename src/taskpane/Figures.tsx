import {
  makeStyles,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import type { Report } from '../engine';
import type { Strings } from './strings';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  totals: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXXS,
    margin: 0,
  },
  pair: { display: 'contents' },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0, fontVariantNumeric: 'tabular-nums' },
  number: { textAlign: 'end', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' },
  level: { paddingLeft: tokens.spacingHorizontalL, color: tokens.colorNeutralForeground3 },
  levelNumber: { textAlign: 'end', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap', color: tokens.colorNeutralForeground3 },
  note: { color: tokens.colorNeutralForeground3 },
  scroll: { overflowX: 'auto' },
});

const isZero = (amount: string): boolean => /^-?0(\.0+)?$/.test(amount);

export interface FiguresProps {
  s: Strings;
  report: Report;
}

/** Totals, the breakdown by fund category with its levels, and by office; all in 万元. */
export function Figures({ s, report }: FiguresProps): JSX.Element {
  const styles = useStyles();
  const rate = (r: string | null): string => (r === null ? s.noRate : s.percent(r));
  const totals: [string, string][] = [
    [s.projectCount, String(report.projects)],
    [s.totalBudget, report.totals.budget],
    [s.totalExecuted, report.totals.executed],
    [s.totalRate, rate(report.totals.rate)],
  ];
  return (
    <section className={styles.root} aria-labelledby="figures-heading">
      <Subtitle2 as="h2" id="figures-heading">
        {s.figuresHeading}
      </Subtitle2>
      <Text size={200} className={styles.note}>
        {s.unitNote}
      </Text>
      <dl className={styles.totals}>
        {totals.map(([term, value]) => (
          <div key={term} className={styles.pair}>
            <dt className={styles.term}>
              <Text>{term}</Text>
            </dt>
            <dd className={styles.value}>
              <Text weight="semibold">{value}</Text>
            </dd>
          </div>
        ))}
      </dl>

      <Subtitle2 as="h3" id="by-category-heading">
        {s.byCategory}
      </Subtitle2>
      <div className={styles.scroll}>
        <Table size="small" aria-labelledby="by-category-heading">
          <TableHeader>
            <TableRow>
              <TableHeaderCell scope="col">{s.category}</TableHeaderCell>
              <TableHeaderCell scope="col" className={styles.number}>
                {s.budget}
              </TableHeaderCell>
              <TableHeaderCell scope="col" className={styles.number}>
                {s.executed}
              </TableHeaderCell>
              <TableHeaderCell scope="col" className={styles.number}>
                {s.rate}
              </TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {report.byCategory.flatMap((c) => [
              <TableRow key={c.category}>
                <TableCell>{c.category}</TableCell>
                <TableCell className={styles.number}>{c.budget}</TableCell>
                <TableCell className={styles.number}>{c.executed}</TableCell>
                <TableCell className={styles.number}>{rate(c.rate)}</TableCell>
              </TableRow>,
              ...Object.entries(c.byLevel)
                .filter(([, l]) => !isZero(l.budget) || !isZero(l.executed))
                .map(([level, l]) => (
                  <TableRow key={`${c.category}/${level}`}>
                    <TableCell className={styles.level}>{s.levelRow(level)}</TableCell>
                    <TableCell className={styles.levelNumber}>{l.budget}</TableCell>
                    <TableCell className={styles.levelNumber}>{l.executed}</TableCell>
                    <TableCell />
                  </TableRow>
                )),
            ])}
          </TableBody>
        </Table>
      </div>

      <Subtitle2 as="h3" id="by-office-heading">
        {s.byOffice}
      </Subtitle2>
      <div className={styles.scroll}>
        <Table size="small" aria-labelledby="by-office-heading">
          <TableHeader>
            <TableRow>
              <TableHeaderCell scope="col">{s.office}</TableHeaderCell>
              <TableHeaderCell scope="col" className={styles.number}>
                {s.projectCount}
              </TableHeaderCell>
              <TableHeaderCell scope="col" className={styles.number}>
                {s.budget}
              </TableHeaderCell>
              <TableHeaderCell scope="col" className={styles.number}>
                {s.executed}
              </TableHeaderCell>
              <TableHeaderCell scope="col" className={styles.number}>
                {s.rate}
              </TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {report.byOffice.map((o) => (
              <TableRow key={o.office}>
                <TableCell>{o.office || s.noOffice}</TableCell>
                <TableCell className={styles.number}>{o.projects}</TableCell>
                <TableCell className={styles.number}>{o.budget}</TableCell>
                <TableCell className={styles.number}>{o.executed}</TableCell>
                <TableCell className={styles.number}>{rate(o.rate)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </section>
  );
}
