// A throwaway repository for the CLI's own tests: a temporary folder laid out like this one
// (chapters/, solutions/, harness/) with a tiny chapter in it, so that pristine records, resets
// and structure checks can be tried without touching the real course. `makeFixture({ tally: true })`
// adds a second chapter of two stages, for stage figures and catch-up.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Chapter } from '../../course.ts';
import { hashTree, writePristine } from './pristine.ts';

export const fixtureChapter: Chapter = {
  id: '01',
  slug: 'counter',
  title: 'The counter',
  builds: 'a counter',
  stages: [{ title: 'Counting', from: 'Counting > a new counter is at zero' }],
  hints: { 'Counting > a new counter is at zero': 'Start at 0. Lesson: § Counting.' },
};

export const stub = `import { NotImplemented } from '../../not-implemented.ts';

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

// The second chapter: a tally in two classes and two test files, cut into two stages. Stage 1 is
// adding; stage 2 is undo (listed by name, though its section is Adding) and the history.
export const tallyChapter: Chapter = {
  id: '02',
  slug: 'tally',
  title: 'The tally',
  builds: 'a tally with a history',
  stages: [
    { title: 'Adding up', from: 'Adding > a new tally is at zero' },
    {
      title: 'Undo and history',
      from: 'Adding > undo takes back the last amount',
      functions: ['Tally.undo'],
    },
  ],
  hints: {
    'Adding > a new tally is at zero': 'Keep the amounts in a list. Lesson: § Adding.',
    'Adding > amounts add up': 'The total is the sum of the amounts. Lesson: § Adding.',
    'Adding > undo takes back the last amount': 'Pop the last amount. Lesson: § Adding.',
    'History > the last total recorded is remembered': 'Keep the totals. Lesson: § History.',
    'History > a total is described in words': 'One apple, 2 apples. Lesson: § History.',
  },
};

export const tallyStub = `import { NotImplemented } from '../../not-implemented.ts';

const adding = '§ Adding';

export type Amount = number;

/** A running total. */
export class Tally {
  add(amount: Amount): void {
    throw new NotImplemented('Tally.add', adding);
  }

  get total(): number {
    throw new NotImplemented('Tally.total', adding);
  }

  undo(): void {
    throw new NotImplemented('Tally.undo', '§ Adding');
  }
}

/** The totals a tally went through. */
export class History {
  record(total: number): void {
    throw new NotImplemented('History.record', '§ History');
  }

  last(): number | undefined {
    throw new NotImplemented('History.last', '§ History');
  }
}

export function describeTotal(total: number): string {
  throw new NotImplemented('describeTotal', '§ History');
}
`;

export const tallySolved = `import { format } from 'node:util';

export type Amount = number;

/** A running total. */
export class Tally {
  #amounts: Amount[] = [];

  add(amount: Amount): void {
    this.#amounts.push(checked(amount));
  }

  get total(): number {
    return this.#amounts.reduce((sum, amount) => sum + amount, 0);
  }

  undo(): void {
    this.#amounts.pop();
  }
}

function checked(amount: Amount): Amount {
  if (!Number.isFinite(amount)) throw new RangeError(\`not an amount: \${amount}\`);
  return amount;
}

/** The totals a tally went through. */
export class History {
  #totals: number[] = [];
  readonly #limit: number;

  constructor(limit = 10) {
    this.#limit = limit;
  }

  record(total: number): void {
    this.#totals = [...this.#totals, total].slice(-this.#limit);
  }

  last(): number | undefined {
    return this.#totals.at(-1);
  }
}

function apples(count: number): string {
  return count === 1 ? 'apple' : 'apples';
}

export function describeTotal(total: number): string {
  return format('%d %s', total, apples(total));
}
`;

export const tallyLesson = `# The tally

## What you will build

\`\`\`text
add(2) add(3) -> total 5
\`\`\`

## Adding

A tally keeps its amounts and adds them up when asked for its total.

## History

A history remembers the last totals.

## In Kubernetes

See [the docs](https://kubernetes.io/docs/concepts/) and
[the source](https://github.com/kubernetes/kubernetes).

## Certification notes

None.

## Try it

Nothing to try.

## Review questions

1. What is a total?
2. What does undo take back?

<details><summary>Answers</summary>

1. The sum of the amounts.
2. The last amount.

</details>
`;

export const tallyAddingTests = `import { describe, expect, test } from 'vitest';
import { Tally } from './tally.ts';

describe('Adding', () => {
  test('a new tally is at zero', () => {
    expect(new Tally().total, 'the total of a new tally').toBe(0);
  });

  test('amounts add up', () => {
    const tally = new Tally();
    tally.add(2);
    tally.add(3);
    expect(tally.total, 'the total after adding 2 and 3').toBe(5);
  });

  test('undo takes back the last amount', () => {
    const tally = new Tally();
    tally.add(2);
    tally.add(3);
    tally.undo();
    expect(tally.total, 'the total after adding 2 and 3, then undo').toBe(2);
  });
});
`;

export const tallyHistoryTests = `import { describe, expect, test } from 'vitest';
import { describeTotal, History } from './tally.ts';

describe('History', () => {
  test('the last total recorded is remembered', () => {
    const history = new History();
    history.record(4);
    expect(history.last(), 'the last of the totals 4').toBe(4);
  });

  test('a total is described in words', () => {
    expect(describeTotal(1), 'a total of 1').toBe('1 apple');
  });
});
`;

export interface Fixture {
  root: string;
  write(file: string, content: string): void;
  /** Records chapters/ as pristine.json would, and stores every blob in the fixture's git. */
  record(): Record<string, string>;
  /** Records chapters/ as above and writes the record to <root>/harness/pristine.json. */
  pristine(): Record<string, string>;
  remove(): void;
}

export function makeFixture(options: { tally?: boolean } = {}): Fixture {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kata-fixture-'));
  const write = (file: string, content: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  };
  write('chapters/01-counter/counter.ts', stub);
  write('chapters/01-counter/README.md', lesson);
  write('chapters/01-counter/01-counting.test.ts', testFile);
  write('solutions/01-counter/counter.ts', solved);
  if (options.tally) {
    write('chapters/02-tally/tally.ts', tallyStub);
    write('chapters/02-tally/README.md', tallyLesson);
    write('chapters/02-tally/01-adding.test.ts', tallyAddingTests);
    write('chapters/02-tally/02-history.test.ts', tallyHistoryTests);
    write('solutions/02-tally/tally.ts', tallySolved);
  }
  mkdirSync(path.join(root, 'harness'));
  execFileSync('git', ['init', '--quiet'], { cwd: root });
  const record = () => {
    const hashes = hashTree('chapters', root);
    execFileSync('git', ['hash-object', '-w', '--', ...Object.keys(hashes)], { cwd: root });
    return hashes;
  };
  return {
    root,
    write,
    record,
    pristine() {
      record();
      return writePristine(root, path.join(root, 'harness', 'pristine.json'));
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
