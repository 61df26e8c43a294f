import {
  Button,
  Field,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  Tab,
  TabList,
  Text,
  Title3,
  tokens,
} from '@fluentui/react-components';
import type { AddinHost } from '../office/types';
import { Figures } from './Figures';
import { IssueList } from './IssueList';
import { Narrative } from './Narrative';
import { SettingsForm } from './SettingsForm';
import { strings, type Strings } from './strings';
import { TableInfo } from './TableInfo';
import { type Addin, type Tab as TabName, useAddin } from './useAddin';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalL,
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground1,
    minHeight: '100vh',
    boxSizing: 'border-box',
  },
  actions: {
    display: 'flex',
    flexWrap: 'wrap',
    columnGap: tokens.spacingHorizontalS,
    rowGap: tokens.spacingVerticalS,
  },
  hint: { color: tokens.colorNeutralForeground3 },
});

export interface AppProps {
  host: AddinHost;
}

/** The task pane: table, settings, the two actions, their progress and results. */
export function App({ host }: AppProps): JSX.Element {
  const s = strings(host.lang);
  const addin = useAddin(host, s);
  const styles = useStyles();
  const busy = addin.busy !== null;

  return (
    <main className={styles.root} aria-busy={busy}>
      <Title3 as="h1">{s.appTitle}</Title3>

      <TableInfo s={s} lang={host.lang} table={addin.table} map={addin.settings.map} busy={busy} onSaveMap={addin.saveMap} />

      <SettingsForm s={s} settings={addin.settings} dirty={addin.dirty} busy={busy} onChange={addin.updateSettings} onSave={addin.saveSettings} />

      <section aria-label={s.actions} className={styles.actions}>
        <Button appearance="primary" disabled={busy} onClick={() => void addin.validate()}>
          {s.validate}
        </Button>
        <Button disabled={busy} onClick={() => void addin.fill()}>
          {s.fill}
        </Button>
      </section>

      <BusyIndicator s={s} busy={addin.busy} />
      <ErrorBar s={s} addin={addin} />
      <OutcomeBar s={s} addin={addin} />

      {addin.report ? (
        <>
          <TabList selectedValue={addin.tab} onTabSelect={(_, d) => addin.setTab(d.value as TabName)}>
            <Tab value="issues" id="tab-issues" aria-controls="panel-issues">
              {s.issuesHeading}
            </Tab>
            <Tab value="figures" id="tab-figures" aria-controls="panel-figures">
              {s.figuresHeading}
            </Tab>
            <Tab value="narrative" id="tab-narrative" aria-controls="panel-narrative">
              {s.narrativeHeading}
            </Tab>
          </TabList>
          <div role="tabpanel" id={`panel-${addin.tab}`} aria-labelledby={`tab-${addin.tab}`}>
            {addin.tab === 'issues' && <IssueList s={s} issues={addin.report.issues} counts={addin.report.counts} onSelect={addin.selectCell} />}
            {addin.tab === 'figures' && <Figures s={s} report={addin.report} />}
            {addin.tab === 'narrative' && <Narrative s={s} paragraphs={addin.report.narrative} />}
          </div>
        </>
      ) : (
        !busy && <Text className={styles.hint}>{s.startHint}</Text>
      )}
    </main>
  );
}

function BusyIndicator({ s, busy }: { s: Strings; busy: Addin['busy'] }): JSX.Element | null {
  if (!busy) return null;
  const label = busy.progress ? s.progressSteps[busy.progress.step] : { validate: s.busyValidate, fill: s.busyFill, save: s.busySave }[busy.action];
  return (
    <Field label={label}>
      {/* No value: indeterminate, until a chunked read or write reports a fraction. */}
      <ProgressBar value={busy.progress?.fraction} max={1} />
    </Field>
  );
}

function ErrorBar({ s, addin }: { s: Strings; addin: Addin }): JSX.Element | null {
  const { error } = addin;
  if (!error) return null;
  return (
    <MessageBar intent="error" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{s.errorTitle}</MessageBarTitle>
        {error.message || s.hostErrors[error.code]}
        {error.detail && (
          <>
            <br />
            <Text size={200}>{s.errorDetail(error.detail)}</Text>
          </>
        )}
      </MessageBarBody>
      <MessageBarActions
        containerAction={<Button appearance="transparent" aria-label={s.dismiss} onClick={addin.dismissError}>×</Button>}
      />
    </MessageBar>
  );
}

function OutcomeBar({ s, addin }: { s: Strings; addin: Addin }): JSX.Element | null {
  const { outcome, busy } = addin;
  if (!outcome || busy) return null;
  const list = (sheets: string[]): string => sheets.map(s.quoted).join(s.listSeparator);
  switch (outcome.kind) {
    case 'validated':
      if (addin.report && addin.report.issues.length > 0) {
        return (
          <MessageBar intent={outcome.errors > 0 ? 'warning' : 'info'} layout="multiline">
            <MessageBarBody>
              <MessageBarTitle>{s.validatedTitle}</MessageBarTitle>
              {s.countsSummary(addin.report.counts.error, addin.report.counts.warning, addin.report.counts.info)}
            </MessageBarBody>
          </MessageBar>
        );
      }
      return (
        <MessageBar intent="success" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{s.validatedTitle}</MessageBarTitle>
            {s.noIssues}
          </MessageBarBody>
        </MessageBar>
      );
    case 'filled':
      return (
        <MessageBar intent="success" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{s.filledTitle}</MessageBarTitle>
            {s.filledSheets(list(outcome.sheets))}
            {outcome.notes.map((note) => (
              <div key={note}>{note}</div>
            ))}
          </MessageBarBody>
        </MessageBar>
      );
    case 'blocked':
      return (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{s.blockedTitle}</MessageBarTitle>
            {s.blocked(outcome.errors, list(outcome.sheets))}
            {outcome.notes.map((note) => (
              <div key={note}>{note}</div>
            ))}
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => void addin.fill(true)}>{s.forceFill}</Button>
          </MessageBarActions>
        </MessageBar>
      );
    case 'saved':
      return (
        <MessageBar intent="success" layout="multiline">
          <MessageBarBody>{outcome.what === 'map' ? s.savedMap : s.savedSettings}</MessageBarBody>
        </MessageBar>
      );
  }
}
