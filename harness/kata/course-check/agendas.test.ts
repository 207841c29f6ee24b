import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  agendaProblems,
  agendas,
  dayRows,
  planProblems,
  renderAgenda,
  stagesById,
  tableCells,
} from './agendas.ts';
import type { StageFigures } from '../course/stages.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'kata-agendas-'));
  mkdirSync(path.join(root, 'docs'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

// The course's stages, worked out once: the agendas are built from them.
const all = stagesById();

/** A guide holding every agenda as rendered from `stages`. */
function writeGuide(stages: Map<string, StageFigures>) {
  const blocks = agendas.map(
    (agenda) =>
      `### ${agenda.title}\n\n<!-- agenda: ${agenda.name} -->\n\n${renderAgenda(agenda, stages)}\n\n<!-- /agenda -->\n`,
  );
  writeFileSync(path.join(root, 'docs', 'instructor-guide.md'), `# Guide\n\n${blocks.join('\n')}`);
}

/** The stages with one stage's minutes changed. */
function withMinutes(id: string, minutes: number): Map<string, StageFigures> {
  const changed = new Map(all);
  changed.set(id, { ...all.get(id)!, minutes });
  return changed;
}

describe('Agendas', () => {
  test('a day runs its items back to back from 9:00, each starting when the last one ends', () => {
    const rows = dayRows(agendas[0]!.days[0]!, all);
    expect(rows[0]?.start, 'the first row of the taster').toBe(9 * 60);
    for (let i = 1; i < rows.length; i += 1) {
      expect(rows[i]!.start, `row ${i} of the taster starts when row ${i - 1} ends`).toBe(
        rows[i - 1]!.start + rows[i - 1]!.minutes,
      );
    }
  });

  test("a stage's row carries the stage's id, title and computed minutes", () => {
    const stage = all.get('01.1')!;
    expect(renderAgenda(agendas[0]!, all), 'the taster as Markdown').toContain(
      `| 9:20 | ${stage.id} ${stage.title} | ${stage.minutes} |`,
    );
  });

  test('tables compare by their cells, however Prettier aligned them', () => {
    expect(
      tableCells('| time  | what |\n| ----- | ---: |\n| 9:00  | Demo |'),
      'an aligned table',
    ).toBe(tableCells('| time | what |\n| - | -: |\n| 9:00 | Demo |'));
  });

  test('a guide written from the stages has no problems', () => {
    writeGuide(all);
    expect(agendaProblems(root, all), 'problems of a freshly written guide').toEqual([]);
  });

  test("a stage whose minutes change makes the guide's agenda stale", () => {
    writeGuide(all);
    const problems = agendaProblems(root, withMinutes('01.1', all.get('01.1')!.minutes + 1));
    expect(problems[0], 'the first problem once 01.1 takes a minute more').toBe(
      'docs/instructor-guide.md: the agenda "A half-day taster" no longer adds up with the stages\' minutes: run npx kata agendas --write',
    );
  });

  test('a day that runs past 17:30 is a problem of its plan', () => {
    const problems = planProblems(withMinutes('01.1', 600));
    expect(problems.length, 'days past their end once 01.1 takes ten hours').toBeGreaterThan(0);
    expect(problems[0], 'the first of them').toMatch(
      /^agenda "A half-day taster", day 1, ends at 2\d:\d\d, past 17:30 \(\d+ h \d+ min over\)/,
    );
  });

  test('a guide without an agenda block says which one is missing', () => {
    writeFileSync(path.join(root, 'docs', 'instructor-guide.md'), '# Guide\n');
    expect(agendaProblems(root, all)[0], 'problems of a guide with no agendas').toBe(
      'docs/instructor-guide.md has no agenda "taster" (<!-- agenda: taster --> ... <!-- /agenda -->)',
    );
  });
});
