// The verbs a learner lives in: `kata status`, `kata test`, `kata hint` and `kata verify`.
//
// A chapter's *state* is one of: not started (its files are exactly the shipped stubs), in progress
// (changed, some tests failing), done (every test passing on the learner's code), or untested
// (changed, but no run recorded yet). The *current chapter* is the first one the learner has
// started and not finished, or else the first not done: a workshop attendee who began at chapter
// 03 lands on 03, a self-paced learner on the next chapter in order.
import { course, folderOf, type Chapter } from '../course.ts';
import { shown, symbols, type Paint, plural } from './output.ts';
import { isPristine, readPristine, type PristineRecord } from './pristine.ts';
import { loadProgress, recordRun, type ChapterProgress, type Progress } from './progress.ts';
import { formatRun, nextStep, progressLine, tally, type Tally } from './report.ts';
import { chapterTestPath, runTests, type RunResult } from './runner.ts';

export type ChapterStateKind = 'not started' | 'in progress' | 'done' | 'untested';

export interface ChapterState {
  chapter: Chapter;
  kind: ChapterStateKind;
  progress?: ChapterProgress;
}

export function chapterState(
  chapter: Chapter,
  record: PristineRecord,
  progress: Progress,
  pristine: (folder: string, record: PristineRecord) => boolean = isPristine,
): ChapterState {
  const entry = progress[chapter.id];
  if (pristine(folderOf(chapter), record)) return { chapter, kind: 'not started', progress: entry };
  if (!entry) return { chapter, kind: 'untested' };
  return { chapter, kind: entry.done ? 'done' : 'in progress', progress: entry };
}

export function currentChapter(states: ChapterState[]): Chapter | undefined {
  const started = states.find((s) => s.kind === 'in progress' || s.kind === 'untested');
  return (started ?? states.find((s) => s.kind !== 'done'))?.chapter;
}

export function describeState(state: ChapterState): string {
  if (state.kind === 'not started') return 'not started';
  if (state.kind === 'untested') return 'changed, not tested yet';
  const { passed, total, done } = state.progress!;
  return progressLine(passed, total, done);
}

/** Runs one chapter's tests on the learner's code and records the result. */
export async function runLearnerChapter(
  chapter: Chapter,
): Promise<{ run: RunResult; counts: Tally }> {
  const run = await runTests({ target: 'chapters', paths: [chapterTestPath(chapter)] });
  const counts = tally(run);
  saveResult(chapter, counts);
  return { run, counts };
}

function saveResult(chapter: Chapter, counts: Tally): ChapterProgress {
  // A test file that does not load hides its tests; keep the last known total rather than shrink.
  const previous = loadProgress()[chapter.id];
  const total = counts.brokenFiles.length
    ? Math.max(counts.total, previous?.total ?? 0)
    : counts.total;
  return recordRun(chapter.id, { passed: counts.passed, total, done: counts.done });
}

function statesNow(): ChapterState[] {
  const record = readPristine();
  const progress = loadProgress();
  return course.map((chapter) => chapterState(chapter, record, progress));
}

/** The chapter a verb works on when none was named. */
export function defaultChapter(): Chapter | undefined {
  return currentChapter(statesNow());
}

function table(states: ChapterState[], current: Chapter | undefined, colour: Paint): string[] {
  // Ids are "01" or "03a": titles start in one column whatever their chapter's id.
  const idWidth = Math.max(...states.map((s) => s.chapter.id.length));
  const name = (chapter: Chapter) => `${chapter.id.padEnd(idWidth)}  ${chapter.title}`;
  const width = Math.max(...states.map((s) => name(s.chapter).length));
  return states.map((state) => {
    const marker = state.chapter === current ? colour.bold('›') : ' ';
    const row = name(state.chapter).padEnd(width);
    const text = describeState(state);
    const painted = state.kind === 'done' ? colour.green(text) : text;
    return ` ${marker} ${state.chapter === current ? colour.bold(row) : row}   ${painted}`;
  });
}

/** The lines of `kata status`, from chapter states and the current chapter's fresh run. */
export function formatStatus(
  states: ChapterState[],
  current: { chapter: Chapter; run: RunResult } | undefined,
  colour: Paint,
): string {
  const out = [colour.bold('kubekata: build a mini-Kubernetes, one chapter at a time'), ''];
  out.push(...table(states, current?.chapter, colour), '');
  if (!current) {
    out.push(colour.green(`${symbols.pass} Every chapter is done. Well built!`));
    return out.join('\n');
  }
  const { chapter, run } = current;
  const counts = tally(run);
  const folder = `chapters/${folderOf(chapter)}`;
  out.push(`Current chapter: ${colour.bold(`${chapter.id} ${chapter.title}`)} (${folder})`);
  out.push(`  the lesson: ${folder}/README.md`);
  const broken = counts.brokenFiles[0];
  if (broken) {
    out.push('', colour.red(`${symbols.fail} ${broken.file} could not run:`));
    out.push(`  ${broken.error?.split('\n')[0] ?? ''}`);
  } else if (counts.firstFailure) {
    const test = counts.firstFailure;
    out.push('', `Next failing test: ${colour.bold(test.fullName)}`);
    if (test.failure?.location) out.push(`  at ${test.failure.location}`);
    out.push(`  ${test.failure?.message.split('\n')[0] ?? ''}`);
    out.push(...nextStep(chapter, test, colour).map((line) => `  ${line}`));
  } else if (run.tests.length === 0) {
    out.push('', `${folder} has no tests yet.`);
  }
  out.push(
    '',
    `Run ${colour.bold(`npx kata test ${chapter.id}`)} for the details, or ` +
      `${colour.bold(`npx kata watch ${chapter.id}`)} to rerun on every save.`,
  );
  return out.join('\n');
}

export async function status(colour: Paint): Promise<number> {
  // Run the current chapter to know where the learner stands. If it turns out to be done, the next
  // one becomes current: run that one too, until one is not done or none is left.
  let states = statesNow();
  let current: { chapter: Chapter; run: RunResult } | undefined;
  const ran = new Set<string>();
  for (let chapter = currentChapter(states); chapter && !ran.has(chapter.id);) {
    ran.add(chapter.id);
    const { run, counts } = await runLearnerChapter(chapter);
    states = statesNow();
    if (!counts.done) {
      current = { chapter, run };
      break;
    }
    chapter = currentChapter(states);
  }
  console.log(formatStatus(states, current, colour));
  return 0;
}

function heading(chapter: Chapter, solutions: boolean, colour: Paint): string {
  const where = solutions
    ? `the reference in solutions/${folderOf(chapter)}`
    : `your code in chapters/${folderOf(chapter)}`;
  return colour.bold(`Chapter ${chapter.id} · ${chapter.title} · ${where}`);
}

export async function test(
  chapter: Chapter | undefined,
  solutions: boolean,
  colour: Paint,
): Promise<number> {
  const chosen = chapter ?? defaultChapter();
  if (!chosen) {
    console.log('Every chapter is done. Name one to run it again: npx kata test NN');
    return 0;
  }
  console.log(`${heading(chosen, solutions, colour)}\n`);
  const run = solutions
    ? await runTests({ target: 'solutions', paths: [chapterTestPath(chosen)] })
    : (await runLearnerChapter(chosen)).run;
  if (run.files.length === 0) {
    console.log(`No tests found in ${chapterTestPath(chosen)}.`);
    return 1;
  }
  console.log(formatRun(chosen, run, colour));
  const counts = tally(run);
  if (counts.done && !solutions) console.log(afterDone(chosen, colour));
  return counts.done ? 0 : 1;
}

function afterDone(chapter: Chapter, colour: Paint): string {
  const next = course[course.indexOf(chapter) + 1];
  const lines = ['', colour.green(`Chapter ${chapter.id} is done.`)];
  if (next) {
    lines.push(`Next: chapter ${next.id}, ${next.title}: npx kata test ${next.id}`);
  }
  return lines.join('\n');
}

export async function hint(chapter: Chapter | undefined, colour: Paint): Promise<number> {
  const chosen = chapter ?? defaultChapter();
  if (!chosen) {
    console.log('Every chapter is done: there is nothing left to hint at.');
    return 0;
  }
  const { run, counts } = await runLearnerChapter(chosen);
  const broken = counts.brokenFiles[0];
  if (broken) {
    console.log(`${broken.file} could not run, so no test has a result yet:`);
    console.log(`  ${broken.error?.split('\n')[0] ?? ''}`);
    return 0;
  }
  if (!counts.firstFailure) {
    const all = plural(run.tests.length, 'test');
    console.log(`Every test of chapter ${chosen.id} passes (${all}): there is nothing to hint at.`);
    return 0;
  }
  console.log(`Next failing test: ${colour.bold(counts.firstFailure.fullName)}`);
  for (const line of nextStep(chosen, counts.firstFailure, colour)) console.log(`  ${line}`);
  return 0;
}

/** `kata verify`: every chapter on the learner's code in one run, and one table. */
export async function verify(colour: Paint): Promise<number> {
  const run = await runTests({ target: 'chapters', paths: course.map(chapterTestPath) });
  const record = readPristine();
  const rows: string[][] = [['chapter', 'tests', 'state']];
  let allDone = true;
  for (const chapter of course) {
    const folder = folderOf(chapter);
    const own: RunResult = {
      ...run,
      files: run.files.filter((file) => file.chapter === folder),
      tests: run.tests.filter((test) => test.chapter === folder),
    };
    const counts = tally(own);
    saveResult(chapter, counts);
    allDone &&= counts.done;
    const state = counts.done
      ? 'done'
      : isPristine(folder, record)
        ? 'not started'
        : counts.brokenFiles.length
          ? `${shown(counts.brokenFiles[0]!.file)} does not load`
          : 'in progress';
    rows.push([`${chapter.id}  ${chapter.title}`, `${counts.passed} of ${counts.total}`, state]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  rows.forEach((row, index) => {
    const line = row.map((cell, column) => cell.padEnd(widths[column]!)).join('   ');
    const text = index === 0 ? colour.bold(line) : row[2] === 'done' ? colour.green(line) : line;
    console.log(`  ${text.trimEnd()}`);
  });
  if (run.errors.length) {
    console.log('', colour.red(`${symbols.fail} outside any test: ${run.errors[0]}`));
  }
  const done = rows.slice(1).filter((row) => row[2] === 'done').length;
  console.log(`\n${done} of ${plural(course.length, 'chapter')} done`);
  return allDone && run.errors.length === 0 ? 0 : 1;
}
