/**
 * Errors as Office.js raises them: `OfficeExtension.Error`-shaped objects with a `code` (the stable
 * part a host branches on), a localized-looking `message` (never to be branched on) and `debugInfo`.
 */
export class FakeOfficeError extends Error {
  override readonly name = 'RichApi.Error';
  readonly code: string;
  readonly debugInfo: OfficeExtension.DebugInfo;
  readonly traceMessages: string[] = [];
  readonly innerError: null = null;

  constructor(code: string, message: string, errorLocation?: string) {
    super(message);
    this.code = code;
    this.debugInfo = { code, message, errorLocation };
  }
}

/** The messages Excel gives (en-US), so that a test can see a host never shows them raw. */
const MESSAGES: Record<string, string> = {
  PropertyNotLoaded:
    'The property has not been loaded. Before reading the property\'s value, call the load method on the containing object and call "context.sync()" on the associated request context.',
  ItemNotFound: 'The requested resource doesn\'t exist.',
  ItemAlreadyExists: 'The resource being created already exists.',
  InvalidArgument: 'The argument is invalid or missing or has an incorrect format.',
  InvalidOperation: 'The operation attempted is invalid on the object.',
  AccessDenied: 'You cannot perform the requested operation.',
  InvalidOperationInCellEditMode:
    'The operation isn\'t available while Excel is in Edit cell mode. Exit Edit mode by using the Enter or Tab keys, or by selecting another cell, and then try again.',
  RequestPayloadSizeLimitExceeded: 'The request payload size has exceeded the limit.',
  ResponsePayloadSizeLimitExceeded: 'The response payload size has exceeded the limit.',
  RangeExceedsLimit: 'The cell count in the range has exceeded the maximum supported number.',
  GeneralException: 'An internal error has occurred while processing the request.',
  InvalidObjectPath: 'The object path isn\'t working for what you\'re trying to do.',
};

export function officeError(code: string, errorLocation?: string, message?: string): FakeOfficeError {
  return new FakeOfficeError(code, message ?? MESSAGES[code] ?? `${code}.`, errorLocation);
}

/** A property read before it was loaded and synced: what Excel throws, where a looser mock returns a string. */
export function propertyNotLoaded(type: string, property: string): FakeOfficeError {
  return officeError('PropertyNotLoaded', `${type}.${property}`);
}

/** A misuse of the API that real Excel might tolerate but a careful host never does. */
export class FakeUsageError extends Error {
  override readonly name = 'FakeUsageError';
}
