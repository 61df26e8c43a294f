/**
 * Excel's errors as the pane shows them. Decided by `error.code` (OfficeExtension.Error), never by
 * its message, which Excel localizes. Duck-typed: no `OfficeExtension` global is needed, so the
 * same code runs on the fake Excel.
 */
import type { Lang } from '../engine';
import { hostMessage, hostNote, type HostNote } from './messages';
import type { HostError, HostErrorCode } from './types';

/** Where the action was when it failed: a failure while writing the owned sheets is reported as such. */
export type Phase = 'read' | 'write' | 'select' | 'settings';

interface OfficeLikeError {
  code: string;
  debugInfo?: { errorLocation?: string };
}

/** An error Excel raised (an OfficeExtension.Error or one shaped like it). */
export function isOfficeError(e: unknown): e is OfficeLikeError {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string';
}

/** Codes that mean the add-in itself misused the API: a bug, never the user's doing. */
const PROGRAMMING_ERRORS = new Set(['PropertyNotLoaded', 'ValueNotLoaded', 'InvalidObjectPath', 'InvalidRequestContext', 'RunMustReturnPromise']);

const BY_CODE: Record<string, HostErrorCode> = {
  InvalidOperationInCellEditMode: 'cell-edit-mode',
  AccessDenied: 'protected-sheet',
  RequestPayloadSizeLimitExceeded: 'payload-too-large',
  ResponsePayloadSizeLimitExceeded: 'payload-too-large',
  RangeExceedsLimit: 'too-many-cells',
  OperationCellsExceedLimit: 'too-many-cells',
  ItemNotFound: 'item-not-found',
  ApiNotFound: 'unsupported-excel',
  ApiNotAvailable: 'unsupported-excel',
};

/** The host error for an Excel error code in a phase. */
export function hostErrorCode(code: string | undefined, phase: Phase): HostErrorCode {
  if (code === undefined || PROGRAMMING_ERRORS.has(code)) return 'unknown';
  const mapped = BY_CODE[code];
  if (phase === 'write') {
    // While writing, what the user can act on keeps its code; anything else is a failed write.
    return mapped === 'cell-edit-mode' || mapped === 'protected-sheet' || mapped === 'payload-too-large' || mapped === 'unsupported-excel'
      ? mapped
      : 'write-failed';
  }
  return mapped ?? 'unknown';
}

function detailOf(e: unknown): string {
  if (isOfficeError(e)) return e.debugInfo?.errorLocation ? `${e.code} (${e.debugInfo.errorLocation})` : e.code;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

export function hostError(code: HostErrorCode, lang: Lang, params: Record<string, string> = {}, detail?: string): HostError {
  return { code, message: hostMessage(code, lang, params), ...(detail === undefined ? {} : { detail }) };
}

/** A host error whose message is one of the precise notes. */
export function noteError(code: HostErrorCode, note: HostNote, lang: Lang, params: Record<string, string> = {}, detail?: string): HostError {
  return { code, message: hostNote(note, lang, params), ...(detail === undefined ? {} : { detail }) };
}

/**
 * Any thrown value as the error the pane shows. An error that is not Excel's (a bug of ours)
 * is 'unknown', whatever the phase: it never passes for a failed write the user could retry.
 */
export function toHostError(e: unknown, lang: Lang, phase: Phase): HostError {
  const code = isOfficeError(e) ? hostErrorCode(e.code, phase) : 'unknown';
  const excelCode = isOfficeError(e) ? e.code : e instanceof Error ? e.name : 'Error';
  return hostError(code, lang, { code: excelCode }, detailOf(e));
}
