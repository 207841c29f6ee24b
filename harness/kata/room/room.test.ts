import { describe, expect, test } from 'vitest';
import { mostLearners, positionTitle, Room, stageDistribution, stuckTests } from './room.ts';
import { BadReport, readPosition, readReport, type LearnerReport } from './wire.ts';

function report(name: string, fields: Partial<LearnerReport> = {}): LearnerReport {
  const learner = Buffer.from(name.padEnd(8, '_')).toString('hex');
  return { learner, name, chapter: '04', stage: 2, chapters: {}, ...fields };
}

describe('Reading a report', () => {
  test('a well-formed report is read as sent, its name trimmed', () => {
    const sent = {
      learner: 'ab12cd34ef',
      name: ' Ada ',
      chapter: '04',
      stage: 2,
      chapters: { '01': { passed: 3, total: 10 } },
      nextFailing: 'Client > gets a pod',
    };
    expect(readReport(sent), 'the report back').toEqual({ ...sent, name: 'Ada' });
  });

  test.each([
    [[], 'the report must be a JSON object'],
    [{ ...report('Ada'), code: 'x' }, 'unknown field "code"'],
    [{ ...report('Ada'), learner: 'Z' }, 'learner must be the id'],
    [{ ...report('Ada'), name: '' }, 'the name must be a non-empty string'],
    [{ ...report('Ada'), name: 'x'.repeat(41) }, 'at most 40 printable characters'],
    [{ ...report('Ada'), name: 'A\u0007da' }, 'at most 40 printable characters'],
    [{ ...report('Ada'), chapter: '99' }, '"99" is not a chapter id'],
    [{ ...report('Ada'), chapter: '4' }, '"4" is not a chapter id'],
    [{ ...report('Ada'), stage: 0 }, 'chapter 04 has stages 1 to'],
    [{ ...report('Ada'), stage: 2.5 }, 'chapter 04 has stages 1 to'],
    [{ ...report('Ada'), chapters: { '01': { passed: 4, total: 3 } } }, 'from 0 to 3'],
    [{ ...report('Ada'), chapters: { '01': { passed: 1, total: 3, code: 1 } } }, 'unknown field'],
    [{ ...report('Ada'), chapters: { nine: { passed: 1, total: 3 } } }, '"nine" is not a chapter'],
    [{ ...report('Ada'), nextFailing: 7 }, "nextFailing must be a test's name"],
  ])('a bad report is refused with what is wrong: %j', (sent, message) => {
    expect(() => readReport(sent), `refused with "${message}"`).toThrow(BadReport);
    expect(() => readReport(sent), `refused with "${message}"`).toThrow(message);
  });

  test('a position is a chapter id and, optionally, a stage of it', () => {
    expect(readPosition({ chapter: '03a' }), 'a chapter alone').toEqual({ chapter: '03a' });
    expect(readPosition({ chapter: '04', stage: 3 }), 'a stage').toEqual({
      chapter: '04',
      stage: 3,
    });
    expect(() => readPosition({ chapter: '04', stage: 3, x: 1 }), 'an extra field').toThrow(
      'unknown field "x"',
    );
  });
});

describe('The room', () => {
  test('a position reads with its title from the course', () => {
    expect(positionTitle({ chapter: '01' }), 'a chapter').toBe('01 The store');
    expect(positionTitle({ chapter: '01', stage: 1 }), 'a stage').toMatch(/^01\.1 The key index/);
  });

  test('stages are counted in course order, chapters without a stage too', () => {
    const learners = [
      report('Ada', { chapter: '05', stage: 1 }),
      report('Bob', { chapter: '04', stage: 2 }),
      report('Cy', { chapter: '04', stage: 2 }),
      report('Di', { chapter: '04', stage: 10 }),
      report('Ed', { chapter: '01', stage: undefined }),
    ];
    const counts = stageDistribution(learners).map((entry) => [entry.stage, entry.learners]);
    expect(counts, 'learners per stage').toEqual([
      ['01', 1],
      ['04.2', 2],
      ['04.10', 1],
      ['05.1', 1],
    ]);
  });

  test('the tests most learners are stuck on come first, at most five', () => {
    const stuck = (name: string, test: string, chapter = '04') =>
      report(name, { chapter, nextFailing: test });
    const learners = [
      stuck('A', 'late'),
      stuck('B', 'common'),
      stuck('C', 'common'),
      stuck('D', 'early', '01'),
      ...['E', 'F', 'G', 'H'].map((name) => stuck(name, `alone ${name}`)),
      report('I'),
    ];
    const tests = stuckTests(learners);
    expect(tests[0], 'the test two learners share').toEqual({
      chapter: '04',
      test: 'common',
      learners: 2,
    });
    expect(tests[1]?.test, 'then, among ties, the earliest chapter').toBe('early');
    expect(tests, 'five at most').toHaveLength(5);
  });

  test("a new report replaces the learner's last one, and listeners see each change", () => {
    const room = new Room(() => new Date('2026-12-03T10:00:00Z'));
    const seen: number[] = [];
    const stop = room.subscribe((view) => seen.push(view.learners.length));
    room.report(report('Ada'));
    room.report(report('Bob'));
    room.report(report('Ada', { stage: 3 }));
    room.setPosition({ chapter: '04', stage: 3 });
    stop();
    room.report(report('Cy'));
    const view = room.view();
    expect(seen, 'the learner count at each change heard').toEqual([1, 2, 2, 2]);
    expect(
      view.learners.map((row) => `${row.name} ${row.stage}`),
      'rows in join order',
    ).toEqual(['Ada 3', 'Bob 2', 'Cy 2']);
    expect(view.learners[0]?.lastSeen, 'when Ada was heard').toBe('2026-12-03T10:00:00.000Z');
    expect(view.position, 'the room position').toEqual({ chapter: '04', stage: 3 });
    const behind = view.learners.filter((row) => row.behind).map((row) => row.name);
    expect(behind, 'the learners behind the room at 04.3').toEqual(['Bob', 'Cy']);
  });

  test('a full room takes no new learner, but still hears those in it', () => {
    const room = new Room();
    for (let index = 0; index < mostLearners; index++)
      room.report({ ...report('Ada'), learner: index.toString(16).padStart(8, '0') });
    expect(room.report(report('Newcomer')), 'a new learner in a full room').toBe('full');
    expect(room.report({ ...report('Ada'), learner: '00000000' }), 'one already in').toBe(
      'updated',
    );
  });
});
