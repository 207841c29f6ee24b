import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { makeFixture, stub, type Fixture } from './fixture.ts';
import { KataError } from '../output.ts';
import {
  blobHash,
  drift,
  isPristine,
  materialise,
  readPristineFile,
  writePristine,
} from './pristine.ts';

let fixture: Fixture;
beforeEach(() => {
  fixture = makeFixture();
});
afterEach(() => fixture.remove());

describe('Pristine stubs', () => {
  test('a blob hash is the one git gives the same content', () => {
    const content = Buffer.from('hello\n');
    const git = execFileSync('git', ['hash-object', '--stdin'], { input: content }).toString();
    expect(blobHash(content), 'blobHash("hello\\n") against git hash-object').toBe(git.trim());
    expect(blobHash(Buffer.from('')), 'blobHash of an empty file').toBe(
      'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391',
    );
  });

  test('Windows line endings hash as the Unix ones git stores', () => {
    expect(blobHash(Buffer.from('a\r\nb\r\n')), 'a CRLF file against its LF twin').toBe(
      blobHash(Buffer.from('a\nb\n')),
    );
  });

  test('pristine.json lists every file under chapters/ with its hash, and nothing else', () => {
    const file = path.join(fixture.root, 'pristine.json');
    const record = writePristine(fixture.root, file);
    expect(Object.keys(record), 'files recorded from the fixture').toEqual([
      'chapters/01-counter/01-counting.test.ts',
      'chapters/01-counter/README.md',
      'chapters/01-counter/counter.ts',
    ]);
    expect(JSON.parse(readFileSync(file, 'utf8')).files, 'pristine.json read back').toEqual(record);
  });

  test('a chapter is not started until a file in it changes, is added or goes', () => {
    const record = fixture.record();
    expect(isPristine('01-counter', record, fixture.root), 'untouched').toBe(true);
    fixture.write('chapters/01-counter/notes.md', 'mine');
    expect(isPristine('01-counter', record, fixture.root), 'after adding notes.md').toBe(false);
  });

  test('drift names the changed, added and missing files', () => {
    const record = { 'chapters/a.ts': '1', 'chapters/b.ts': '2' };
    const tree = { 'chapters/a.ts': '9', 'chapters/c.ts': '3' };
    expect(drift(record, tree), 'a changed, c added, b gone').toEqual({
      changed: ['chapters/a.ts'],
      added: ['chapters/c.ts'],
      missing: ['chapters/b.ts'],
    });
  });

  test('a changed file is read back from git by its recorded hash', () => {
    const record = fixture.record();
    const file = 'chapters/01-counter/counter.ts';
    fixture.write(file, 'my own work');
    expect(readPristineFile(file, record[file]!, fixture.root).toString(), file).toBe(stub);
  });

  test('a hash git does not have is a one-line error that says what to do', () => {
    const file = 'chapters/01-counter/counter.ts';
    const missing = '0123456789abcdef0123456789abcdef01234567';
    fixture.write(file, 'my own work');
    expect(() => readPristineFile(file, missing, fixture.root), 'unknown blob').toThrow(KataError);
    expect(() => readPristineFile(file, missing, fixture.root), 'unknown blob').toThrow(
      /cannot read the shipped chapters\/01-counter\/counter\.ts.*npm run pristine/,
    );
  });

  test('materialise writes the stubs, not the tests, where ../../harness still resolves', () => {
    const record = fixture.record();
    fixture.write('chapters/01-counter/counter.ts', 'my own work');
    const into = path.join(fixture.root, '.kata', 'pristine');
    materialise('01-counter', record, into, fixture.root);
    const written = path.join(into, '01-counter');
    expect(readFileSync(path.join(written, 'counter.ts'), 'utf8'), 'the stub').toBe(stub);
    expect(existsSync(path.join(written, '01-counting.test.ts')), 'the test file').toBe(false);
    expect(
      realpathSync(path.resolve(written, '../../harness')),
      '../../harness seen from the materialised chapter',
    ).toBe(realpathSync(path.join(fixture.root, 'harness')));
    // Doing it twice (a second check) finds the links in place.
    writeFileSync(path.join(written, 'stale.ts'), '');
    materialise('01-counter', record, into, fixture.root);
    expect(existsSync(path.join(written, 'stale.ts')), 'a file left from an earlier run').toBe(
      false,
    );
  });
});
