// Command-line flags as Kubernetes components take them: `--flag value`, `--flag=value`, and
// boolean flags alone (`--leader-elect`) or with `=true`/`=false`. A mistake is a UsageError whose
// one line names the flags there are.

/** A mistake on the command line: one line of explanation, exit code 2. */
export class UsageError extends Error {}

export type FlagKinds = Record<string, 'string' | 'boolean'>;

export function parseComponentFlags(
  argv: string[],
  kinds: FlagKinds,
): Map<string, string | boolean> {
  const values = new Map<string, string | boolean>();
  for (let i = 0; i < argv.length; i++) {
    const match = /^--?([a-z][a-z-]*)(?:=(.*))?$/.exec(argv[i]!);
    const kind = match ? kinds[match[1]!] : undefined;
    if (!match || !kind) {
      throw new UsageError(
        `unknown flag ${argv[i]}; the flags are --${Object.keys(kinds).join(', --')}`,
      );
    }
    const name = match[1]!;
    if (kind === 'boolean') {
      const text = match[2] ?? 'true';
      if (text !== 'true' && text !== 'false') {
        throw new UsageError(`--${name} is true or false, not "${text}"`);
      }
      values.set(name, text === 'true');
      continue;
    }
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    values.set(name, value);
  }
  return values;
}
