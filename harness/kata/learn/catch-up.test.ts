import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { catchUpChapter, spliceReference, writeCaughtUpStubs } from './catch-up.ts';
import {
  makeFixture,
  tallyAddingTests,
  tallyChapter,
  tallySolved,
  tallyStub,
  type Fixture,
} from '../course/fixture.ts';
import { KataError } from '../output.ts';
import { unitsOf } from '../course/stages.ts';

/** A file's units, key → text. */
const unitTexts = (source: string) =>
  new Map(unitsOf(source, 'tally.ts').map((unit) => [unit.key, unit.text]));

describe('Splicing the reference into a file', () => {
  test("the learner's unit is replaced by the reference's; their other units stay", () => {
    const learner = `export function total(values: number[]): number {
  return 0; // my try
}

export function mine(): string {
  return 'kept';
}

export function later(): number {
  return 1; // my own, for a later stage
}
`;
    const reference = `export function total(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0);
}

export function later(): number {
  return 2;
}
`;
    expect(
      spliceReference(learner, reference, new Set(['total']), 'sum.ts'),
      'sum.ts with the reference total',
    ).toBe(`export function total(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0);
}

export function mine(): string {
  return 'kept';
}

export function later(): number {
  return 1; // my own, for a later stage
}
`);
  });

  test('a unit the learner lacks is added after its neighbour in the reference', () => {
    const learner = `export function first(): number {
  return 1;
}

export function third(): number {
  return 3;
}
`;
    const reference = `export function first(): number {
  return 1;
}

/** The second. */
function second(): number {
  return 2;
}

export function third(): number {
  return second() + 1;
}
`;
    expect(
      spliceReference(learner, reference, new Set(['second', 'third']), 'three.ts'),
      'three.ts with second added and third replaced',
    ).toBe(reference);
  });

  test("a class's missing fields and constructor are added at its top, in the reference's order", () => {
    const learner = `export class Counter {
  increment(): void {
    throw new Error('not yet');
  }

  mine(): void {}
}
`;
    const reference = `export class Counter {
  #count: number;
  readonly step: number;

  constructor(step = 1) {
    this.#count = 0;
    this.step = step;
  }

  increment(): void {
    this.#count += this.step;
  }

  get count(): number {
    return this.#count;
  }
}
`;
    const keys = ['Counter.#count', 'Counter.step', 'Counter.constructor', 'Counter.increment'];
    expect(
      spliceReference(learner, reference, new Set(keys), 'counter.ts'),
      'counter.ts with the fields, the constructor and increment taken',
    ).toBe(`export class Counter {
  #count: number;
  readonly step: number;

  constructor(step = 1) {
    this.#count = 0;
    this.step = step;
  }

  increment(): void {
    this.#count += this.step;
  }

  mine(): void {}
}
`);
  });

  test('a member the learner lacks goes after its neighbour in its own class', () => {
    const learner = `export class A {
  one(): number {
    return 1;
  }
}

export class B {
  three(): number {
    return 3;
  }
}
`;
    const reference = `export class A {
  one(): number {
    return 1;
  }
}

export class B {
  three(): number {
    return 3;
  }

  four(): number {
    return 4;
  }
}
`;
    expect(
      spliceReference(learner, reference, new Set(['B.four']), 'ab.ts'),
      'ab.ts with B.four added',
    ).toBe(reference);
  });

  test("a member of a class the learner's file lacks comes inside that class, with the others taken", () => {
    const learner = `export function first(): number {
  return 1;
}
`;
    const reference = `export function first(): number {
  return 1;
}

/** A watch that resumes. */
class Watch {
  #revision = 0;

  next(): number {
    return ++this.#revision;
  }

  cancel(): void {}
}

function last(): Watch {
  return new Watch();
}
`;
    expect(
      spliceReference(
        learner,
        reference,
        new Set(['Watch.#revision', 'Watch.next', 'last']),
        'w.ts',
      ),
      'w.ts with Watch.#revision, Watch.next and last taken',
    ).toBe(`export function first(): number {
  return 1;
}

/** A watch that resumes. */
class Watch {
  #revision = 0;

  next(): number {
    return ++this.#revision;
  }
}

function last(): Watch {
  return new Watch();
}
`);
  });

  test('a unit after a class in the reference goes after that class', () => {
    const learner = `export class Store {
  put(): void {}
}
`;
    const reference = `export class Store {
  put(): void {}
}

export const store = new Store();
`;
    expect(
      spliceReference(learner, reference, new Set(['store']), 'store.ts'),
      'store.ts with store added',
    ).toBe(reference);
  });

  test("a getter of the learner's that the reference writes as a field is replaced by it", () => {
    const learner = `export class Counter {
  get value(): number {
    return 0; // mine
  }

  set value(to: number) {}
}
`;
    const reference = `export class Counter {
  value = 0;
}
`;
    expect(
      spliceReference(learner, reference, new Set(['Counter.value']), 'counter.ts'),
      'counter.ts with the field taken',
    ).toBe(reference);
  });

  test('a re-export the learner has is not added again', () => {
    const learner = `export type { Event } from './events.ts';

export function f(): void {}
`;
    const reference = `export type { Event } from './events.ts';

export function f(): number {
  return 1;
}
`;
    expect(
      spliceReference(learner, reference, new Set(['f', '#export type from ./events.ts']), 'f.ts'),
      'f.ts with f and the re-export taken',
    ).toBe(reference);
  });

  test("the reference's imports are merged in name by name, type imports included", () => {
    const learner = `import type { Key } from './types.ts';
import { encode } from './bytes.ts';

export function put(key: Key): void {}
`;
    const reference = `import type { Key, Value } from './types.ts';
import { decode, encode, type Encoding } from './bytes.ts';
import { format } from 'node:util';

export function put(key: Key, value: Value, encoding: Encoding): string {
  return format('%s', decode(encode(key), encoding), value);
}
`;
    expect(
      spliceReference(learner, reference, new Set(['put']), 'put.ts'),
      'put.ts with the imports merged',
    ).toBe(`import type { Key, Value } from './types.ts';
import { encode, decode, type Encoding } from './bytes.ts';
import { format } from 'node:util';

export function put(key: Key, value: Value, encoding: Encoding): string {
  return format('%s', decode(encode(key), encoding), value);
}
`);
  });

  test('a name the learner already imports, of whatever kind, is not imported twice', () => {
    const learner = `import { type Key, encode as toBytes } from './bytes.ts';
import * as util from 'node:util';
import { decode } from './other.ts';

export function put(): void {}
`;
    const reference = `import type { Key } from './types.ts';
import { decode, encode as toBytes } from './bytes.ts';
import * as util from 'node:util';

export function put(key: Key): string {
  return util.format(decode(toBytes(key)));
}
`;
    const spliced = spliceReference(learner, reference, new Set(['put']), 'put.ts');
    expect(spliced.split('\nexport')[0], 'the imports of put.ts after the splice').toBe(
      `import { type Key, encode as toBytes } from './bytes.ts';
import * as util from 'node:util';
import { decode } from './other.ts';
`,
    );
  });

  test('a name the learner imports for its type only becomes a value when the reference needs one', () => {
    const learner = `import type express from 'express';
import type { Clock, Timer } from './clock.ts';

export function serve(clock: Clock): void {}
`;
    const reference = `import express, { type Request } from 'express';
import { Clock, type Timer } from './clock.ts';

export function serve(clock: Clock | undefined, timer?: Timer): (request: Request) => void {
  return express(clock ?? new Clock());
}
`;
    expect(
      spliceReference(learner, reference, new Set(['serve']), 'serve.ts').split('\nexport')[0],
      'the imports of serve.ts after the splice',
    ).toBe(`import express, { type Request } from 'express';
import { Clock, type Timer } from './clock.ts';
`);
  });

  test('a default import next to named ones is merged in, and a side-effect import is not doubled', () => {
    const learner = `import './polyfill.ts';

export function serve(): void {}
`;
    const reference = `import './polyfill.ts';
import express, { type Request } from 'express';

export function serve(): (request: Request) => void {
  return express();
}
`;
    expect(
      spliceReference(learner, reference, new Set(['serve']), 'serve.ts').split('\nexport')[0],
      'the imports of serve.ts after the splice',
    ).toBe(`import './polyfill.ts';
import express, { type Request } from 'express';
`);
  });

  test('a file that does not parse is refused in one line naming the file and line', () => {
    const broken = `export function a(): number {
  return 1 +;
}
`;
    let error: unknown;
    try {
      spliceReference(broken, 'export function a() {}\n', new Set(['a']), 'chapters/x/a.ts');
    } catch (thrown) {
      error = thrown;
    }
    expect(error, 'splicing into a file with a syntax error').toBeInstanceOf(KataError);
    const message = (error as Error).message;
    expect(message, 'the message').toMatch(/^chapters\/x\/a\.ts:2 does not parse \(.+\); fix it/);
    expect(message.includes('\n'), 'the message is one line').toBe(false);
  });
});

describe('Catch-up', () => {
  let fixture: Fixture;
  beforeEach(() => {
    fixture = makeFixture({ tally: true });
    fixture.pristine();
  });
  afterEach(() => fixture.remove());

  const file = 'chapters/02-tally/tally.ts';
  const read = (relative: string) => readFileSync(path.join(fixture.root, relative), 'utf8');
  const backups = () => path.join(fixture.root, '.kata', 'backups');
  const now = new Date(2025, 0, 31, 14, 5, 9);
  /** The stub with the learner's own try at Tally.add and History.record. */
  const learner = tallyStub
    .replace("throw new NotImplemented('Tally.add', adding);", 'console.log(amount); // my add')
    .replace(
      "throw new NotImplemented('History.record', '§ History');",
      'console.log(total); // my record',
    );

  test("catching up to 02.2 takes 02.1's units from the reference and keeps the learner's 02.2", () => {
    fixture.write(file, learner);
    const outcome = catchUpChapter(tallyChapter, 2, {
      root: fixture.root,
      backups: backups(),
      now,
    });

    const after = unitTexts(read(file));
    const reference = unitTexts(tallySolved);
    const stub = unitTexts(learner);
    for (const key of ['Tally.#amounts', 'Tally.add', 'Tally.get total', 'checked']) {
      expect(after.get(key), `${key} after catching up to 02.2`).toBe(reference.get(key));
    }
    for (const key of ['Tally.undo', 'History.record', 'History.last', 'describeTotal']) {
      expect(after.get(key), `${key} after catching up to 02.2`).toBe(stub.get(key));
    }
    expect(
      unitsOf(read(file), 'tally.ts').length,
      'units of tally.ts: one of each, none doubled',
    ).toBe(after.size);
    expect(read(file), 'tally.ts imports format for later stages').toContain(
      "import { format } from 'node:util';",
    );
    expect(
      [...outcome.taken].map(([name, units]) => [name, units.map((unit) => unit.key)]),
      'the units taken',
    ).toEqual([[file, ['Tally.add', 'Tally.get total', 'Tally.#amounts', 'checked']]]);
    expect(
      outcome.kept.map((unit) => unit.name),
      'the stub functions left as the learner had them',
    ).toEqual(['Tally.undo', 'History.record', 'History.last', 'describeTotal']);
  });

  test("every file of the learner's chapter is backed up as it was", () => {
    fixture.write(file, learner);
    fixture.write('chapters/02-tally/notes/mine.ts', 'export const mine = 1;\n');
    const outcome = catchUpChapter(tallyChapter, 2, {
      root: fixture.root,
      backups: backups(),
      now,
    });

    expect(outcome.backup, 'the backup folder').toBe('.kata/backups/02-tally-2025-01-31-140509');
    const backup = path.join(fixture.root, outcome.backup);
    expect(readdirSync(backup).sort(), 'files in the backup').toEqual([
      '01-adding.test.ts',
      '02-history.test.ts',
      'README.md',
      'notes',
      'tally.ts',
    ]);
    expect(readFileSync(path.join(backup, 'tally.ts'), 'utf8'), 'tally.ts in the backup').toBe(
      learner,
    );
    expect(
      readFileSync(path.join(backup, 'notes/mine.ts'), 'utf8'),
      "the learner's own file, in the backup",
    ).toBe('export const mine = 1;\n');
    expect(
      readFileSync(path.join(backup, '01-adding.test.ts'), 'utf8'),
      'a test file, in the backup',
    ).toBe(tallyAddingTests);
  });

  test('a file that does not parse stops catch-up before the backup, and nothing changes', () => {
    const broken = `${learner}\nexport function oops( {\n`;
    fixture.write(file, broken);
    expect(
      () => catchUpChapter(tallyChapter, 2, { root: fixture.root, backups: backups(), now }),
      'catching up with a broken tally.ts',
    ).toThrow(KataError);
    expect(read(file), 'tally.ts after the refusal').toBe(broken);
    expect(existsSync(backups()), 'a backup folder after the refusal').toBe(false);
  });

  test("catching up to a chapter's first stage takes nothing", () => {
    fixture.write(file, learner);
    const outcome = catchUpChapter(tallyChapter, 1, {
      root: fixture.root,
      backups: backups(),
      now,
    });
    expect(outcome.taken.size, 'files taken from the reference').toBe(0);
    expect(read(file), 'tally.ts after catching up to 02.1').toBe(learner);
    expect(outcome.kept.length, 'stub functions kept: all of them').toBe(6);
  });

  test('the stubs caught up for a stage hold the reference before it and the stubs from it on', () => {
    const into = path.join(fixture.root, '.kata', 'caught-up');
    fixture.write(file, learner);

    writeCaughtUpStubs(tallyChapter, 2, into, fixture.root);
    const caughtUp = readFileSync(path.join(into, '02-tally', 'tally.ts'), 'utf8');
    const units = unitTexts(caughtUp);
    const reference = unitTexts(tallySolved);
    const stub = unitTexts(tallyStub);
    expect(units.get('Tally.add'), 'Tally.add in the stubs caught up for 02.2').toBe(
      reference.get('Tally.add'),
    );
    expect(units.get('History.record'), 'History.record in the stubs caught up for 02.2').toBe(
      stub.get('History.record'),
    );
    expect(
      readdirSync(path.join(into, '02-tally')),
      'files written for the stubs: no tests, no lesson changes',
    ).toEqual(['README.md', 'tally.ts']);

    writeCaughtUpStubs(tallyChapter, 1, into, fixture.root);
    expect(
      readFileSync(path.join(into, '02-tally', 'tally.ts'), 'utf8'),
      'tally.ts caught up for 02.1: the shipped stub',
    ).toBe(tallyStub);
    expect(read(file), "the learner's tally.ts, untouched").toBe(learner);
  });
});
