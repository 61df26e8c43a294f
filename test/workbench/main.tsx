/**
 * The workbench: the real task pane and the real function file, each in an iframe whose office.js is
 * the fake one (fake-office.ts), against a fake Excel holding a workbook; beside them a grid of that
 * workbook and a ribbon that runs the two ExecuteFunction commands through their associated actions.
 * Opens the bundled sample or a chosen .xlsx; "下载结果" saves through the same package writer as the
 * command line, so charts and everything else in the file survive.
 */
import {
  Button,
  FluentProvider,
  MessageBar,
  MessageBarBody,
  Tab,
  TabList,
  Text,
  Toolbar,
  ToolbarDivider,
  makeStyles,
  tokens,
  webLightTheme,
} from '@fluentui/react-components';
import { StrictMode, useCallback, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { columnLetter } from '../../src/engine/grid';
import type { FakeExcel } from '../fake-excel';
import { fakeFromXlsx, toXlsxBytes } from '../fake-excel/xlsx';
import type { RibbonHandler, WorkbenchBridge } from './bridge';

const MAX_ROWS = 1000;
const MAX_COLS = 40;

const params = new URLSearchParams(window.location.search);
const lang = params.get('lang') === 'en' ? 'en-US' : 'zh-CN';

const WORDS = {
  'zh-CN': {
    title: '绩效自评助手 · 工作台',
    openSample: '打开示例工作簿',
    openFile: '打开 .xlsx…',
    download: '下载结果',
    ribbon: '功能区“绩效自评”',
    showPane: '打开助手',
    validate: '校验',
    generate: '一键生成',
    running: (n: string) => `“${n}”运行中…`,
    done: (n: string) => `“${n}”已完成（event.completed 已调用）`,
    notAssociated: (n: string) => `“${n}”尚未关联（函数文件未加载）`,
    opened: (n: string) => `已打开：${n}`,
    openFailed: (m: string) => `无法打开：${m}`,
    sheets: '工作表',
    truncated: (r: number, c: number) => `仅显示前 ${r} 行、${c} 列`,
    pane: '任务窗格',
    commands: '函数文件',
  },
  'en-US': {
    title: 'Performance Self-Evaluation · Workbench',
    openSample: 'Open the sample workbook',
    openFile: 'Open .xlsx…',
    download: 'Download result',
    ribbon: 'Ribbon tab 绩效自评',
    showPane: 'Open the assistant',
    validate: 'Validate',
    generate: 'Generate',
    running: (n: string) => `"${n}" running…`,
    done: (n: string) => `"${n}" done (event.completed called)`,
    notAssociated: (n: string) => `"${n}" is not associated yet (function file not loaded)`,
    opened: (n: string) => `Opened: ${n}`,
    openFailed: (m: string) => `Cannot open: ${m}`,
    sheets: 'Sheets',
    truncated: (r: number, c: number) => `Showing the first ${r} rows and ${c} columns`,
    pane: 'Task pane',
    commands: 'Function file',
  },
}[lang];

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', height: '100vh', fontFamily: tokens.fontFamilyBase },
  bar: { borderBottom: `1px solid ${tokens.colorNeutralStroke2}`, backgroundColor: tokens.colorNeutralBackground2 },
  main: { display: 'flex', flex: 1, minHeight: 0 },
  book: { flex: 1, display: 'flex', flexDirection: 'column', minWidth: 0 },
  gridWrap: { flex: 1, overflow: 'auto' },
  grid: { borderCollapse: 'collapse', fontSize: tokens.fontSizeBase200 },
  head: { backgroundColor: tokens.colorNeutralBackground3, color: tokens.colorNeutralForeground3, padding: '0 4px', position: 'sticky', top: 0 },
  rowHead: { backgroundColor: tokens.colorNeutralBackground3, color: tokens.colorNeutralForeground3, padding: '0 4px', textAlign: 'right' },
  cell: {
    border: `1px solid ${tokens.colorNeutralStroke3}`,
    padding: '0 4px',
    maxWidth: '240px',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  number: { textAlign: 'right' },
  selected: { outline: `2px solid ${tokens.colorBrandStroke1}`, backgroundColor: tokens.colorBrandBackground2 },
  pane: { width: '400px', border: 'none', borderLeft: `1px solid ${tokens.colorNeutralStroke2}` },
  hidden: { display: 'none' },
  status: { padding: '2px 8px' },
});

/** A number as its format shows it, roughly: enough to read the grid. */
function display(value: unknown, format: string): string {
  if (typeof value !== 'number') return value === null || value === undefined ? '' : String(value);
  // Excel shows a double through 15 significant digits: 1357.3849999999998 is 1357.385, so 1,357.39.
  const shown = Number(value.toPrecision(15));
  const decimals = /0\.(0+)/.exec(format)?.[1].length;
  const percent = format.includes('%');
  if (decimals === undefined && !percent && !format.includes('0')) return String(shown);
  const digits = decimals ?? 0;
  return new Intl.NumberFormat('en-US', {
    style: percent ? 'percent' : 'decimal',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    useGrouping: format.includes(','),
  }).format(shown);
}

function Grid({ fake, version }: { fake: FakeExcel; version: number }): JSX.Element {
  const styles = useStyles();
  const model = fake.model;
  const visible = model.sheets.filter((s) => s.visibility === 'Visible');
  const activeId = model.activeSheetId ?? visible[0]?.id;
  const [shown, setShown] = useState<number | undefined>(activeId);
  // Follow the workbook's active sheet whenever the add-in activates one.
  useEffect(() => {
    setShown(activeId);
  }, [activeId, version]);
  const sheet = visible.find((s) => s.id === shown) ?? visible[0];
  const selected = model.selection && sheet && model.selection.sheetId === sheet.id ? model.selection.address.split(':')[0] : undefined;
  const selectedRef = useRef<HTMLTableCellElement | null>(null);
  useEffect(() => {
    selectedRef.current?.scrollIntoView({ block: 'center', inline: 'center' });
  }, [selected, version]);

  const used = sheet?.usedRect(false);
  const rows = used ? Math.min(used.r1 + 1, MAX_ROWS) : 0;
  const cols = used ? Math.min(used.c1 + 1, MAX_COLS) : 0;
  return (
    <div className={styles.book}>
      <TabList
        aria-label={WORDS.sheets}
        selectedValue={String(sheet?.id ?? '')}
        onTabSelect={(_e, d) => setShown(Number(d.value))}
        size="small"
      >
        {visible.map((s) => (
          <Tab key={s.id} value={String(s.id)}>
            {s.name}
          </Tab>
        ))}
      </TabList>
      {used && (used.r1 + 1 > MAX_ROWS || used.c1 + 1 > MAX_COLS) && <Text size={200}>{WORDS.truncated(MAX_ROWS, MAX_COLS)}</Text>}
      <div className={styles.gridWrap}>
        {sheet && (
          <table className={styles.grid} data-sheet={sheet.name} aria-label={sheet.name}>
            <thead>
              <tr>
                <th className={styles.head} />
                {Array.from({ length: cols }, (_, c) => (
                  <th key={c} className={styles.head} scope="col">
                    {columnLetter(c)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {Array.from({ length: rows }, (_, r) => (
                <tr key={r}>
                  <th className={styles.rowHead} scope="row">
                    {r + 1}
                  </th>
                  {Array.from({ length: cols }, (_, c) => {
                    const address = `${columnLetter(c)}${r + 1}`;
                    const p = model.present(sheet, r, c);
                    const format = sheet.get(r, c)?.numberFormat ?? 'General';
                    const isSelected = address === selected;
                    const classes = [styles.cell, typeof p.value === 'number' ? styles.number : '', isSelected ? styles.selected : ''].join(' ');
                    return (
                      <td
                        key={c}
                        className={classes}
                        data-address={address}
                        data-selected={isSelected ? 'true' : undefined}
                        aria-selected={isSelected}
                        ref={isSelected ? selectedRef : undefined}
                        title={String(p.value)}
                      >
                        {display(p.value, format)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}

function Workbench(): JSX.Element {
  const styles = useStyles();
  const [fake, setFake] = useState<FakeExcel | null>(null);
  const [fileName, setFileName] = useState('sample-projects.xlsx');
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [paneOpen, setPaneOpen] = useState(true);
  const [frames, setFrames] = useState(0);
  const fakeRef = useRef<FakeExcel | null>(null);
  const handlers = useRef(new Map<string, RibbonHandler>());
  const fileInput = useRef<HTMLInputElement | null>(null);

  useEffect(() => {
    const bridge: WorkbenchBridge = {
      current: () => {
        if (!fakeRef.current) throw new Error('no workbook open');
        return fakeRef.current;
      },
      displayLanguage: lang,
      associate: (name, handler) => handlers.current.set(name, handler),
      changed: () => setVersion((v) => v + 1),
    };
    window.__jixiaoWorkbench = bridge;
  }, []);

  const open = useCallback(async (bytes: Uint8Array, name: string) => {
    try {
      const next = await fakeFromXlsx(bytes);
      fakeRef.current = next;
      setFake(next);
      setFileName(name);
      setError('');
      setStatus(WORDS.opened(name));
      handlers.current.clear();
      // A new workbook: the pane and the function file start afresh, as in Excel.
      setFrames((f) => f + 1);
    } catch (e) {
      setError(WORDS.openFailed(e instanceof Error ? e.message : String(e)));
    }
  }, []);

  const openSample = useCallback(async () => {
    const response = await fetch('sample-projects.xlsx');
    await open(new Uint8Array(await response.arrayBuffer()), 'sample-projects.xlsx');
  }, [open]);

  useEffect(() => {
    void openSample();
  }, [openSample]);

  const runCommand = useCallback(async (functionName: string, label: string) => {
    const handler = handlers.current.get(functionName);
    if (!handler) {
      setStatus(WORDS.notAssociated(label));
      return;
    }
    setStatus(WORDS.running(label));
    await new Promise<void>((resolve) => {
      void handler({ completed: () => resolve() });
    });
    setVersion((v) => v + 1);
    setStatus(WORDS.done(label));
  }, []);

  const download = useCallback(() => {
    if (!fake) return;
    const blob = new Blob([toXlsxBytes(fake) as unknown as BlobPart], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = fileName.replace(/\.xls[xm]$/i, '') + '-jixiao.xlsx';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }, [fake, fileName]);

  return (
    <div className={styles.page}>
      <Toolbar aria-label={WORDS.title} className={styles.bar}>
        <Text weight="semibold">{WORDS.title}</Text>
        <ToolbarDivider />
        <Button onClick={() => void openSample()}>{WORDS.openSample}</Button>
        <Button onClick={() => fileInput.current?.click()}>{WORDS.openFile}</Button>
        <input
          ref={fileInput}
          type="file"
          accept=".xlsx,.xlsm"
          aria-label={WORDS.openFile}
          data-testid="open-file"
          hidden
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void f.arrayBuffer().then((b) => open(new Uint8Array(b), f.name));
            e.target.value = '';
          }}
        />
        <Button onClick={download} disabled={!fake}>
          {WORDS.download}
        </Button>
        <ToolbarDivider />
        <Text>{WORDS.ribbon}</Text>
        <Button appearance={paneOpen ? 'primary' : 'secondary'} onClick={() => setPaneOpen((o) => !o)}>
          {WORDS.showPane}
        </Button>
        <Button onClick={() => void runCommand('validateWorkbook', WORDS.validate)}>{WORDS.validate}</Button>
        <Button onClick={() => void runCommand('generateReport', WORDS.generate)}>{WORDS.generate}</Button>
      </Toolbar>
      <div className={styles.status} role="status" aria-live="polite">
        {status}
      </div>
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.main}>
        {fake ? <Grid fake={fake} version={version} /> : <div className={styles.book} />}
        {fake && (
          <>
            <iframe
              key={`pane-${frames}-${lang}`}
              title={WORDS.pane}
              src={`taskpane.html`}
              className={paneOpen ? styles.pane : styles.hidden}
            />
            <iframe key={`commands-${frames}-${lang}`} title={WORDS.commands} src="commands.html" className={styles.hidden} />
          </>
        )}
      </div>
    </div>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
document.documentElement.lang = lang;
createRoot(root).render(
  <StrictMode>
    <FluentProvider theme={webLightTheme}>
      <Workbench />
    </FluentProvider>
  </StrictMode>,
);
