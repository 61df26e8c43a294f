import { FluentProvider, makeStaticStyles, webLightTheme } from '@fluentui/react-components';
import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Lang } from '../engine';
import type { AddinHost } from '../office/types';
import { App } from './App';
import { strings } from './strings';
import { Unsupported } from './Unsupported';

const usePageStyles = makeStaticStyles({ body: { margin: 0 } });

function Page({ children }: { children: ReactNode }): JSX.Element {
  usePageStyles();
  return <>{children}</>;
}

function render(element: HTMLElement, lang: Lang, children: ReactNode): void {
  const tag = strings(lang).langTag;
  element.ownerDocument.documentElement.lang = tag;
  createRoot(element).render(
    <StrictMode>
      <FluentProvider theme={webLightTheme} lang={tag}>
        <Page>{children}</Page>
      </FluentProvider>
    </StrictMode>,
  );
}

/** Renders the task pane into `element`, against `host` (Excel, the workbench, or a test stub). */
export function mountTaskpane(element: HTMLElement, host: AddinHost): void {
  render(element, host.lang, <App host={host} />);
}

/** Renders the page that says this Excel lacks ExcelApi 1.13. */
export function mountUnsupported(element: HTMLElement, lang: Lang): void {
  render(element, lang, <Unsupported lang={lang} />);
}
