/**
 * Inputs a join cannot take (a missing column, a clash of names, a key of the wrong type):
 * the message says which, and the CLI reports it as a usage error, not a crash.
 */
export class JoinError extends Error {
  override name = 'JoinError';
  readonly code = 'BAD_JOIN_INPUT';
}
