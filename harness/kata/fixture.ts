// A throwaway repository for the CLI's own tests: a temporary folder laid out like this one
// (chapters/, solutions/, harness/) with a tiny chapter in it, so that pristine records, resets
// and structure checks can be tried without touching the real course.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Chapter } from '../course.ts';
import { hashTree } from './pristine.ts';

export const fixtureChapter: Chapter = {
  id: '01',
  slug: 'counter',
  title: 'The counter',
  builds: 'a counter',
  stages: [{ title: 'Counting', from: 'Counting > a new counter is at zero' }],
  hints: { 'Counting > a new counter is at zero': 'Start at 0. Lesson: § Counting.' },
};

export const stub = `import { NotImplemented } from '../../harness/not-implemented.ts';

export class Counter {
  get value(): number {
    throw new NotImplemented('Counter.value', '§ Counting');
  }
}
`;

export const solved = `export class Counter {
  value = 0;
}
`;

export const lesson = `# The counter

## What you will build

\`\`\`
## not a heading: inside a fence
\`\`\`

## Counting

## In Kubernetes

## Certification notes

## Try it

## Review questions
`;

export const testFile = `import { describe, expect, test } from 'vitest';
import { Counter } from './counter.ts';

describe('Counting', () => {
  test('a new counter is at zero', () => {
    expect(new Counter().value).toBe(0);
  });
});
`;

export interface Fixture {
  root: string;
  write(file: string, content: string): void;
  /** Records chapters/ as pristine.json would, and stores every blob in the fixture's git. */
  record(): Record<string, string>;
  remove(): void;
}

export function makeFixture(): Fixture {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kata-fixture-'));
  const write = (file: string, content: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  };
  write('chapters/01-counter/counter.ts', stub);
  write('chapters/01-counter/README.md', lesson);
  write('chapters/01-counter/01-counting.test.ts', testFile);
  write('solutions/01-counter/counter.ts', solved);
  mkdirSync(path.join(root, 'harness'));
  execFileSync('git', ['init', '--quiet'], { cwd: root });
  return {
    root,
    write,
    record() {
      const record = hashTree('chapters', root);
      for (const file of Object.keys(record)) {
        execFileSync('git', ['hash-object', '-w', file], { cwd: root });
      }
      return record;
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
