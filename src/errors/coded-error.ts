/**
 * The shape every error class of this project shares: a stable `code` to branch on, structured
 * `data` for messages and machines, and the underlying `cause` where there is one, as
 * isomorphic-git's errors do.
 */

/**
 * An error with a stable `code` from the union `C`, structured `data` and an optional `cause`.
 * Each module extends it with its own class, `name` and code union, so that `instanceof`
 * tells the modules apart and `code` narrows within one.
 *
 * @example
 * type FetchErrorCode = 'TIMEOUT' | 'REFUSED';
 * class FetchError extends CodedError<FetchErrorCode> {
 *   override readonly name = 'FetchError';
 * }
 *
 * try {
 *   throw new FetchError('TIMEOUT', 'no answer in 10 s', { url }, { cause: e });
 * } catch (e) {
 *   if (e instanceof FetchError && e.code === 'TIMEOUT') retryLater(e.data.url);
 * }
 */
export class CodedError<C extends string> extends Error {
  override readonly name: string = 'CodedError';
  readonly code: C;
  readonly data: Record<string, unknown>;

  constructor(
    code: C,
    message: string,
    data: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.data = data;
  }
}
