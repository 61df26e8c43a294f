import { Button, makeStyles, MessageBar, MessageBarBody, Subtitle2, Text, tokens } from '@fluentui/react-components';
import type { Strings } from './strings';
import { useCopy } from './useCopy';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  text: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalS,
    userSelect: 'text',
  },
  paragraph: { margin: 0, textIndent: '2em', lineHeight: tokens.lineHeightBase400 },
  note: { color: tokens.colorNeutralForeground3 },
  status: { minHeight: tokens.lineHeightBase300 },
});

export interface NarrativeProps {
  s: Strings;
  paragraphs: string[];
}

/** The report's generated text, paragraph by paragraph, with a copy button that says when it worked. */
export function Narrative({ s, paragraphs }: NarrativeProps): JSX.Element {
  const styles = useStyles();
  const { status, copy } = useCopy();
  if (paragraphs.length === 0) return <Text>{s.noNarrative}</Text>;
  return (
    <section className={styles.root} aria-labelledby="narrative-heading">
      <Subtitle2 as="h2" id="narrative-heading">
        {s.narrativeHeading}
      </Subtitle2>
      {s.narrativeNote && (
        <Text size={200} className={styles.note}>
          {s.narrativeNote}
        </Text>
      )}
      <div>
        <Button appearance="primary" onClick={() => void copy(paragraphs.join('\n'))}>
          {s.copy}
        </Button>
      </div>
      <div role="status" className={styles.status}>
        {status === 'copied' && <Text>{s.copied}</Text>}
      </div>
      {status === 'failed' && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>{s.copyFailed}</MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.text} lang="zh-CN">
        {paragraphs.map((p, n) => (
          <Text as="p" key={n} className={styles.paragraph}>
            {p}
          </Text>
        ))}
      </div>
    </section>
  );
}
