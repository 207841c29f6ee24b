// `kata stages`: each chapter's stages as a table, with the figures their minutes come from, so a
// learner can plan a sitting and an author can see where a stage asks too much per test.
import { course, type Chapter } from '../../course.ts';
import type { Paint } from '../output.ts';
import {
  chapterFigures,
  duration,
  maxLogicLinesPerTest,
  rates,
  sitting,
  type ChapterFigures,
} from '../course/stages.ts';

function perTest(lines: number, tests: number): string {
  return tests ? (lines / tests).toFixed(1) : '-';
}

/** The table of one chapter's stages. */
export function formatStages(figures: ChapterFigures, colour: Paint): string[] {
  const { chapter, stages } = figures;
  const rows = [['stage', 'title', 'tests', 'logic lines', 'per test', 'minutes']];
  for (const stage of stages) {
    const heavy =
      stage.tests.length && stage.logicLines / stage.tests.length > maxLogicLinesPerTest;
    rows.push([
      stage.id,
      stage.title,
      String(stage.tests.length),
      String(stage.logicLines),
      `${perTest(stage.logicLines, stage.tests.length)}${heavy ? ' !' : ''}`,
      `${stage.minutes}${stage.minutes < sitting.aim[0] || stage.minutes > sitting.aim[1] ? ' ~' : ''}`,
    ]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const right = new Set([2, 3, 4, 5]);
  const lines = rows.map((row, index) => {
    const text = row
      .map((cell, column) =>
        right.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ');
    return `  ${index === 0 ? colour.bold(text) : text}`;
  });
  const tests = stages.reduce((sum, stage) => sum + stage.tests.length, 0);
  const logic = stages.reduce((sum, stage) => sum + stage.logicLines, 0);
  return [
    colour.bold(`Chapter ${chapter.id} · ${chapter.title} · ${duration(figures.minutes)}`),
    ...lines,
    `  ${tests} tests, ${logic} logic lines to write (${perTest(logic, tests)} a test)`,
    ...figures.problems.map((problem) => colour.red(`  ${problem}`)),
  ];
}

export function printStages(chapters: Chapter[], colour: Paint): number {
  const chosen = chapters.length ? chapters : course;
  const all = chosen.map((chapter) => chapterFigures(chapter));
  for (const figures of all) console.log(`${formatStages(figures, colour).join('\n')}\n`);
  const total = all.reduce((sum, figures) => sum + figures.minutes, 0);
  console.log(
    `${chosen.length === course.length ? 'The course' : 'These chapters'}: ${duration(total)} by the estimate ` +
      `(${rates.minutesPerLogicLine} min a logic line, ${rates.minutesPerTest} min a test, ` +
      `${rates.wordsPerMinute} lesson words a minute; harness/kata/course/stages.ts).`,
  );
  console.log(
    `A "!" marks a stage over ${maxLogicLinesPerTest} logic lines a test, a "~" one outside ${sitting.aim[0]} to ${sitting.aim[1]} minutes.`,
  );
  return all.some((figures) => figures.problems.length) ? 1 : 0;
}
