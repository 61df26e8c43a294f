import { makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text, Title3, tokens } from '@fluentui/react-components';
import type { Lang } from '../engine';
import { strings } from './strings';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground1,
  },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

/** Shown instead of the pane on an Excel without ExcelApi 1.13: what is missing and where it exists. */
export function Unsupported({ lang }: { lang: Lang }): JSX.Element {
  const s = strings(lang);
  const styles = useStyles();
  return (
    <main className={styles.root}>
      <Title3 as="h1">{s.appTitle}</Title3>
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{s.unsupportedTitle}</MessageBarTitle>
          {s.unsupportedBody}
        </MessageBarBody>
      </MessageBar>
      <Text as="p">{s.unsupportedVersionsHeading}</Text>
      <ul className={styles.list}>
        {s.unsupportedVersions.map((v) => (
          <li key={v}>
            <Text>{v}</Text>
          </li>
        ))}
      </ul>
      <Text as="p">{s.unsupportedOld}</Text>
    </main>
  );
}
