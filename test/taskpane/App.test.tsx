/** @jest-environment jsdom */
import './setup-dom';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { FillOutcome, HostResult, HostSettings, Progress } from '../../src/office/types';
import { App } from '../../src/taskpane/App';
import { en, zh } from '../../src/taskpane/strings';
import { analysed, ok, stubHost, type StubHost, XSS_NAME } from './fixtures';

function renderApp(host: StubHost) {
  return render(
    <FluentProvider theme={webLightTheme}>
      <App host={host} />
    </FluentProvider>,
  );
}

async function validated(host: StubHost) {
  const view = renderApp(host);
  await waitFor(() => expect(host.loadSettings).toHaveBeenCalled());
  fireEvent.click(screen.getByRole('button', { name: zh.validate }));
  await screen.findByRole('tab', { name: zh.issuesHeading });
  return view;
}

const issueButton = (cell: string) => screen.getByRole('button', { name: new RegExp(`^明细!${cell}`) });

describe('language', () => {
  test('zh-CN by default: title, actions and hint from the zh dictionary', async () => {
    const host = stubHost('zh');
    renderApp(host);
    expect(screen.getByRole('heading', { name: zh.appTitle })).toBeTruthy();
    expect(screen.getByRole('button', { name: zh.validate })).toBeTruthy();
    expect(screen.getByRole('button', { name: zh.fill })).toBeTruthy();
    expect(screen.getByRole('spinbutton', { name: zh.threshold })).toBeTruthy();
    expect(screen.getByText(zh.startHint)).toBeTruthy();
    await waitFor(() => expect(host.loadSettings).toHaveBeenCalledTimes(1));
  });

  test('en-US when the host says English; issues in English too', async () => {
    const host = stubHost('en');
    renderApp(host);
    expect(screen.getByRole('heading', { name: en.appTitle })).toBeTruthy();
    expect(screen.queryByRole('button', { name: zh.validate })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: en.validate }));
    await screen.findByRole('tab', { name: en.issuesHeading });
    expect(screen.getByRole('button', { name: `${en.severities.error} 1` })).toBeTruthy();
    expect(screen.getByRole('button', { name: /^明细!G6: Executed 12 exceeds the budget 10/ })).toBeTruthy();
    expect(screen.getByRole('region', { name: en.tableHeading }).textContent).toContain('万元 (stated in a title line)');
  });
});

describe('校验', () => {
  test('shows the detected table, counts by severity and every issue with its cell', async () => {
    const host = stubHost();
    await validated(host);
    expect(host.validate).toHaveBeenCalledWith({ threshold: 90 }, expect.objectContaining({ onProgress: expect.any(Function) }));
    const table = screen.getByRole('region', { name: zh.tableHeading });
    expect(within(table).getByText('明细')).toBeTruthy();
    expect(within(table).getByText('4')).toBeTruthy();
    expect(within(table).getByText('万元（标题行注明）')).toBeTruthy();
    expect(within(table).getByText('2024')).toBeTruthy();

    expect(screen.getAllByText(zh.countsSummary(1, 1, 1)).length).toBeGreaterThan(0);
    const toggles = screen.getByRole('group', { name: zh.showSeverity });
    for (const name of ['错误 1', '警告 1', '提示 1']) expect(within(toggles).getByRole('button', { name, pressed: true })).toBeTruthy();
    for (const heading of ['错误', '警告', '提示']) expect(screen.getByRole('heading', { name: new RegExp(`^${heading}`) })).toBeTruthy();
    const errors = screen.getByRole('region', { name: /^错误/ });
    expect(within(errors).getByRole('button', { name: /^明细!G6：全年执行数 12 超过全年预算数 10/ })).toBeTruthy();
    expect(issueButton('I5')).toBeTruthy();
    expect(issueButton('F7')).toBeTruthy();
  });

  test('clicking an issue selects its cell; so does Enter on a focused issue', async () => {
    const host = stubHost();
    await validated(host);
    fireEvent.click(issueButton('G6'));
    expect(host.selectCell).toHaveBeenLastCalledWith('明细', 'G6');

    const warning = issueButton('I5');
    warning.focus();
    expect(document.activeElement).toBe(warning);
    fireEvent.keyDown(warning, { key: 'Enter' });
    expect(host.selectCell).toHaveBeenLastCalledWith('明细', 'I5');
    expect(host.selectCell).toHaveBeenCalledTimes(2);
  });

  test('a failed selection shows its error in the pane', async () => {
    const host = stubHost();
    host.selectCell.mockResolvedValue({ ok: false, error: { code: 'item-not-found', message: '找不到工作表“明细”。' } });
    await validated(host);
    fireEvent.click(issueButton('G6'));
    const bar = await screen.findByRole('group', { name: zh.errorTitle });
    expect(within(bar).getByText(/找不到工作表“明细”/)).toBeTruthy();
  });

  test('the filter hides the other severities and searches the text', async () => {
    const host = stubHost();
    await validated(host);
    fireEvent.click(screen.getByRole('button', { name: '警告 1' }));
    expect(screen.getByRole('button', { name: '警告 1', pressed: false })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^明细!I5/ })).toBeNull();
    expect(issueButton('G6')).toBeTruthy();
    expect(issueButton('F7')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: '错误 1' }));
    expect(screen.queryByRole('button', { name: /^明细!G6/ })).toBeNull();
    expect(issueButton('F7')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: '错误 1' }));
    fireEvent.click(screen.getByRole('button', { name: '警告 1' }));
    fireEvent.change(screen.getByRole('searchbox', { name: zh.search }), { target: { value: '文本形式' } });
    expect(issueButton('F7')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^明细!G6/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /^明细!I5/ })).toBeNull();

    fireEvent.change(screen.getByRole('searchbox', { name: zh.search }), { target: { value: '没有这个' } });
    expect(screen.getByText(zh.noMatch)).toBeTruthy();
  });

  test('a project named like HTML is shown as text, never as markup', async () => {
    const host = stubHost();
    const { container } = await validated(host);
    expect(issueButton('I5').textContent).toContain(XSS_NAME);
    fireEvent.click(screen.getByRole('tab', { name: zh.narrativeHeading }));
    expect(screen.getByText(new RegExp(`^1、${XSS_NAME.replace(/[()]/g, '\\$&')}`))).toBeTruthy();
    expect(container.querySelector('img')).toBeNull();
    expect(document.querySelector('img')).toBeNull();
  });
});

describe('生成汇总与文字', () => {
  test('shows progress while writing, then the sheets written and the text', async () => {
    const host = stubHost();
    let finish: (r: HostResult<FillOutcome>) => void = () => undefined;
    let progress: (p: Progress) => void = () => undefined;
    host.fill.mockImplementation(
      (_settings: HostSettings, options: { onProgress: (p: Progress) => void }) =>
        new Promise<HostResult<FillOutcome>>((resolve) => {
          finish = resolve;
          progress = options.onProgress;
        }),
    );
    renderApp(host);
    await waitFor(() => expect(host.loadSettings).toHaveBeenCalled());
    fireEvent.click(screen.getByRole('button', { name: zh.fill }));

    expect(screen.getByRole('progressbar', { name: zh.busyFill })).toBeTruthy();
    expect(screen.getByRole('button', { name: zh.fill }).hasAttribute('disabled')).toBe(true);
    expect(screen.getByRole('button', { name: zh.validate }).hasAttribute('disabled')).toBe(true);
    act(() => progress({ step: 'writing', fraction: 0.5 }));
    const bar = screen.getByRole('progressbar', { name: zh.progressSteps.writing });
    expect(bar.getAttribute('aria-valuenow')).toBe('0.5');

    await act(async () => finish(ok({ ...analysed('zh'), sheets: ['预算执行汇总', '绩效自评文字'], blocked: false, notes: [] })));
    expect(screen.queryByRole('progressbar')).toBeNull();
    const done = screen.getByRole('group', { name: zh.filledTitle });
    expect(within(done).getByText(zh.filledSheets('“预算执行汇总”、“绩效自评文字”'))).toBeTruthy();
    expect(screen.getByRole('tab', { name: zh.narrativeHeading, selected: true })).toBeTruthy();
    expect(screen.getByText(/^本部门2024年度申请预算资金217\.20万元/)).toBeTruthy();
    expect(screen.getByRole('button', { name: zh.fill }).hasAttribute('disabled')).toBe(false);
  });

  test('errors block the summary; the pane offers to write anyway', async () => {
    const host = stubHost();
    host.fill.mockImplementation(async (_s: HostSettings, o: { force?: boolean }) =>
      ok({ ...analysed('zh'), sheets: o.force ? ['预算执行汇总', '绩效自评文字'] : ['校验结果'], blocked: !o.force, notes: [] }),
    );
    renderApp(host);
    fireEvent.click(screen.getByRole('button', { name: zh.fill }));
    const bar = await screen.findByRole('group', { name: zh.blockedTitle });
    expect(within(bar).getByText(zh.blocked(1, '“校验结果”'))).toBeTruthy();
    expect(screen.getByRole('tab', { name: zh.issuesHeading, selected: true })).toBeTruthy();
    fireEvent.click(within(bar).getByRole('button', { name: zh.forceFill }));
    await screen.findByRole('group', { name: zh.filledTitle });
    expect(host.fill).toHaveBeenLastCalledWith({ threshold: 90 }, expect.objectContaining({ force: true }));
  });

  test('shows the figures: totals, categories with their levels, offices', async () => {
    const host = stubHost();
    await validated(host);
    fireEvent.click(screen.getByRole('tab', { name: zh.figuresHeading }));
    const figures = screen.getByRole('region', { name: zh.figuresHeading });
    expect(within(figures).getByText('217.20')).toBeTruthy();
    expect(within(figures).getByText('166.97')).toBeTruthy();
    expect(within(figures).getByText('76.87%')).toBeTruthy();
    const byCategory = within(figures).getByRole('table', { name: zh.byCategory });
    const special = within(byCategory).getByRole('row', { name: /^专项转移支付/ });
    expect(within(special).getByText('46.98%')).toBeTruthy();
    expect(within(byCategory).getByRole('row', { name: '其中：省 87.20 40.97' })).toBeTruthy();
    const byOffice = within(figures).getByRole('table', { name: zh.byOffice });
    expect(within(byOffice).getByRole('row', { name: /^财务和救灾物资科 1 87\.20 40\.97 46\.98%/ })).toBeTruthy();
  });
});

describe('errors are shown in the pane', () => {
  test("a host error shows a MessageBar with the host's message and code", async () => {
    const host = stubHost();
    host.validate.mockResolvedValue({ ok: false, error: { code: 'protected-sheet', message: '工作表“明细”受保护，无法读取。', detail: 'AccessDenied' } });
    renderApp(host);
    fireEvent.click(screen.getByRole('button', { name: zh.validate }));
    const bar = await screen.findByRole('group', { name: zh.errorTitle });
    expect(within(bar).getByText(/工作表“明细”受保护，无法读取。/)).toBeTruthy();
    expect(within(bar).getByText(zh.errorDetail('AccessDenied'))).toBeTruthy();
    fireEvent.click(within(bar).getByRole('button', { name: zh.dismiss }));
    expect(screen.queryByRole('group', { name: zh.errorTitle })).toBeNull();
  });

  test('an exception thrown by the host is shown, not only logged', async () => {
    const host = stubHost();
    host.fill.mockRejectedValue(new TypeError('run is not a function'));
    renderApp(host);
    fireEvent.click(screen.getByRole('button', { name: zh.fill }));
    const bar = await screen.findByRole('group', { name: zh.errorTitle });
    expect(within(bar).getByText(new RegExp(zh.unexpected.slice(0, 10)))).toBeTruthy();
    expect(within(bar).getByText(zh.errorDetail('TypeError: run is not a function'))).toBeTruthy();
    expect(screen.getByRole('button', { name: zh.fill }).hasAttribute('disabled')).toBe(false);
  });

  test('settings that cannot be loaded: defaults, and a message', async () => {
    const host = stubHost();
    host.loadSettings.mockResolvedValue({ ok: false, error: { code: 'unknown', message: '读取自定义 XML 失败。' } });
    renderApp(host);
    const bar = await screen.findByRole('group', { name: zh.errorTitle });
    expect(within(bar).getByText(`${zh.settingsLoadFailed} 读取自定义 XML 失败。`)).toBeTruthy();
    expect((screen.getByRole('spinbutton', { name: zh.threshold }) as HTMLInputElement).value).toBe('90');
  });
});

describe('column mapping', () => {
  test('appears when detection is unsure; saving stores only the changed columns, then checks again', async () => {
    const host = stubHost();
    host.validate.mockImplementation(async (settings: HostSettings) => {
      const out = analysed('zh', settings);
      return ok({ ...out, table: { ...out.table, confident: false } });
    });
    await validated(host);
    expect(screen.getByText(zh.notConfident)).toBeTruthy();
    const editor = screen.getByRole('form', { name: zh.mapHeading });
    const budget = within(editor).getByRole('textbox', { name: '全年预算数' }) as HTMLInputElement;
    expect(budget.value).toBe('F');
    expect((within(editor).getByRole('textbox', { name: '项目名称' }) as HTMLInputElement).value).toBe('B');

    fireEvent.change(budget, { target: { value: 'g' } });
    expect(within(editor).getByText(zh.duplicateColumn('全年预算数'))).toBeTruthy();
    expect(within(editor).getByRole('button', { name: zh.saveMap }).hasAttribute('disabled')).toBe(true);
    fireEvent.change(budget, { target: { value: 'K1' } });
    expect(within(editor).getByText(zh.badColumn)).toBeTruthy();

    fireEvent.change(budget, { target: { value: 'k' } });
    fireEvent.click(within(editor).getByRole('button', { name: zh.saveMap }));
    await waitFor(() => expect(host.saveSettings).toHaveBeenCalledWith({ threshold: 90, map: { budget: 'K' } }));
    await waitFor(() => expect(host.validate).toHaveBeenCalledTimes(2));
    expect(host.validate).toHaveBeenLastCalledWith({ threshold: 90, map: { budget: 'K' } }, expect.anything());
  });

  test('hidden when detection is sure, until the user asks', async () => {
    const host = stubHost();
    await validated(host);
    expect(screen.queryByRole('form', { name: zh.mapHeading })).toBeNull();
    const toggle = screen.getByRole('button', { name: zh.editMap });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(screen.getByRole('form', { name: zh.mapHeading })).toBeTruthy();
    expect(screen.getByRole('button', { name: zh.hideMap }).getAttribute('aria-expanded')).toBe('true');
  });
});

describe('settings', () => {
  test('loaded on mount, edited, saved through the host and used by the next check', async () => {
    const host = stubHost('zh', { threshold: 85, year: 2024 });
    renderApp(host);
    const threshold = screen.getByRole('spinbutton', { name: zh.threshold }) as HTMLInputElement;
    await waitFor(() => expect(threshold.value).toBe('85'));
    expect((screen.getByRole('spinbutton', { name: zh.yearLabel }) as HTMLInputElement).value).toBe('2024');
    const save = screen.getByRole('button', { name: zh.saveSettings });
    expect(save.hasAttribute('disabled')).toBe(true);

    fireEvent.change(threshold, { target: { value: '120' } });
    fireEvent.blur(threshold);
    expect(screen.getByText(zh.thresholdRange)).toBeTruthy();

    fireEvent.change(threshold, { target: { value: '80' } });
    fireEvent.blur(threshold);
    expect(screen.queryByText(zh.thresholdRange)).toBeNull();
    const year = screen.getByRole('spinbutton', { name: zh.yearLabel });
    fireEvent.change(year, { target: { value: '' } });
    fireEvent.blur(year);
    fireEvent.change(screen.getByRole('textbox', { name: zh.departmentLabel }), { target: { value: '唐山市丰南区应急管理局' } });

    fireEvent.click(save);
    await waitFor(() => expect(host.saveSettings).toHaveBeenCalledWith({ threshold: 80, department: '唐山市丰南区应急管理局' }));
    expect(await screen.findByText(zh.savedSettings)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: zh.validate }));
    await waitFor(() => expect(host.validate).toHaveBeenCalledWith({ threshold: 80, department: '唐山市丰南区应急管理局' }, expect.anything()));
  });
});

describe('narrative', () => {
  test('the copy button writes the text to the clipboard and says so', async () => {
    const writeText = jest.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const host = stubHost();
    await validated(host);
    fireEvent.click(screen.getByRole('tab', { name: zh.narrativeHeading }));
    fireEvent.click(screen.getByRole('button', { name: zh.copy }));
    const { report } = analysed('zh');
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(report.narrative.join('\n')));
    expect(await within(screen.getByRole('status')).findByText(zh.copied)).toBeTruthy();
    Reflect.deleteProperty(navigator, 'clipboard');
  });

  test('where the Clipboard API is refused, falls back to the copy command', async () => {
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: jest.fn(async () => Promise.reject(new Error('denied'))) }, configurable: true });
    let copied = '';
    const execCommand = jest.fn((command: string) => {
      copied = command === 'copy' ? ((document.activeElement as HTMLTextAreaElement | null)?.value ?? '') : '';
      return true;
    });
    Object.defineProperty(document, 'execCommand', { value: execCommand, configurable: true });
    const host = stubHost();
    await validated(host);
    fireEvent.click(screen.getByRole('tab', { name: zh.narrativeHeading }));
    const button = screen.getByRole('button', { name: zh.copy });
    button.focus();
    fireEvent.click(button);
    await waitFor(() => expect(execCommand).toHaveBeenCalledWith('copy'));
    expect(copied).toBe(analysed('zh').report.narrative.join('\n'));
    expect(await screen.findByText(zh.copied)).toBeTruthy();
    expect(document.activeElement).toBe(button);
    Reflect.deleteProperty(navigator, 'clipboard');
    Reflect.deleteProperty(document, 'execCommand');
  });
});

describe('accessibility', () => {
  test('every button, input and tab has an accessible name, in every state', async () => {
    const host = stubHost();
    host.validate.mockImplementation(async (settings: HostSettings) => {
      const out = analysed('zh', settings);
      return ok({ ...out, table: { ...out.table, confident: false } });
    });
    await validated(host);
    for (const tab of [zh.issuesHeading, zh.figuresHeading, zh.narrativeHeading]) {
      fireEvent.click(screen.getByRole('tab', { name: tab }));
      for (const role of ['button', 'textbox', 'spinbutton', 'searchbox', 'tab'] as const) {
        const all = screen.queryAllByRole(role);
        const named = screen.queryAllByRole(role, { name: /\S/ });
        expect(named).toEqual(all);
      }
    }
    expect(screen.getAllByRole('textbox').length).toBeGreaterThan(13);
  });
});
