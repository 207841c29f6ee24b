import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { fixtureChapter, makeFixture, stub, type Fixture } from '../course/fixture.ts';
import { KataError } from '../output.ts';
import { isPristine } from '../course/pristine.ts';
import { resetChapter, stamp } from './reset.ts';

let fixture: Fixture;
beforeEach(() => {
  fixture = makeFixture();
});
afterEach(() => fixture.remove());

const read = (root: string, file: string) => readFileSync(path.join(root, file), 'utf8');

describe('Reset', () => {
  test('a backup folder is named after the chapter and the local time', () => {
    expect(stamp(new Date(2025, 0, 31, 14, 5, 9)), '31 January 2025, 14:05:09').toBe(
      '2025-01-31-140509',
    );
  });

  test("the learner's files go to the backup before the stubs come back", () => {
    const record = fixture.record();
    fixture.write('chapters/01-counter/counter.ts', 'my counter');
    fixture.write('chapters/01-counter/helpers/sum.ts', 'my helper');
    const backups = path.join(fixture.root, '.kata', 'backups');
    const outcome = resetChapter(fixtureChapter, {
      root: fixture.root,
      record,
      backups,
      now: new Date(2025, 0, 31, 14, 5, 9),
    });

    expect(outcome.backup, 'the backup folder named').toBe(
      '.kata/backups/01-counter-2025-01-31-140509',
    );
    const backup = path.join(fixture.root, outcome.backup!);
    expect(read(backup, 'counter.ts'), 'counter.ts in the backup').toBe('my counter');
    expect(read(backup, 'helpers/sum.ts'), 'an added file, in the backup').toBe('my helper');
    expect(read(backup, 'README.md'), 'an untouched file is saved too').toContain('# The counter');

    expect(read(fixture.root, 'chapters/01-counter/counter.ts'), 'counter.ts after reset').toBe(
      stub,
    );
    expect(outcome.removed, 'files the learner added').toEqual([
      'chapters/01-counter/helpers/sum.ts',
    ]);
    expect(existsSync(path.join(fixture.root, 'chapters/01-counter/helpers')), 'their folder').toBe(
      false,
    );
    expect(isPristine('01-counter', record, fixture.root), 'the chapter after reset').toBe(true);
  });

  test('two resets in the same second get two backup folders', () => {
    const record = fixture.record();
    const backups = path.join(fixture.root, 'backups');
    const now = new Date(2025, 0, 31, 14, 5, 9);
    fixture.write('chapters/01-counter/counter.ts', 'first try');
    resetChapter(fixtureChapter, { root: fixture.root, record, backups, now });
    fixture.write('chapters/01-counter/counter.ts', 'second try');
    resetChapter(fixtureChapter, { root: fixture.root, record, backups, now });
    expect(readdirSync(backups).sort(), 'backup folders').toEqual([
      '01-counter-2025-01-31-140509',
      '01-counter-2025-01-31-140509-2',
    ]);
    expect(read(backups, '01-counter-2025-01-31-140509-2/counter.ts'), 'second backup').toBe(
      'second try',
    );
  });

  test('a chapter that still holds its stubs is left alone, with no backup', () => {
    const record = fixture.record();
    const backups = path.join(fixture.root, 'backups');
    const outcome = resetChapter(fixtureChapter, { root: fixture.root, record, backups });
    expect(outcome, 'reset of an untouched chapter').toEqual({ restored: [], removed: [] });
    expect(existsSync(backups), 'the backups folder').toBe(false);
  });

  test('when a stub cannot be read back, nothing is touched', () => {
    const record = { ...fixture.record() };
    record['chapters/01-counter/counter.ts'] = '0123456789abcdef0123456789abcdef01234567';
    fixture.write('chapters/01-counter/counter.ts', 'my counter');
    const backups = path.join(fixture.root, 'backups');
    expect(
      () => resetChapter(fixtureChapter, { root: fixture.root, record, backups }),
      'reset with a blob git lacks',
    ).toThrow(KataError);
    expect(read(fixture.root, 'chapters/01-counter/counter.ts'), 'counter.ts').toBe('my counter');
    expect(existsSync(backups), 'the backups folder').toBe(false);
  });
});
