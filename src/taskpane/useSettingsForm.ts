import type { SpinButtonOnChangeData } from '@fluentui/react-components';
import { useState } from 'react';
import type { HostSettings } from '../office/types';

export const THRESHOLD_RANGE = { min: 0, max: 100 } as const;
export const YEAR_RANGE = { min: 2000, max: 2100 } as const;

/** A SpinButton's change as a number: `null` when emptied, NaN when not a number. */
export function spinValue(data: SpinButtonOnChangeData): number | null {
  if (data.value !== undefined) return data.value;
  const text = (data.displayValue ?? '').trim().replace(/[％%]$/, '');
  if (text === '') return null;
  // Full-width digits as typed by a Chinese input method.
  const ascii = text.replace(/[０-９．]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
  return /^\d+(\.\d+)?$/.test(ascii) ? Number(ascii) : NaN;
}

export interface SettingsFormState {
  thresholdError: boolean;
  yearError: boolean;
  changeThreshold(data: SpinButtonOnChangeData): void;
  changeYear(data: SpinButtonOnChangeData): void;
  changeDepartment(value: string): void;
}

/**
 * Checks what is typed before it becomes a setting: an out-of-range value is shown as an error and
 * leaves the setting as it was.
 */
export function useSettingsForm(onChange: (patch: Partial<HostSettings>) => void): SettingsFormState {
  const [thresholdError, setThresholdError] = useState(false);
  const [yearError, setYearError] = useState(false);
  return {
    thresholdError,
    yearError,
    changeThreshold: (data) => {
      const v = spinValue(data);
      const ok = v !== null && Number.isFinite(v) && v >= THRESHOLD_RANGE.min && v <= THRESHOLD_RANGE.max;
      setThresholdError(!ok);
      if (ok) onChange({ threshold: v });
    },
    changeYear: (data) => {
      const v = spinValue(data);
      if (v === null) {
        setYearError(false);
        onChange({ year: undefined });
        return;
      }
      const ok = Number.isInteger(v) && v >= YEAR_RANGE.min && v <= YEAR_RANGE.max;
      setYearError(!ok);
      if (ok) onChange({ year: v });
    },
    changeDepartment: (value) => onChange({ department: value.trim() === '' ? undefined : value }),
  };
}
