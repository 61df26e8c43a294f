import { Button, Field, Input, makeStyles, SpinButton, Subtitle2, tokens } from '@fluentui/react-components';
import type { HostSettings } from '../office/types';
import type { Strings } from './strings';
import { THRESHOLD_RANGE, useSettingsForm, YEAR_RANGE } from './useSettingsForm';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  actions: { display: 'flex' },
});

export interface SettingsFormProps {
  s: Strings;
  settings: HostSettings;
  /** Unsaved changes on screen. */
  dirty: boolean;
  busy: boolean;
  onChange(patch: Partial<HostSettings>): void;
  onSave(): void | Promise<void>;
}

/** Threshold, year and department; saved in the workbook through the host. */
export function SettingsForm({ s, settings, dirty, busy, onChange, onSave }: SettingsFormProps): JSX.Element {
  const styles = useStyles();
  const form = useSettingsForm(onChange);
  const invalid = form.thresholdError || form.yearError;
  return (
    <form
      className={styles.root}
      aria-labelledby="settings-heading"
      onSubmit={(e) => {
        e.preventDefault();
        if (!invalid && !busy) void onSave();
      }}
    >
      <Subtitle2 as="h2" id="settings-heading">
        {s.settingsHeading}
      </Subtitle2>
      <Field
        label={s.threshold}
        hint={s.thresholdHint}
        validationMessage={form.thresholdError ? s.thresholdRange : undefined}
        validationState={form.thresholdError ? 'error' : 'none'}
      >
        <SpinButton value={settings.threshold} min={THRESHOLD_RANGE.min} max={THRESHOLD_RANGE.max} step={1} onChange={(_, d) => form.changeThreshold(d)} />
      </Field>
      <Field
        label={s.yearLabel}
        hint={s.yearHint}
        validationMessage={form.yearError ? s.yearRange : undefined}
        validationState={form.yearError ? 'error' : 'none'}
      >
        <SpinButton value={settings.year ?? null} min={YEAR_RANGE.min} max={YEAR_RANGE.max} step={1} onChange={(_, d) => form.changeYear(d)} />
      </Field>
      <Field label={s.departmentLabel} hint={s.departmentHint}>
        <Input value={settings.department ?? ''} onChange={(_, d) => form.changeDepartment(d.value)} autoComplete="off" />
      </Field>
      <div className={styles.actions}>
        <Button type="submit" disabled={busy || !dirty || invalid}>
          {s.saveSettings}
        </Button>
      </div>
    </form>
  );
}
