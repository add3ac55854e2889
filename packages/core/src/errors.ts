/**
 * Errors are values with a stable code and a message that names the offending thing
 * (file, offset, tensor, block, expected vs got). The CLI prints `code: message` on one line.
 */
export class QbenchError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'QbenchError';
    this.code = code;
    this.details = details;
  }
}

export function isQbenchError(e: unknown): e is QbenchError {
  return e instanceof QbenchError;
}

/**
 * The QbenchError `f` throws: for tests and callers that assert on an error's code and message. Any other
 * exception is rethrown, and returning normally is itself an error ('expected a QbenchError').
 */
export function qbenchErrorOf(f: () => unknown): QbenchError {
  try {
    f();
  } catch (e) {
    if (e instanceof QbenchError) return e;
    throw e;
  }
  throw new Error('expected a QbenchError');
}
