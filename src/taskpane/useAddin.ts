import { useCallback, useEffect, useRef, useState } from 'react';
import type { Report } from '../engine';
import {
  type AddinHost,
  DEFAULT_SETTINGS,
  type DetectedTable,
  type HostError,
  type HostResult,
  type HostSettings,
  type Progress,
} from '../office/types';
import type { Strings } from './strings';

export type Action = 'validate' | 'fill' | 'save';

export type Tab = 'issues' | 'figures' | 'narrative';

/** What the last finished action produced, for the message under the buttons. */
export type Outcome =
  | { kind: 'validated'; errors: number }
  | { kind: 'filled'; sheets: string[]; notes: string[] }
  | { kind: 'blocked'; sheets: string[]; errors: number; notes: string[] }
  | { kind: 'saved'; what: 'settings' | 'map' };

export interface AddinState {
  /** The settings on screen (saved or not). */
  settings: HostSettings;
  /** True when `settings` differs from what the workbook holds. */
  dirty: boolean;
  busy: { action: Action; progress: Progress | null } | null;
  table: DetectedTable | null;
  report: Report | null;
  outcome: Outcome | null;
  error: HostError | null;
  tab: Tab;
}

export interface Addin extends AddinState {
  updateSettings(patch: Partial<HostSettings>): void;
  saveSettings(): Promise<void>;
  /** Saves the column map (undefined: automatic) and checks again. */
  saveMap(map: HostSettings['map']): Promise<void>;
  validate(): Promise<void>;
  fill(force?: boolean): Promise<void>;
  selectCell(sheet: string, cell: string): Promise<void>;
  dismissError(): void;
  setTab(tab: Tab): void;
}

/** An exception from a host is a bug, not a workbook problem: show it, with its text for a report. */
function unexpected(e: unknown, s: Strings): HostError {
  const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { code: 'unknown', message: s.unexpected, detail };
}

/**
 * The task pane's state machine: loads the settings on mount, runs the host's actions one at a
 * time with their progress, keeps the last report, and turns every failure into a shown error.
 */
export function useAddin(host: AddinHost, s: Strings): Addin {
  const [state, setState] = useState<AddinState>({
    settings: { ...DEFAULT_SETTINGS },
    dirty: false,
    busy: null,
    table: null,
    report: null,
    outcome: null,
    error: null,
    tab: 'issues',
  });
  // The latest state for the actions, without re-creating them on every render.
  const current = useRef(state);
  current.current = state;
  const running = useRef(false);

  const patch = useCallback((p: Partial<AddinState> | ((prev: AddinState) => Partial<AddinState>)) => {
    setState((prev) => ({ ...prev, ...(typeof p === 'function' ? p(prev) : p) }));
  }, []);

  useEffect(() => {
    let live = true;
    host.loadSettings().then(
      (r) => {
        if (!live) return;
        if (r.ok) patch({ settings: { ...DEFAULT_SETTINGS, ...r.value }, dirty: false });
        else patch({ error: { ...r.error, message: `${s.settingsLoadFailed} ${r.error.message}` } });
      },
      (e: unknown) => live && patch({ error: unexpected(e, s) }),
    );
    return () => {
      live = false;
    };
  }, [host, s, patch]);

  /** Runs one host action at a time; returns its value, or undefined after showing its error. */
  const run = useCallback(
    async <T>(action: Action, call: (onProgress: (p: Progress) => void) => Promise<HostResult<T>>): Promise<T | undefined> => {
      if (running.current) return undefined;
      running.current = true;
      patch({ busy: { action, progress: null }, error: null, outcome: null });
      const onProgress = (progress: Progress): void => patch((prev) => (prev.busy ? { busy: { action, progress } } : {}));
      try {
        const r = await call(onProgress);
        if (!r.ok) {
          patch({ error: r.error });
          return undefined;
        }
        return r.value;
      } catch (e) {
        patch({ error: unexpected(e, s) });
        return undefined;
      } finally {
        running.current = false;
        patch({ busy: null });
      }
    },
    [patch, s],
  );

  const validateWith = useCallback(
    async (settings: HostSettings) => {
      const out = await run('validate', (onProgress) => host.validate(settings, { onProgress }));
      if (out) patch({ table: out.table, report: out.report, outcome: { kind: 'validated', errors: out.report.counts.error }, tab: 'issues' });
    },
    [host, run, patch],
  );

  const validate = useCallback(() => validateWith(current.current.settings), [validateWith]);

  const fill = useCallback(
    async (force = false) => {
      const out = await run('fill', (onProgress) => host.fill(current.current.settings, { force, onProgress }));
      if (!out) return;
      patch({
        table: out.table,
        report: out.report,
        outcome: out.blocked
          ? { kind: 'blocked', sheets: out.sheets, errors: out.report.counts.error, notes: out.notes }
          : { kind: 'filled', sheets: out.sheets, notes: out.notes },
        tab: out.blocked ? 'issues' : 'narrative',
      });
    },
    [host, run, patch],
  );

  const persist = useCallback(
    async (settings: HostSettings, what: 'settings' | 'map'): Promise<boolean> => {
      const done = await run('save', async () => {
        const r = await host.saveSettings(settings);
        return r.ok ? { ok: true as const, value: true } : r;
      });
      if (done) patch({ settings, dirty: false, outcome: { kind: 'saved', what } });
      return done === true;
    },
    [host, run, patch],
  );

  const saveSettings = useCallback(async () => {
    await persist(current.current.settings, 'settings');
  }, [persist]);

  const saveMap = useCallback(
    async (map: HostSettings['map']) => {
      const next: HostSettings = { ...current.current.settings };
      if (map && Object.keys(map).length > 0) next.map = map;
      else delete next.map;
      if (await persist(next, 'map')) await validateWith(next);
    },
    [persist, validateWith],
  );

  const updateSettings = useCallback(
    (p: Partial<HostSettings>) => {
      patch((prev) => {
        const settings: HostSettings = { ...prev.settings, ...p };
        // An emptied optional setting is absent, not undefined-valued, so it round-trips as JSON.
        for (const key of Object.keys(settings) as (keyof HostSettings)[]) if (settings[key] === undefined) delete settings[key];
        return { settings, dirty: true };
      });
    },
    [patch],
  );

  const selectCell = useCallback(
    async (sheet: string, cell: string) => {
      try {
        const r = await host.selectCell(sheet, cell);
        if (!r.ok) patch({ error: r.error });
      } catch (e) {
        patch({ error: unexpected(e, s) });
      }
    },
    [host, patch, s],
  );

  const dismissError = useCallback(() => patch({ error: null }), [patch]);
  const setTab = useCallback((tab: Tab) => patch({ tab }), [patch]);

  return { ...state, updateSettings, saveSettings, saveMap, validate, fill, selectCell, dismissError, setTab };
}
