import {
  Button,
  CounterBadge,
  Field,
  makeStyles,
  SearchBox,
  Subtitle2,
  Text,
  ToggleButton,
  tokens,
  useArrowNavigationGroup,
} from '@fluentui/react-components';
import { type KeyboardEvent, useState } from 'react';
import type { Report, Severity } from '../engine';
import type { Strings } from './strings';
import { type ReportIssue, SEVERITIES, useIssueFilter } from './useIssueFilter';

/** Past this many, a group shows a button for the rest: thousands of buttons slow the pane down. */
const FIRST_SHOWN = 100;

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  toggles: { display: 'flex', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalS },
  group: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS },
  heading: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS, margin: 0 },
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXXS },
  issue: {
    width: '100%',
    justifyContent: 'flex-start',
    textAlign: 'start',
    whiteSpace: 'normal',
    fontWeight: tokens.fontWeightRegular,
    paddingTop: tokens.spacingVerticalXS,
    paddingBottom: tokens.spacingVerticalXS,
  },
  issueText: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXXS, overflowWrap: 'anywhere' },
  cell: { fontWeight: tokens.fontWeightSemibold },
  hint: { color: tokens.colorNeutralForeground3 },
});

const BADGE_COLOR: Record<Severity, 'danger' | 'important' | 'informative'> = { error: 'danger', warning: 'important', info: 'informative' };

export interface IssueListProps {
  s: Strings;
  issues: ReportIssue[];
  counts: Report['counts'];
  onSelect(sheet: string, cell: string): void | Promise<void>;
}

/** The issues by severity with counts, filterable; each selects its cell in Excel on click or Enter. */
export function IssueList({ s, issues, counts, onSelect }: IssueListProps): JSX.Element {
  const styles = useStyles();
  const filter = useIssueFilter(issues);

  if (issues.length === 0) return <Text>{s.noIssues}</Text>;

  return (
    <section className={styles.root} aria-labelledby="issues-heading">
      <Subtitle2 as="h2" id="issues-heading">
        {s.issuesHeading}
      </Subtitle2>
      <Text>{s.countsSummary(counts.error, counts.warning, counts.info)}</Text>
      <div role="group" aria-label={s.showSeverity} className={styles.toggles}>
        {SEVERITIES.map((sev) => (
          <ToggleButton key={sev} size="small" checked={filter.shown[sev]} onClick={() => filter.toggle(sev)}>
            {s.severityCount(s.severities[sev], counts[sev])}
          </ToggleButton>
        ))}
      </div>
      <Field label={s.search}>
        <SearchBox value={filter.query} placeholder={s.searchPlaceholder} onChange={(_, d) => filter.setQuery(d.value)} />
      </Field>
      <Text size={200} className={styles.hint}>
        {s.issueHint}
      </Text>
      {filter.matched === 0 && <Text role="status">{s.noMatch}</Text>}
      {filter.groups
        .filter((g) => g.issues.length > 0)
        .map((g) => (
          <IssueGroup key={g.severity} s={s} severity={g.severity} issues={g.issues} onSelect={onSelect} />
        ))}
    </section>
  );
}

interface GroupProps {
  s: Strings;
  severity: Severity;
  issues: ReportIssue[];
  onSelect(sheet: string, cell: string): void | Promise<void>;
}

function IssueGroup({ s, severity, issues, onSelect }: GroupProps): JSX.Element {
  const styles = useStyles();
  const arrows = useArrowNavigationGroup({ axis: 'vertical', memorizeCurrent: true });
  const [all, setAll] = useState(false);
  const headingId = `issues-${severity}`;
  const visible = all ? issues : issues.slice(0, FIRST_SHOWN);
  return (
    <section className={styles.group} aria-labelledby={headingId}>
      <h3 className={styles.heading} id={headingId}>
        <Subtitle2>{s.severities[severity]}</Subtitle2>
        <CounterBadge count={issues.length} color={BADGE_COLOR[severity]} showZero overflowCount={99999} aria-hidden />
      </h3>
      <ul className={styles.list} {...arrows}>
        {visible.map((issue, n) => (
          <li key={`${issue.sheet}!${issue.cell}#${issue.code}#${n}`}>
            <IssueRow s={s} issue={issue} onSelect={onSelect} />
          </li>
        ))}
      </ul>
      {!all && issues.length > FIRST_SHOWN && (
        <div>
          <Button appearance="subtle" onClick={() => setAll(true)}>
            {s.showAll(issues.length)}
          </Button>
        </div>
      )}
    </section>
  );
}

function IssueRow({ s, issue, onSelect }: { s: Strings; issue: ReportIssue; onSelect: GroupProps['onSelect'] }): JSX.Element {
  const styles = useStyles();
  const ref = s.cellRef(issue.sheet, issue.cell);
  const select = (): void => void onSelect(issue.sheet, issue.cell);
  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>): void => {
    // Handled here rather than by the button's own click on Enter, which preventDefault cancels,
    // so Enter selects exactly once whatever the browser.
    if (e.key === 'Enter') {
      e.preventDefault();
      select();
    }
  };
  return (
    <Button appearance="subtle" className={styles.issue} onClick={select} onKeyDown={onKeyDown} aria-label={s.issueLabel(ref, issue.message)}>
      <span className={styles.issueText}>
        <Text className={styles.cell}>{ref}</Text>
        <Text>{issue.message}</Text>
      </span>
    </Button>
  );
}
