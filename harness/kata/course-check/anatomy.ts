// What every chapter is born with, checked by `kata check` (step d) so that no chapter can land
// without it:
//
// - stages in the manifest that cut its tests cleanly (stages.ts works them out);
// - a hint for every test;
// - a message on every `expect`, saying what was done and what was expected;
// - at most `maxLogicLinesPerTest` reference logic lines per test, over the chapter;
// - a lesson with a concept diagram, an "In Kubernetes" section linking the real documentation and
//   the upstream source, and an answer for every review question.
//
// Each function answers with a list of problems, one readable line each; an empty list is a pass.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { folderOf, type Chapter } from '../../course.ts';
import { repoRoot } from '../../paths.ts';
import { lessonPath } from '../course/lesson.ts';
import {
  chapterFigures,
  logicLines,
  maxLogicLinesPerTest,
  sitting,
  testFilesOf,
  testsOf,
} from '../course/stages.ts';

/** Every test has a hint in the manifest. */
export function hintProblems(chapter: Chapter, root = repoRoot): string[] {
  return testsOf(chapter, root)
    .filter((test) => !chapter.hints[test.fullName])
    .map(
      (test) => `${test.file}:${test.line}: "${test.fullName}" has no hint in harness/course.ts`,
    );
}

/**
 * The `expect(...)` calls of a test file that give no message: `expect(value)` alone. `expect.any`
 * and the other helpers on `expect` are not assertions and need none.
 */
export function silentExpects(source: string, file: string): number[] {
  const parsed = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const lines: number[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'expect' &&
      node.arguments.length < 2
    ) {
      lines.push(parsed.getLineAndCharacterOfPosition(node.getStart()).line + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(parsed);
  return lines;
}

export function messageProblems(chapter: Chapter, root = repoRoot): string[] {
  return testFilesOf(chapter, root).flatMap(({ file, source }) =>
    silentExpects(source, file).map(
      (line) =>
        `${file}:${line}: an expect without a message (say what was done and what was expected)`,
    ),
  );
}

/**
 * The logic lines of a whole source file: those of every statement but its imports. Read with the
 * parser, because an import broken over several lines has lines that do not start with `import`.
 */
function fileLogicLines(source: string, file: string): number {
  const parsed = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  return parsed.statements
    .filter((statement) => !ts.isImportDeclaration(statement))
    .reduce((sum, statement) => sum + logicLines(statement.getText(parsed)), 0);
}

/** The chapter's reference logic lines: every non-test source file of solutions/NN-slug. */
export function chapterLogicLines(chapter: Chapter, root = repoRoot): number {
  const dir = path.join(root, 'solutions', folderOf(chapter));
  if (!existsSync(dir)) return 0;
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .reduce(
      (sum, name) => sum + fileLogicLines(readFileSync(path.join(dir, name), 'utf8'), name),
      0,
    );
}

/** The stages cut the tests cleanly, and the chapter asks at most so many logic lines a test. */
export function stageProblems(chapter: Chapter, root = repoRoot): string[] {
  const figures = chapterFigures(chapter, root);
  const tests = testsOf(chapter, root).length;
  const lines = chapterLogicLines(chapter, root);
  const problems = [...figures.problems];
  if (tests && lines / tests > maxLogicLinesPerTest) {
    problems.push(
      `${lines} reference logic lines for ${tests} tests is ${(lines / tests).toFixed(1)} a test, over ${maxLogicLinesPerTest}: add the intermediate tests a learner needs (npx kata stages ${chapter.id} shows where)`,
    );
  }
  return problems;
}

/**
 * Every stage is a sitting: its minutes by the estimate within `sitting.bounds`, or, past the
 * longest, with the reason it cannot be cut (`long` in the manifest).
 */
export function sittingProblems(chapter: Chapter, root = repoRoot): string[] {
  const [shortest, longest] = sitting.bounds;
  return chapterFigures(chapter, root)
    .stages.filter(
      (stage) =>
        stage.minutes < shortest ||
        (stage.minutes > longest && !chapter.stages[stage.number - 1]?.long),
    )
    .map(
      (stage) =>
        `stage ${stage.id} ${stage.title} takes ${stage.minutes} minutes by the estimate, outside ${shortest} to ${longest}: one sitting is ${sitting.aim[0]} to ${sitting.aim[1]} (move its first test, or split its functions)`,
    );
}

/** A lesson's `##` sections with their bodies, fenced code included. */
function sectionBodies(markdown: string): Map<string, string> {
  const bodies = new Map<string, string>();
  let heading = '';
  let fenced = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const match = fenced ? null : /^## +(.+?)\s*#*\s*$/.exec(line);
    if (match) heading = match[1]!;
    else bodies.set(heading, `${bodies.get(heading) ?? ''}${line}\n`);
  }
  return bodies;
}

/** How many numbered items ("1. ...") a Markdown text has at the start of a line. */
function numberedItems(text: string): number {
  return (text.match(/^\d+\.\s/gm) ?? []).length;
}

/** The lesson has its diagram, its links to the real thing, and its review answers. */
export function lessonAnatomyProblems(chapter: Chapter, root = repoRoot): string[] {
  const file = lessonPath(folderOf(chapter));
  const full = path.join(root, file);
  if (!existsSync(full)) return []; // the structure check reports a missing lesson
  const bodies = sectionBodies(readFileSync(full, 'utf8'));
  const problems: string[] = [];
  const build = bodies.get('What you will build') ?? '';
  if (!/^```(mermaid|text)\s*$/m.test(build)) {
    problems.push(
      `${file}: "## What you will build" has no concept diagram (a \`\`\`mermaid or \`\`\`text block)`,
    );
  }
  const links = bodies.get('In Kubernetes') ?? '';
  if (!/\]\(https:\/\/(kubernetes\.io|etcd\.io)\//.test(links)) {
    problems.push(`${file}: "## In Kubernetes" links no documentation on kubernetes.io or etcd.io`);
  }
  if (!/\]\(https:\/\/github\.com\/(kubernetes|etcd-io)\//.test(links)) {
    problems.push(
      `${file}: "## In Kubernetes" links no upstream source (github.com/kubernetes or etcd-io)`,
    );
  }
  const review = bodies.get('Review questions') ?? '';
  const at = review.indexOf('<details>');
  const questions = numberedItems(at >= 0 ? review.slice(0, at) : review);
  const answers = at >= 0 ? numberedItems(review.slice(at)) : 0;
  if (questions === 0) problems.push(`${file}: "## Review questions" has no numbered questions`);
  else if (answers !== questions) {
    problems.push(
      `${file}: ${questions} review questions but ${answers} answers (number them inside <details><summary>Answers</summary>)`,
    );
  }
  return problems;
}

/** Everything above, for one chapter. */
export function anatomyProblems(chapter: Chapter, root = repoRoot): string[] {
  return [
    ...stageProblems(chapter, root),
    ...sittingProblems(chapter, root),
    ...hintProblems(chapter, root),
    ...messageProblems(chapter, root),
    ...lessonAnatomyProblems(chapter, root),
  ];
}
