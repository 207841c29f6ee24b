import { describe, expect, test } from 'vitest';
import { course } from '../course.ts';
import { helpText, parseCommandLine, verbs } from './args.ts';
import { UsageError } from './output.ts';

function usageError(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (error) {
    expect(error, `kata ${argv.join(' ')}: the kind of error`).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`kata ${argv.join(' ')} was accepted; a usage error was expected`);
}

describe('The command line', () => {
  test('no arguments mean `kata status`', () => {
    expect(parseCommandLine([]).verb, 'kata').toBe('status');
  });

  test('a chapter is found by id, with or without its zero, or by slug', () => {
    for (const name of ['01', '1', 'store', '01-store']) {
      expect(parseCommandLine(['test', name]).chapters, `kata test ${name}`).toEqual([course[0]]);
    }
  });

  test('flags are read per verb', () => {
    const request = parseCommandLine(['test', '01', '--solutions']);
    expect(request.flags.solutions, 'kata test 01 --solutions').toBe(true);
    expect(parseCommandLine(['solution', '01', '-y']).flags.yes, 'kata solution 01 -y').toBe(true);
    expect(parseCommandLine(['watch', '--poll']).flags.poll, 'kata watch --poll').toBe(true);
  });

  test('an unknown verb is refused with the list of verbs', () => {
    const message = usageError(['frobnicate']);
    expect(message, 'kata frobnicate').toContain('unknown command "frobnicate"');
    expect(message, 'kata frobnicate').toContain('status, test, watch, hint');
    expect(message.includes('\n'), 'kata frobnicate: one line').toBe(false);
  });

  test('an unknown chapter is refused with the chapters there are', () => {
    const message = usageError(['test', '99']);
    expect(message, 'kata test 99').toContain('unknown chapter "99"');
    expect(message, 'kata test 99').toContain('01 (store)');
  });

  test('reset and solution need a chapter', () => {
    expect(usageError(['reset']), 'kata reset').toContain('needs a chapter: 01 (store)');
    expect(usageError(['solution']), 'kata solution').toContain('needs a chapter');
  });

  test('an unknown flag or an extra word is refused in one line, with the usage', () => {
    expect(usageError(['test', '--fast']), 'kata test --fast').toBe(
      "Unknown option '--fast'; usage: kata test [NN[.S]] [--solutions]",
    );
    expect(usageError(['test', '01', '02']), 'kata test 01 02').toContain('unexpected "02"');
    expect(usageError(['check', '--only', 'types']), 'kata check --only types').toContain(
      '--only takes "coverage"',
    );
  });

  test('kata run hands everything after the component to it, untouched', () => {
    const request = parseCommandLine(['run', 'store', '--data-dir', 'x', '--help']);
    expect(
      { name: request.name, rest: request.rest, help: request.help },
      'kata run store --data-dir x --help',
    ).toEqual({ name: 'store', rest: ['--data-dir', 'x', '--help'], help: false });
  });

  test('--help works on every verb and help names every verb', () => {
    for (const verb of Object.keys(verbs)) {
      expect(parseCommandLine([verb, '--help']).help, `kata ${verb} --help`).toBe(true);
      expect(helpText(verb), `kata help ${verb}`).toContain(`usage: ${verbs[verb]!.usage}`);
      expect(helpText(), 'kata help').toContain(verbs[verb]!.usage);
    }
  });

  test('kata --help alone is kata help, not the help of status', () => {
    for (const flag of ['--help', '-h']) {
      expect(parseCommandLine([flag]).verb, `kata ${flag}`).toBe('help');
    }
    expect(parseCommandLine(['status', '--help']).help, 'kata status --help').toBe(true);
  });
});
