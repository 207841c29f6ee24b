// How the `kata` CLI talks: colour only where it helps, the errors it exits with, and the few
// symbols every verb shares.
//
// Colour is used only on a terminal, and never when NO_COLOR is set (https://no-color.org), so
// piped output and CI logs stay plain text. An error the learner can fix is one line; the stack
// trace is for --verbose.
import path from 'node:path';
import { repoRoot } from '../paths.ts';

/** A mistake on the command line: the verb, chapter or flag does not exist. Exit code 2. */
export { UsageError } from '../usage.ts';

/** Something the learner or author can fix (a missing file, a refused question). Exit code 1. */
export class KataError extends Error {
  override name = 'KataError';
}

export const exitCodes = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * Whether to colour what goes to `stream`: a terminal, and NO_COLOR unset or empty. FORCE_COLOR
 * (set and not 0) asks for colour on a pipe too, as Node's own tools read it: `kata check` sets it
 * for the chapter checks it runs as child processes when its own output is coloured.
 */
export function colourWanted(
  stream: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export interface Paint {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

function sgr(open: number, close: number) {
  return (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const plain = (text: string) => text;

export function paint(enabled: boolean = colourWanted()): Paint {
  if (!enabled) return { green: plain, red: plain, yellow: plain, bold: plain, dim: plain };
  return {
    green: sgr(32, 39),
    red: sgr(31, 39),
    yellow: sgr(33, 39),
    bold: sgr(1, 22),
    dim: sgr(2, 22),
  };
}

/** Removes terminal colour codes, e.g. from Vitest's diffs, which are coloured in the worker. */
export function stripColour(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

export const symbols = { pass: '✓', fail: '✗', skip: '-', rest: '·' } as const;

/** A path as the learner types it: relative to the repository, with forward slashes. */
export function shown(file: string): string {
  const relative = path.isAbsolute(file) ? path.relative(repoRoot, file) : file;
  return relative.split(path.sep).join('/');
}

/** "1 test", "3 tests". */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

/** Indents every line of `text` by `by` spaces. */
export function indent(text: string, by: number): string {
  const pad = ' '.repeat(by);
  return text
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n');
}
