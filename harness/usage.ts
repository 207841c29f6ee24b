// The one error every program of the kata throws for a mistake on its command line: the `kata` CLI
// (an unknown verb, chapter or flag) and each component (`kata run apiserver --secure-port x`).
// Each prints the message as one line and exits with code 2, the usage code; a stack trace would
// only hide the line that says how to fix it.

/** A mistake on the command line: one line of explanation, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
