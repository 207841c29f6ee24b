import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { course } from '../../course.ts';
import { chapterFigures } from '../course/stages.ts';
import { readJoinAddress } from './client.ts';
import { joinRoom, leaveRoom } from './join.ts';
import { reportFrom } from './learner-report.ts';
import { loadMembership, membershipFile, saveMembership, type Membership } from './membership.ts';
import { startRoomServer, type RunningRoom } from './server.ts';
import { tellRoom } from './tell.ts';
import { paint } from '../output.ts';
import type { LearnerReport } from './wire.ts';

const tokens = { room: 'the-room-token', instructor: 'the-instructor-token' };
let running: RunningRoom;
let dir: string;

beforeAll(async () => {
  running = await startRoomServer({ port: 0, address: '127.0.0.1', tokens });
  dir = mkdtempSync(path.join(os.tmpdir(), 'kata-room-'));
});
afterAll(async () => {
  await running.close();
  rmSync(dir, { recursive: true, force: true });
});

const ada: Membership = {
  url: '',
  token: tokens.room,
  learner: 'a1a1a1a1a1a1a1a1',
  name: 'Ada',
  reach: 'answered',
};
const adaReport = (): LearnerReport => ({
  learner: ada.learner,
  name: ada.name,
  chapter: '04',
  stage: 2,
  chapters: {},
});

/** tellRoom for the clone in `dir`, with what it printed. */
async function tell(report = adaReport): Promise<string[]> {
  const printed: string[] = [];
  await tellRoom(undefined, { dir, report, print: (line) => printed.push(line), timeoutMs: 3000 });
  return printed;
}

describe("A learner's kata and the room", () => {
  test('a clone that joined no room sends nothing and says nothing', async () => {
    const report = vi.fn(adaReport);
    expect(await tell(report), 'what kata printed').toEqual([]);
    expect(report, 'the report, never even made').not.toHaveBeenCalled();
  });

  test('a joined clone reports, and says where the instructor is once the room has a position', async () => {
    saveMembership({ ...ada, url: running.url }, dir);
    expect(await tell(), 'before the instructor set a position').toEqual([]);
    expect(
      running.room.view().learners.map((row) => row.name),
      'the room',
    ).toEqual(['Ada']);
    running.room.setPosition({ chapter: '04', stage: 2 });
    const printed = await tell();
    expect(printed, 'after').toHaveLength(1);
    expect(printed[0], 'the room line').toMatch(/^Room: the instructor is at 04\.2 \S/);
    running.room.setPosition({ chapter: '04', stage: 5 });
    const behind = await tell();
    expect(behind[1], 'the line for a learner behind the room').toBe(
      '  You are at 04.2: npx kata goto 04.5 moves you there, npx kata catch-up 04.5 fills in the stages before it with the reference.',
    );
    running.room.setPosition({ chapter: '03b' });
    expect((await tell())[1], 'a learner ahead of the room').toBeUndefined();
  });

  test('a room out of reach is said once, and said again when it answers again', async () => {
    const gone = await startRoomServer({ port: 0, address: '127.0.0.1', tokens });
    await gone.close();
    saveMembership({ ...ada, url: gone.url }, dir);
    const first = await tell();
    expect(first, 'the first report that finds no room').toEqual([
      `Room: ${gone.url} is out of reach (ECONNREFUSED); kata carries on without it and says when it answers again.`,
    ]);
    expect(await tell(), 'the next one').toEqual([]);
    expect(loadMembership(dir)?.reach, 'what room.json remembers').toBe('unreachable');
    saveMembership({ ...loadMembership(dir)!, url: running.url }, dir);
    const back = await tell();
    expect(back[0], 'when the room answers again').toBe(`Room: ${running.url} answers again.`);
  });

  test("a refused report is said once, with the room's reason", async () => {
    saveMembership({ ...ada, url: running.url, token: 'an-old-token' }, dir);
    const first = await tell();
    expect(first[0], 'the first refusal').toMatch(
      /^Room: http:\S+ refused the report \(403: wrong token: this needs the room token\); if the room restarted, join again/,
    );
    expect(await tell(), 'the next').toEqual([]);
  });

  test('a join address is the one kata room prints, and nothing else', () => {
    expect(readJoinAddress('http://192.168.1.20:7070/join/abc_DEF-1'), 'a join address').toEqual({
      url: 'http://192.168.1.20:7070',
      token: 'abc_DEF-1',
    });
    for (const wrong of ['192.168.1.20:7070', 'http://host:7070/', 'ftp://host/join/abc', 'nope'])
      expect(() => readJoinAddress(wrong), `"${wrong}"`).toThrow("is not a room's join address");
  });

  test('joining checks the room takes the token before keeping anything; leaving forgets it', async () => {
    rmSync(membershipFile(dir), { force: true });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const wrong = `${running.url}/join/not-the-token`;
      await expect(joinRoom(wrong, 'Grace', paint(false), dir), 'a wrong token').rejects.toThrow(
        /refused to let you in \(wrong token/,
      );
      expect(loadMembership(dir), 'room.json after a refused join').toBeUndefined();
      const address = `${running.url}/join/${tokens.room}`;
      await expect(
        joinRoom(address, 'x'.repeat(50), paint(false), dir),
        'a long name',
      ).rejects.toThrow('--name: the name must be at most 40 printable characters');
      expect(await joinRoom(address, 'Grace', paint(false), dir), 'the exit code').toBe(0);
      expect(loadMembership(dir)?.name, 'room.json').toBe('Grace');
      const names = running.room.view().learners.map((row) => row.name);
      expect(names, 'the room, right after the join').toContain('Grace');
      expect(await leaveRoom(dir), 'leaving').toBe(0);
      expect(loadMembership(dir), 'room.json after leaving').toBeUndefined();
      const after = running.room.view().learners.map((row) => row.name);
      expect(after, 'the room, after Grace left').not.toContain('Grace');
    } finally {
      log.mockRestore();
    }
  });
});

describe('What a learner reports', () => {
  const [store] = course;
  const figures = chapterFigures(store!);
  const member = { learner: 'b2b2b2b2', name: 'Bob' };

  test('a chapter never run: its first stage, and no failing test yet', () => {
    expect(reportFrom(member, figures, {}, undefined), 'the report').toEqual({
      ...member,
      chapter: '01',
      stage: 1,
      chapters: {},
    });
  });

  test('the current stage, its first test not passing, and each chapter run', () => {
    const firstStage = figures.stages[0]!.tests.map((entry) => entry.fullName);
    const entry = {
      passed: firstStage.length,
      total: 120,
      done: false,
      firstRunAt: '2026-12-03T09:00:00Z',
      lastRunAt: '2026-12-03T09:30:00Z',
      passing: firstStage,
    };
    const report = reportFrom(member, figures, { '01': entry }, undefined);
    expect(report.stage, 'the stage after the one that passes').toBe(2);
    expect(report.nextFailing, 'the first test of stage 2').toBe(
      figures.stages[1]!.tests[0]!.fullName,
    );
    expect(report.chapters, 'the tallies').toEqual({
      '01': { passed: firstStage.length, total: 120 },
    });
    expect(Object.keys(report), 'nothing but positions and test names').toEqual([
      'learner',
      'name',
      'chapter',
      'stage',
      'chapters',
      'nextFailing',
    ]);
  });
});
