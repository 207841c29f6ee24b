// The room view end to end, as the instructor sees it: a room server, three learners reporting the
// way their `kata` does (tellRoom, the call the learner verbs make, from a clone each), and the
// page in a real headless Chromium. It checks what a person would see: a row per learner at the
// right stage, the room's stages and the test most of them are stuck on, a row changing without a
// reload when its learner moves on, and the room's stage set from the page reaching a learner.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { course } from '../course.ts';
import { newTokens } from '../kata/room/host.ts';
import { saveMembership } from '../kata/room/membership.ts';
import { startRoomServer, type RunningRoom } from '../kata/room/server.ts';
import { tellRoom } from '../kata/room/tell.ts';
import type { LearnerReport } from '../kata/room/wire.ts';
import { coloursIn, findChromium, launchChromium, noChromium } from '../testing/chromium.ts';

const chromiumPath = findChromium();
const tokens = newTokens();
let folder: string;
let room: RunningRoom;
let browser: BrowserContext | undefined;
let page: Page;
const pageErrors: string[] = [];

interface Learner {
  name: string;
  dir: string;
}

/** A learner's clone, joined to the room: its own .kata folder with room.json. */
function learner(name: string, index: number): Learner {
  const dir = path.join(folder, `clone-${name}`, '.kata');
  mkdirSync(dir, { recursive: true });
  const id = `${index}`.repeat(16);
  saveMembership({ url: room.url, token: tokens.room, learner: id, name, reach: 'answered' }, dir);
  return { name, dir };
}

/** The learner's `kata` after a run, reporting `where`; what it printed comes back. */
async function reports(
  who: Learner,
  where: Omit<LearnerReport, 'learner' | 'name'>,
): Promise<string[]> {
  const printed: string[] = [];
  await tellRoom(undefined, {
    dir: who.dir,
    print: (line) => printed.push(line),
    timeoutMs: 10_000,
    report: (membership) => ({ learner: membership.learner, name: membership.name, ...where }),
  });
  return printed;
}

/** The rows of a table as a person reads them: each cell's text. */
function rowsOf(selector: string): Promise<string[][]> {
  return page
    .locator(`${selector} tbody tr`)
    .evaluateAll((rows) =>
      rows.map((row) =>
        Array.from((row as unknown as { cells: Array<{ innerText: string }> }).cells, (cell) =>
          cell.innerText.trim(),
        ),
      ),
    );
}

const stuckTest = 'Requests over fetch > create sends a POST and returns the object';
let ada: Learner;
let bob: Learner;
let cy: Learner;

describe.skipIf(!chromiumPath)('The room view in a real browser', () => {
  beforeAll(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'kata-room-e2e-'));
    room = await startRoomServer({ port: 0, address: '127.0.0.1', tokens });
    [ada, bob, cy] = ['Ada', 'Bob', 'Cy'].map(learner) as [Learner, Learner, Learner];
    await reports(ada, {
      chapter: '04',
      stage: 2,
      chapters: { '04': { passed: 6, total: 96 } },
      nextFailing: stuckTest,
    });
    await reports(bob, {
      chapter: '04',
      stage: 2,
      chapters: { '01': { passed: 120, total: 120 }, '04': { passed: 8, total: 96 } },
      nextFailing: stuckTest,
    });
    await reports(cy, { chapter: '05', stage: 1, chapters: {}, nextFailing: 'Filtering > x' });
    browser = await launchChromium(chromiumPath!, folder);
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${room.url}/#${tokens.instructor}`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await room?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  test('shows a row per learner, each at their stage', async () => {
    await page.locator('tr.learner').nth(2).waitFor({ timeout: 20_000 });
    const rows = await rowsOf('#learners');
    expect(rows.length, 'rows in the learners table').toBe(3);
    expect(
      rows.map((cells) => cells[0]),
      'the names',
    ).toEqual(['Ada', 'Bob', 'Cy']);
    expect(
      rows.map((cells) => cells[1]!.split(' ')[0]),
      'their stages',
    ).toEqual(['04.2', '04.2', '05.1']);
    expect(rows[0]![3], "Ada's next failing test").toBe(stuckTest);
    const bars = await page.locator('tr.learner').nth(1).locator('.bar').count();
    expect(bars, 'a bar per chapter in a row').toBe(course.length);
  });

  test("shows the room's stages and the test most of it is stuck on", async () => {
    const stages = await rowsOf('#stages');
    expect(
      stages.map((cells) => [cells[0]!.split(' ')[0], cells[1]]),
      'the stages table',
    ).toEqual([
      ['04.2', '2'],
      ['05.1', '1'],
    ]);
    const stuck = await rowsOf('#stuck');
    expect(stuck[0], 'the first stuck test').toEqual(['2 of 3', '04', stuckTest]);
  });

  test('a learner moving on changes their row without a reload', async () => {
    await page.evaluate('window.sameDocument = true');
    await reports(cy, {
      chapter: '05',
      stage: 2,
      chapters: { '05': { passed: 9, total: 40 } },
      nextFailing: 'Scoring > y',
    });
    const cyStage = page.locator('tr.learner').nth(2).locator('td').nth(1);
    await cyStage.filter({ hasText: /^05\.2 / }).waitFor({ timeout: 20_000 });
    expect(await page.evaluate('window.sameDocument'), 'the page was not reloaded').toBe(true);
    const title = await page
      .locator('tr.learner')
      .nth(2)
      .locator('.bar.current')
      .getAttribute('title');
    expect(title, "Cy's bar for chapter 05").toMatch(/^05 .*: 9 of 40 tests$/);
  });

  test("the room's stage set on the page reaches a learner's kata", async () => {
    await page.selectOption('#chapter', '04');
    await page.selectOption('#stage', '3');
    await page.click('#set-position button');
    await page
      .locator('#position')
      .filter({ hasText: /^04\.3 / })
      .waitFor({ timeout: 20_000 });
    const printed = await reports(ada, { chapter: '04', stage: 3, chapters: {} });
    expect(printed, "what Ada's kata prints").toHaveLength(1);
    expect(printed[0], "Ada's room line").toMatch(/^Room: the instructor is at 04\.3 \S/);
    // Ada's report is on its way to the page: wait until only Bob is behind, then read it.
    const behind = page.locator('tr.learner .stage.behind');
    await page.waitForFunction(
      "document.querySelectorAll('tr.learner .stage.behind').length === 1",
      undefined,
      { timeout: 20_000 },
    );
    expect(await behind.allInnerTexts(), 'the stages marked behind the room').toEqual([
      expect.stringMatching(/^04\.2 /),
    ]);
  });

  test('the page, as a screenshot, is not blank, and it raised no error', async () => {
    const file = path.join(folder, 'room.png');
    const png = await page.screenshot({ fullPage: true });
    writeFileSync(file, png);
    // KATA_ROOM_SCREENSHOT=file keeps a copy to look at; the temporary folder goes after the suite.
    if (process.env.KATA_ROOM_SCREENSHOT) writeFileSync(process.env.KATA_ROOM_SCREENSHOT, png);
    expect(statSync(file).size, 'the screenshot, in bytes').toBeGreaterThan(5_000);
    expect(await coloursIn(browser!, png), 'distinct colours in it').toBeGreaterThan(3);
    expect(pageErrors, "the page's script errors").toEqual([]);
  });
});

if (!chromiumPath) test.skip(noChromium, () => {});
