// The verbs a learner lives in: `kata status`, `kata test`, `kata hint` and `kata verify`.
//
// A chapter's *state* is one of: not started (its files are exactly the shipped stubs), in progress
// (changed, some tests failing), done (every test passing on the learner's code), or untested
// (changed, but no run recorded yet). The *current chapter* is where `kata goto` put the learner
// while it is not done; otherwise the first one the learner has started and not finished, or else
// the first not done: a workshop attendee who began at chapter 03 lands on 03, a self-paced learner
// on the next chapter in order. Within it, the *current stage* is the first stage not done.
import { course, folderOf, type Chapter } from '../../course.ts';
import { shown, symbols, type Paint, plural } from '../output.ts';
import { isPristine, readPristine, type PristineRecord } from '../course/pristine.ts';
import {
  loadPosition,
  loadProgress,
  recordRun,
  savePosition,
  type ChapterProgress,
  type Position,
  type Progress,
} from '../../progress.ts';
import { formatRun, nextStep, progressLine, tally, type Tally } from './report.ts';
import { chapterTestPath, runTests, type RunResult } from '../course/runner.ts';
import {
  chapterFigures,
  duration,
  testsOf,
  type ChapterFigures,
  type StageFigures,
} from '../course/stages.ts';
import {
  courseOverview,
  currentStage,
  overviewLine,
  passingIn,
  stageLines,
  whereToEdit,
  type CourseOverview,
} from './where.ts';

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

export function currentChapter(states: ChapterState[], position?: Position): Chapter | undefined {
  const at = position ? states.findIndex((s) => s.chapter.id === position.chapter) : -1;
  const chosen = at >= 0 ? states.slice(at).find((s) => s.kind !== 'done') : undefined;
  if (chosen) return chosen.chapter;
  const started = states.find((s) => s.kind === 'in progress' || s.kind === 'untested');
  return (started ?? states.find((s) => s.kind !== 'done'))?.chapter;
}

export function describeState(state: ChapterState): string {
  if (state.kind === 'not started') return 'not started';
  if (state.kind === 'untested') return 'changed, not tested yet';
  const { passed, total, done } = state.progress!;
  return progressLine(passed, total, done);
}

/**
 * Runs one chapter's tests on the learner's code, or only those of one stage, and records the
 * result.
 */
export async function runLearnerChapter(
  chapter: Chapter,
  stage?: StageFigures,
): Promise<{ run: RunResult; counts: Tally }> {
  const only = stage?.tests.map((test) => test.fullName);
  const run = await runTests({ target: 'chapters', paths: [chapterTestPath(chapter)], only });
  const counts = tally(run);
  saveResult(chapter, run, counts, only !== undefined);
  return { run, counts };
}

/**
 * Records a run. A stage's run updates what it ran and keeps what the learner's earlier runs said
 * of the chapter's other tests; a whole chapter's run replaces it all.
 */
function saveResult(chapter: Chapter, run: RunResult, counts: Tally, partial: boolean) {
  const previous = loadProgress()[chapter.id];
  const passingNow = run.tests.filter((test) => test.state === 'passed').map((t) => t.fullName);
  if (partial) {
    const listed = testsOf(chapter).map((test) => test.fullName);
    const ran = new Set(run.tests.map((test) => test.fullName));
    const kept = (previous?.passing ?? []).filter((name) => !ran.has(name));
    const passing = listed.filter((name) => kept.includes(name) || passingNow.includes(name));
    const done = passing.length === listed.length;
    return recordRun(chapter.id, { passed: passing.length, total: listed.length, done, passing });
  }
  // A test file that does not load hides its tests; keep the last known total rather than shrink.
  const total = counts.brokenFiles.length
    ? Math.max(counts.total, previous?.total ?? 0)
    : counts.total;
  return recordRun(chapter.id, {
    passed: counts.passed,
    total,
    done: counts.done,
    passing: passingNow,
  });
}

function statesNow(): ChapterState[] {
  const record = readPristine();
  const progress = loadProgress();
  return course.map((chapter) => chapterState(chapter, record, progress));
}

/** The chapter a verb works on when none was named. */
export function defaultChapter(): Chapter | undefined {
  return currentChapter(statesNow(), loadPosition());
}

/** The stage a verb works on when none was named: the current chapter's current stage. */
export function defaultStage(chapter: Chapter): StageFigures | undefined {
  const figures = chapterFigures(chapter);
  return currentStage(figures, passingIn(chapter, loadProgress()), loadPosition());
}

/** Stage `number` (counted from 1) of a chapter, worked out. */
export function stageOf(chapter: Chapter, number: number): StageFigures {
  return chapterFigures(chapter).stages[number - 1]!;
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

/** What `kata status` knows of the current chapter: its fresh run and, when it has them, stages. */
export interface CurrentView {
  chapter: Chapter;
  run: RunResult;
  figures?: ChapterFigures;
  /** The tests passing, merged with earlier runs (a stage run is partial). */
  passing?: Set<string>;
  stage?: StageFigures;
}

/** The lines of `kata status`, from chapter states and the current chapter's fresh run. */
export function formatStatus(
  states: ChapterState[],
  current: CurrentView | undefined,
  colour: Paint,
  overview?: CourseOverview,
): string {
  const out = [colour.bold('kubekata: build a mini-Kubernetes, one chapter at a time'), ''];
  if (overview) out.push(overviewLine(overview), '');
  out.push(...table(states, current?.chapter, colour), '');
  if (!current) {
    out.push(colour.green(`${symbols.pass} Every chapter is done. Well built!`));
    return out.join('\n');
  }
  const { chapter, run, figures, stage } = current;
  const counts = tally(run);
  const folder = `chapters/${folderOf(chapter)}`;
  const length = figures
    ? ` · ${duration(figures.minutes)} in ${plural(figures.stages.length, 'stage')}`
    : '';
  out.push(
    `Current chapter: ${colour.bold(`${chapter.id} ${chapter.title}`)} (${folder})${length}`,
  );
  out.push(`  the lesson: ${folder}/README.md`);
  if (figures?.stages.length) {
    out.push('', ...stageLines(figures, current.passing ?? new Set(), stage, colour));
  }
  const broken = counts.brokenFiles[0];
  const inStage = (name: string) => !stage || stage.tests.some((test) => test.fullName === name);
  const next = run.tests.find((test) => test.state === 'failed' && inStage(test.fullName));
  if (broken) {
    out.push('', colour.red(`${symbols.fail} ${broken.file} could not run:`));
    out.push(`  ${broken.error?.split('\n')[0] ?? ''}`);
  } else if (next) {
    if (stage) out.push('', `Current stage: ${colour.bold(`${stage.id} ${stage.title}`)}`);
    out.push('', `Next failing test: ${colour.bold(next.fullName)}`);
    if (next.failure?.location) out.push(`  at ${next.failure.location}`);
    out.push(`  ${next.failure?.message.split('\n')[0] ?? ''}`);
    const edit = whereToEdit(next, stage);
    if (edit) out.push(`  ${colour.bold('Edit:')} ${edit}`);
    out.push(...nextStep(chapter, next, colour).map((line) => `  ${line}`));
  } else if (run.tests.length === 0) {
    out.push('', `${folder} has no tests yet.`);
  }
  const target = stage?.id ?? chapter.id;
  out.push(
    '',
    `Run ${colour.bold(`npx kata test ${target}`)} for the details, or ` +
      `${colour.bold(`npx kata watch ${target}`)} to rerun on every save.`,
  );
  return out.join('\n');
}

export async function status(colour: Paint): Promise<number> {
  // Run the current chapter to know where the learner stands. If it turns out to be done, the next
  // one becomes current: run that one too, until one is not done or none is left.
  let states = statesNow();
  const position = loadPosition();
  let current: CurrentView | undefined;
  const ran = new Set<string>();
  for (let chapter = currentChapter(states, position); chapter && !ran.has(chapter.id);) {
    ran.add(chapter.id);
    const { run, counts } = await runLearnerChapter(chapter);
    states = statesNow();
    if (!counts.done) {
      const figures = chapterFigures(chapter);
      const passing = passingIn(chapter, loadProgress());
      current = { chapter, run, figures, passing, stage: currentStage(figures, passing, position) };
      break;
    }
    chapter = currentChapter(states, position);
  }
  const overview = courseOverview(
    course.map((chapter) => chapterFigures(chapter)),
    loadProgress(),
  );
  console.log(formatStatus(states, current, colour, overview));
  return 0;
}

/** `kata goto NN[.S]`: records where the learner is, and says what that means. */
export function goto(chapter: Chapter, stage: number | undefined, colour: Paint): number {
  savePosition({ chapter: chapter.id, ...(stage !== undefined && { stage }) });
  const figures = chapterFigures(chapter);
  const where = stage !== undefined ? figures.stages[stage - 1]! : undefined;
  const what = where
    ? `stage ${where.id} ${where.title} (${duration(where.minutes)})`
    : `chapter ${chapter.id} ${chapter.title} (${duration(figures.minutes)})`;
  console.log(`You are now at ${colour.bold(what)}.`);
  console.log(
    `Earlier chapters come from the reference when a later one needs them. Run ${colour.bold('npx kata')} to see your next step` +
      (where && stage! > 1
        ? `, or ${colour.bold(`npx kata catch-up ${where.id}`)} to fill in the stages before it with the reference.`
        : '.'),
  );
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
  stageNumber?: number,
): Promise<number> {
  const chosen = chapter ?? defaultChapter();
  if (!chosen) {
    console.log('Every chapter is done. Name one to run it again: npx kata test NN');
    return 0;
  }
  const stage = stageNumber === undefined ? undefined : stageOf(chosen, stageNumber);
  const title = stage ? ` · stage ${stage.id} ${stage.title}` : '';
  console.log(`${heading(chosen, solutions, colour)}${title}\n`);
  const only = stage?.tests.map((entry) => entry.fullName);
  const run = solutions
    ? await runTests({ target: 'solutions', paths: [chapterTestPath(chosen)], only })
    : (await runLearnerChapter(chosen, stage)).run;
  if (run.files.length === 0) {
    console.log(`No tests found in ${chapterTestPath(chosen)}.`);
    return 1;
  }
  console.log(formatRun(chosen, run, colour));
  const counts = tally(run);
  if (counts.done && !solutions && !stage) console.log(afterDone(chosen, colour));
  if (counts.done && !solutions && stage) console.log(afterStage(chosen, stageNumber!, colour));
  return counts.done ? 0 : 1;
}

function afterStage(chapter: Chapter, number: number, colour: Paint): string {
  const next = chapterFigures(chapter).stages[number];
  const lines = ['', colour.green(`Stage ${chapter.id}.${number} is done.`)];
  if (next)
    lines.push(
      `Next: stage ${next.id}, ${next.title} (${duration(next.minutes)}): npx kata test ${next.id}`,
    );
  else lines.push(`That was the chapter's last stage: npx kata test ${chapter.id} runs it all.`);
  return lines.join('\n');
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
    saveResult(chapter, own, counts, false);
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
