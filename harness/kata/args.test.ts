import { describe, expect, test } from 'vitest';
import { course } from '../course.ts';
import { helpText, parseCommandLine, resolveStage } from './args.ts';
import { verbs } from './verbs.ts';
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

  test('kata test 16 runs a chapter taught in parts part by part; other verbs ask for one part', () => {
    expect(
      parseCommandLine(['test', '16']).chapters.map((chapter) => chapter.id),
      'kata test 16',
    ).toEqual(['16a', '16b']);
    expect(
      parseCommandLine(['test', '02']).chapters.map((chapter) => chapter.id),
      'kata test 02: a chapter of that number exists, 02b is another',
    ).toEqual(['02']);
    expect(usageError(['hint', '16']), 'kata hint 16').toContain(
      'chapter 16 comes in parts: 16a (raft), 16b (raft-server); name one of them',
    );
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

// The manifest decides which chapters have stages: take the first with a plain number for an id
// and three stages or more.
const staged = course.find((chapter) => /^\d+$/.test(chapter.id) && chapter.stages.length >= 3)!;

describe('Stages on the command line', () => {
  test('the manifest has a chapter of three stages or more to try them on', () => {
    expect(staged, 'a chapter with three stages or more in harness/course.ts').toBeDefined();
  });

  test('NN.S names a chapter and one of its stages, with or without the zero', () => {
    expect(resolveStage(`${staged.id}.3`), `${staged.id}.3`).toEqual({ chapter: staged, stage: 3 });
    expect(resolveStage(`${Number(staged.id)}.2`), `${Number(staged.id)}.2`).toEqual({
      chapter: staged,
      stage: 2,
    });
    expect(resolveStage(staged.id), `${staged.id} alone`).toEqual({ chapter: staged });
  });

  test('kata test NN.S runs one stage; kata goto NN goes to a chapter', () => {
    const request = parseCommandLine(['test', `${staged.id}.3`]);
    expect(
      { chapters: request.chapters, stage: request.stage },
      `kata test ${staged.id}.3`,
    ).toEqual({ chapters: [staged], stage: 3 });
    const goto = parseCommandLine(['goto', '01']);
    expect({ chapters: goto.chapters, stage: goto.stage }, 'kata goto 01').toEqual({
      chapters: [course[0]],
      stage: undefined,
    });
    expect(
      parseCommandLine(['catch-up', `${staged.id}.2`]).stage,
      `kata catch-up ${staged.id}.2`,
    ).toBe(2);
  });

  test('kata catch-up needs a stage, and kata goto a chapter', () => {
    expect(usageError(['catch-up', '01']), 'kata catch-up 01').toBe(
      'kata catch-up needs a stage, like 01.2; usage: kata catch-up NN.S',
    );
    expect(usageError(['goto']), 'kata goto').toContain('kata goto needs a chapter: 01 (store)');
  });

  test('a stage the chapter does not have is refused with the range it has', () => {
    const last = `${staged.id}.${staged.stages.length}`;
    for (const stage of ['99', '0']) {
      const message = usageError(['goto', `${staged.id}.${stage}`]);
      expect(message, `kata goto ${staged.id}.${stage}`).toBe(
        `chapter ${staged.id} has no stage ${Number(stage)}; its stages are ${staged.id}.1 to ${last}`,
      );
    }
  });

  test('a verb that takes no stage refuses one as an unknown chapter', () => {
    expect(usageError(['reset', `${staged.id}.2`]), `kata reset ${staged.id}.2`).toContain(
      `unknown chapter "${staged.id}.2"`,
    );
  });
});
