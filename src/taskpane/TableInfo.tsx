import {
  Button,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Subtitle2,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { type Field as FieldKey, fieldName, FIELDS, type Lang } from '../engine';
import type { DetectedTable, HostSettings } from '../office/types';
import type { Strings } from './strings';
import { type ColumnMap, useColumnMap } from './useColumnMap';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXXS,
    margin: 0,
  },
  pair: { display: 'contents' },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0, overflowWrap: 'anywhere' },
  editor: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalS,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  fields: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(9rem, 1fr))',
    columnGap: tokens.spacingHorizontalS,
    rowGap: tokens.spacingVerticalS,
  },
  row: { display: 'flex', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalS },
  hint: { color: tokens.colorNeutralForeground3 },
});

export interface TableInfoProps {
  s: Strings;
  lang: Lang;
  table: DetectedTable | null;
  /** The saved column overrides. */
  map: HostSettings['map'];
  busy: boolean;
  onSaveMap(map: HostSettings['map']): void | Promise<void>;
}

/** The detected table, and the column editor when detection is unsure or the user asks for it. */
export function TableInfo({ s, lang, table, map, busy, onSaveMap }: TableInfoProps): JSX.Element {
  const styles = useStyles();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (table && !table.confident) setOpen(true);
  }, [table]);

  const facts: [string, string][] = table
    ? [
        [s.sheet, table.sheet],
        [s.headerRows, table.headerRows.join('–')],
        [s.projects, String(table.projects)],
        [s.unit, s.unitWithSource(table.unit, s.unitSources[table.unitSource])],
        [s.year, table.year === null ? s.notStated : String(table.year)],
        [s.department, table.department || s.notStated],
      ]
    : [];
  const detected: ColumnMap = table?.columns ?? {};

  return (
    <section className={styles.root} aria-labelledby="table-heading">
      <Subtitle2 as="h2" id="table-heading">
        {s.tableHeading}
      </Subtitle2>
      {table ? (
        <dl className={styles.facts}>
          {facts.map(([term, value]) => (
            <div key={term} className={styles.pair}>
              <dt className={styles.term}>
                <Text>{term}</Text>
              </dt>
              <dd className={styles.value}>
                <Text>{value}</Text>
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        <Text className={styles.hint}>{s.noTable}</Text>
      )}
      {table && !table.confident && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>{s.notConfident}</MessageBarBody>
        </MessageBar>
      )}
      <div>
        <Button appearance="secondary" aria-expanded={open} aria-controls="column-map" onClick={() => setOpen(!open)}>
          {open ? s.hideMap : s.editMap}
        </Button>
      </div>
      {open && (
        <ColumnMapEditor
          key={JSON.stringify([detected, map])}
          s={s}
          lang={lang}
          detected={detected}
          saved={map}
          busy={busy}
          onSave={onSaveMap}
        />
      )}
    </section>
  );
}

interface EditorProps {
  s: Strings;
  lang: Lang;
  detected: ColumnMap;
  saved: ColumnMap | undefined;
  busy: boolean;
  onSave(map: HostSettings['map']): void | Promise<void>;
}

function ColumnMapEditor({ s, lang, detected, saved, busy, onSave }: EditorProps): JSX.Element {
  const styles = useStyles();
  const draft = useColumnMap(detected, saved);
  const message = (f: FieldKey): string | undefined => {
    const p = draft.problems[f];
    if (!p) return undefined;
    return p.kind === 'bad' ? s.badColumn : s.duplicateColumn(fieldName(p.of, lang));
  };
  return (
    <form
      id="column-map"
      className={styles.editor}
      aria-labelledby="column-map-heading"
      onSubmit={(e) => {
        e.preventDefault();
        if (draft.valid && !busy) void onSave(draft.toMap());
      }}
    >
      <Subtitle2 as="h3" id="column-map-heading">
        {s.mapHeading}
      </Subtitle2>
      <Text className={styles.hint}>{s.mapHint}</Text>
      <div className={styles.fields}>
        {FIELDS.map((f) => (
          <Field key={f} label={fieldName(f, lang)} validationMessage={message(f)} validationState={message(f) ? 'error' : 'none'}>
            <Input
              value={draft.values[f]}
              onChange={(_, d) => draft.set(f, d.value)}
              placeholder={detected[f] ?? ''}
              maxLength={3}
              autoComplete="off"
              spellCheck={false}
            />
          </Field>
        ))}
      </div>
      <div className={styles.row}>
        <Button type="submit" appearance="primary" disabled={busy || !draft.valid}>
          {s.saveMap}
        </Button>
        {saved && (
          <Button type="button" disabled={busy} onClick={() => void onSave(undefined)}>
            {s.resetMap}
          </Button>
        )}
      </div>
    </form>
  );
}
