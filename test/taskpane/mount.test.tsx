/** @jest-environment jsdom */
import './setup-dom';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { act, render, screen, within } from '@testing-library/react';
import { mountTaskpane, mountUnsupported } from '../../src/taskpane/mount';
import { en, zh } from '../../src/taskpane/strings';
import { Unsupported } from '../../src/taskpane/Unsupported';
import { stubHost } from './fixtures';

describe('mounting', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  test('mountTaskpane renders the pane inside a FluentProvider and loads the settings', async () => {
    const root = document.createElement('div');
    document.body.appendChild(root);
    const host = stubHost('zh');
    await act(async () => mountTaskpane(root, host));
    expect(within(root).getByRole('button', { name: zh.validate })).toBeTruthy();
    expect(root.querySelector('.fui-FluentProvider')).not.toBeNull();
    expect(document.documentElement.lang).toBe('zh-CN');
    expect(host.loadSettings).toHaveBeenCalled();
  });

  test('mountTaskpane in English sets the page language', async () => {
    const root = document.createElement('div');
    document.body.appendChild(root);
    await act(async () => mountTaskpane(root, stubHost('en')));
    expect(within(root).getByRole('button', { name: en.validate })).toBeTruthy();
    expect(document.documentElement.lang).toBe('en-US');
  });

  test('mountUnsupported says ExcelApi 1.13 is needed', async () => {
    const root = document.createElement('div');
    document.body.appendChild(root);
    await act(async () => mountUnsupported(root, 'zh'));
    expect(within(root).getByRole('group', { name: zh.unsupportedTitle }).textContent).toContain('ExcelApi 1.13');
  });
});

describe('Unsupported', () => {
  test.each([
    ['zh', zh],
    ['en', en],
  ] as const)('%s: names the requirement and the Excel versions that have it', (lang, s) => {
    render(
      <FluentProvider theme={webLightTheme}>
        <Unsupported lang={lang} />
      </FluentProvider>,
    );
    expect(screen.getByRole('heading', { name: s.appTitle })).toBeTruthy();
    expect(screen.getByText(s.unsupportedBody)).toBeTruthy();
    const items = screen.getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual(s.unsupportedVersions);
    expect(items.join(' ')).toMatch(/2102/);
    expect(screen.getByText(s.unsupportedOld).textContent).toMatch(/2016.*2019/);
    expect(screen.queryAllByRole('button')).toHaveLength(0);
  });
});
