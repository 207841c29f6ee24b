// A chapter's stages worked out from its files: which tests each stage holds, which stub functions
// it asks the learner to write, how many logic lines of the reference stand behind it, and so how
// many minutes it takes. The manifest (harness/course.ts) says only where each stage starts; every
// figure here is computed, so it cannot drift from the code.
//
// Words used below:
// - a *unit* is one top-level declaration of a source file, or one member of a top-level class
//   ("Store.put", "encode", "Store.#index");
// - a *stub function* is a unit whose stub body throws NotImplemented; its *name* is the first
//   argument of that NotImplemented ("Store.put"), its *section* the second ("§ Revisions");
// - *logic lines* are the non-blank lines of a unit in solutions/ that are not comments, imports or
//   a lone closing bracket (`}`, `});`, `]`);
// - a *helper* is a unit of the reference the stub does not have, or has with another body that does
//   not throw NotImplemented (a private method, a constructor, a field): it belongs to the earliest
//   stage of a unit that uses its name.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { folderOf, type Chapter, type Stage } from '../../course.ts';
import { repoRoot } from '../../paths.ts';
import { sectionsOf } from './lesson.ts';
import { readPristine, readPristineFile } from './pristine.ts';

/**
 * The rates the minutes are computed at: the one place an instructor changes them. A newcomer who
 * knows TypeScript writes and debugs about one reference logic line a minute, reads a test and its
 * failure in a minute, and reads the lesson at 200 words a minute.
 */
export const rates = {
  minutesPerLogicLine: 1,
  minutesPerTest: 1,
  wordsPerMinute: 200,
};

/** The most reference logic lines a chapter may ask for per test (the integrity check's bound). */
export const maxLogicLinesPerTest = 15;

/**
 * How long a stage should take: one sitting of 30 to 60 minutes is the aim (`kata stages` marks a
 * stage outside it), and the integrity check refuses one outside 20 to 90, which is no sitting.
 */
export const sitting = { aim: [30, 60], bounds: [20, 90] } as const;

/** One test of a chapter, in the chapter's order. */
export interface ListedTest {
  /** "chapters/01-store/01-revisions.test.ts" */
  file: string;
  /** The top-level describe: the lesson section. */
  section: string;
  /** "Section > test name", through any nested describes: the key of its hint. */
  fullName: string;
  /** 1-based line of the test in its file. */
  line: number;
}

/** A source unit, with what it takes to write it. */
export interface Unit {
  /** "chapters/01-store/store.ts" (the stub's path, the one the learner edits). */
  file: string;
  /** "Store.put", "encode". */
  key: string;
  /** The NotImplemented name, for stub functions. */
  name?: string;
  /** The NotImplemented section heading without "§ ", for stub functions. */
  section?: string;
  logicLines: number;
  /** The identifiers its reference text uses, to find who calls a helper. */
  uses: Set<string>;
  /** 1-based line of the unit in the stub, where the learner writes it (0 when the stub lacks it). */
  stubLine: number;
}

export interface StageFigures {
  /** "01.3" */
  id: string;
  /** Its place in the chapter, counted from 1: 3 for "01.3". */
  number: number;
  title: string;
  tests: ListedTest[];
  /** Sections its tests belong to, in order. */
  sections: string[];
  /** Stub functions it asks for. */
  functions: Unit[];
  /** Helper units it brings along. */
  helpers: Unit[];
  logicLines: number;
  lessonWords: number;
  minutes: number;
}

export interface ChapterFigures {
  chapter: Chapter;
  stages: StageFigures[];
  minutes: number;
  /** Problems found while working it out (a `from` that names no test, ...). */
  problems: string[];
}

// --- Tests, in order ----------------------------------------------------------------------------

function stringArgument(node: ts.Expression | undefined): string | undefined {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) {
    return node.text;
  }
  return undefined;
}

/** `describe`, `test`, `it`, `test.skipIf(x)`, `it.each(...)`... : which kind of block a call opens. */
function blockKind(call: ts.CallExpression): 'describe' | 'test' | undefined {
  let callee: ts.Expression = call.expression;
  while (ts.isCallExpression(callee) || ts.isPropertyAccessExpression(callee)) {
    callee = ts.isCallExpression(callee) ? callee.expression : callee.expression;
  }
  if (!ts.isIdentifier(callee)) return undefined;
  if (callee.text === 'describe') return 'describe';
  if (callee.text === 'test' || callee.text === 'it') return 'test';
  return undefined;
}

/** The tests of one test file, read with the compiler's parser, in the order written. */
export function testsInFile(source: string, file: string): ListedTest[] {
  const parsed = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: ListedTest[] = [];
  const visit = (node: ts.Node, path: string[]) => {
    if (ts.isCallExpression(node)) {
      const kind = blockKind(node);
      const name = stringArgument(node.arguments[0]);
      if (kind && name !== undefined) {
        if (kind === 'test') {
          const line = parsed.getLineAndCharacterOfPosition(node.getStart()).line + 1;
          found.push({ file, section: path[0] ?? '', fullName: [...path, name].join(' > '), line });
          return;
        }
        node.arguments.slice(1).forEach((argument) => visit(argument, [...path, name]));
        return;
      }
    }
    ts.forEachChild(node, (child) => visit(child, path));
  };
  visit(parsed, []);
  return found;
}

function readIfThere(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** A chapter's test files, by name, each with its repository path and its source. */
export function testFilesOf(
  chapter: Chapter,
  root = repoRoot,
): Array<{ file: string; source: string }> {
  const folder = `chapters/${folderOf(chapter)}`;
  const dir = path.join(root, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => ({
      file: `${folder}/${name}`,
      source: readFileSync(path.join(dir, name), 'utf8'),
    }));
}

/** Every test of a chapter: test files by name, tests as written. */
export function testsOf(chapter: Chapter, root = repoRoot): ListedTest[] {
  return testFilesOf(chapter, root).flatMap(({ file, source }) => testsInFile(source, file));
}

// --- Units, stub and reference ------------------------------------------------------------------

/** Whether a line of source counts as a logic line. */
export function isLogicLine(line: string): boolean {
  const text = line.trim();
  if (text === '' || text.startsWith('//') || text.startsWith('/*') || text.startsWith('*')) {
    return false;
  }
  if (/^import\s/.test(text)) return false;
  return !/^[\])}]+[;,)]*$/.test(text);
}

export function logicLines(text: string): number {
  return text.split('\n').filter(isLogicLine).length;
}

/**
 * The named units of a file: top-level declarations, and each member of a top-level class. A
 * statement without a name is keyed by what it is, so that the same statement in the stub and in
 * the reference is one unit: a re-export by its module (`#export from ./a.ts`), anything else by
 * its text.
 */
export function unitsOf(
  source: string,
  file: string,
): Array<{ key: string; node: ts.Node; text: string }> {
  const parsed = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const units: Array<{ key: string; node: ts.Node; text: string }> = [];
  const nameOf = (node: ts.Node): string | undefined => {
    const name = (node as ts.NamedDeclaration).name;
    if (name && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name))) return name.text;
    if (name && (ts.isStringLiteral(name) || ts.isNumericLiteral(name))) return name.text;
    if (name && ts.isComputedPropertyName(name)) return `[${name.expression.getText(parsed)}]`;
    if (ts.isConstructorDeclaration(node)) return 'constructor';
    if (ts.isVariableStatement(node)) {
      return node.declarationList.declarations.map((d) => d.name.getText(parsed)).join(',');
    }
    if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const type = node.isTypeOnly ? 'type ' : '';
      return `#export ${type}from ${(node.moduleSpecifier as ts.StringLiteral).text}`;
    }
    return undefined;
  };
  const byText = (node: ts.Node) => `#${node.getText(parsed).replace(/\s+/g, ' ')}`;
  for (const statement of parsed.statements) {
    if (ts.isImportDeclaration(statement)) continue;
    const name = nameOf(statement);
    if (ts.isClassDeclaration(statement) && name) {
      for (const member of statement.members) {
        const memberName = nameOf(member) ?? byText(member);
        const accessor = ts.isGetAccessor(member) ? 'get ' : ts.isSetAccessor(member) ? 'set ' : '';
        units.push({
          key: `${name}.${accessor}${memberName}`,
          node: member,
          text: member.getText(parsed),
        });
      }
      continue;
    }
    units.push({
      key: name ?? byText(statement),
      node: statement,
      text: statement.getText(parsed),
    });
  }
  return units;
}

/** The constant strings a file declares at top level (`const section = '§ ReplicaSets'`). */
function constantsOf(parsed: ts.SourceFile): Map<string, string> {
  const constants = new Map<string, string>();
  for (const statement of parsed.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const value = stringArgument(declaration.initializer);
      if (ts.isIdentifier(declaration.name) && value !== undefined) {
        constants.set(declaration.name.text, value);
      }
    }
  }
  return constants;
}

/** The NotImplemented a unit throws, if it does: its name and section. */
function notImplementedIn(
  node: ts.Node,
  constants: Map<string, string>,
): { name: string; section: string } | undefined {
  let found: { name: string; section: string } | undefined;
  const value = (argument: ts.Expression | undefined) =>
    stringArgument(argument) ??
    (argument && ts.isIdentifier(argument) ? constants.get(argument.text) : undefined);
  const visit = (child: ts.Node) => {
    if (found) return;
    if (
      ts.isNewExpression(child) &&
      ts.isIdentifier(child.expression) &&
      child.expression.text === 'NotImplemented'
    ) {
      const name = value(child.arguments?.[0]);
      const section = value(child.arguments?.[1]);
      if (name && section) found = { name, section: section.replace(/^§\s*/, '') };
      return;
    }
    ts.forEachChild(child, visit);
  };
  visit(node);
  return found;
}

function identifiersIn(node: ts.Node): Set<string> {
  const names = new Set<string>();
  const visit = (child: ts.Node) => {
    if (ts.isIdentifier(child) || ts.isPrivateIdentifier(child)) names.add(child.text);
    ts.forEachChild(child, visit);
  };
  visit(node);
  return names;
}

/** The class a unit is a member of: "Store" for "Store.put"; undefined for a top-level unit. */
export function classOf(key: string): string | undefined {
  return /^([\p{L}_$][\p{L}\p{N}_$]*)\./u.exec(key)?.[1];
}

/** A member's name without its class: "put" for "Store.put", "get size" for "Store.get size". */
function memberOf(key: string): string {
  const owner = classOf(key);
  return owner ? key.slice(owner.length + 1) : key;
}

/**
 * The short names other code calls a unit by: "put" for "Store.put", "size" for "Store.get size",
 * "encode" for "encode", "a" and "b" for "a,b". A unit without a name is called by none.
 */
function calledAs(key: string): string[] {
  const name = memberOf(key).replace(/^(get|set) /, '');
  return name.startsWith('#') && !/^#[\p{L}_$][\p{L}\p{N}_$]*$/u.test(name) ? [] : name.split(',');
}

/**
 * Whether two keys name the same member written another way: a getter in one file and a field or
 * a method of the same name in the other ("Store.get size", "Store.size").
 */
export function sameMember(a: string, b: string): boolean {
  const owner = classOf(a);
  return (
    owner !== undefined &&
    owner === classOf(b) &&
    calledAs(a).length > 0 &&
    calledAs(a).join() === calledAs(b).join()
  );
}

/**
 * The units the learner writes in one source file: every unit of the reference whose text differs
 * from the stub's, with the stub's NotImplemented name and section where it has one.
 */
export function unitsToWrite(stubSource: string, referenceSource: string, file: string): Unit[] {
  const stubParsed = ts.createSourceFile(file, stubSource, ts.ScriptTarget.Latest, true);
  const constants = constantsOf(stubParsed);
  const stubUnits = new Map(unitsOf(stubSource, file).map((unit) => [unit.key, unit]));
  const lineOf = (node: ts.Node) =>
    stubParsed.getLineAndCharacterOfPosition(node.getStart(stubParsed)).line + 1;
  const units: Unit[] = [];
  const referenceUnits = unitsOf(referenceSource, file);
  const referenceKeys = new Set(referenceUnits.map((unit) => unit.key));
  for (const reference of referenceUnits) {
    // A getter the stub throws from may be a field in the reference: the same unit.
    const stub =
      stubUnits.get(reference.key) ??
      [...stubUnits.values()].find(
        (candidate) =>
          !referenceKeys.has(candidate.key) && sameMember(candidate.key, reference.key),
      );
    if (stub && stub.text === reference.text) continue;
    const thrown = stub ? notImplementedIn(stub.node, constants) : undefined;
    units.push({
      file,
      key: reference.key,
      ...(thrown && { name: thrown.name, section: thrown.section }),
      logicLines: logicLines(reference.text),
      uses: identifiersIn(reference.node),
      stubLine: stub ? lineOf(stub.node) : 0,
    });
  }
  return units;
}

/**
 * The shipped stub of a chapter's source file, as the pristine record has it: the learner's own
 * file has lost the NotImplemented of every function they wrote, and stages are about the stubs.
 * A file the record does not know is read from the working tree (an author's new file).
 */
function shippedStub(file: string, root: string): string {
  const record = readPristine(path.join(root, 'harness', 'pristine.json'));
  const hash = record[file];
  if (hash) return readPristineFile(file, hash, root).toString('utf8');
  return readIfThere(path.join(root, file)) ?? '';
}

/**
 * Every unit the learner writes in a chapter, stub file by stub file. The stubs are the shipped
 * ones, or those in `stubsParent` (an author's check against a folder of stubs).
 */
export function unitsOfChapter(chapter: Chapter, root = repoRoot, stubsParent?: string): Unit[] {
  const folder = folderOf(chapter);
  const referenceDir = path.join(root, 'solutions', folder);
  if (!existsSync(referenceDir)) return [];
  const stubOf = (name: string) =>
    stubsParent
      ? (readIfThere(path.join(stubsParent, folder, name)) ?? '')
      : shippedStub(`chapters/${folder}/${name}`, root);
  return readdirSync(referenceDir)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .sort()
    .flatMap((name) =>
      unitsToWrite(
        stubOf(name),
        readFileSync(path.join(referenceDir, name), 'utf8'),
        `chapters/${folder}/${name}`,
      ),
    );
}

// --- Stages -------------------------------------------------------------------------------------

/** The words of each `##` section of a lesson; the text before the first heading is "". */
export function sectionWords(markdown: string): Map<string, number> {
  const words = new Map<string, number>();
  const headings = sectionsOf(markdown);
  const lines = markdown.split(/\r?\n/);
  const starts = [{ heading: '', line: 0 }, ...headings];
  starts.forEach((section, index) => {
    const end = index + 1 < starts.length ? starts[index + 1]!.line - 1 : lines.length;
    const body = lines.slice(section.line, end).join(' ');
    words.set(section.heading, (body.match(/\S+/g) ?? []).length);
  });
  return words;
}

/** "01.3" */
export function stageId(chapter: Chapter, index: number): string {
  return `${chapter.id}.${index + 1}`;
}

/** Where each manifest stage starts in the chapter's tests, with a problem for each bad `from`. */
function cutPoints(chapter: Chapter, tests: ListedTest[], problems: string[]): number[] {
  const starts = chapter.stages.map((stage, index) => {
    const at = tests.findIndex((test) => test.fullName === stage.from);
    if (at < 0) {
      problems.push(
        `stage ${stageId(chapter, index)} starts at "${stage.from}", which names no test`,
      );
    }
    return at;
  });
  if (chapter.stages.length === 0) problems.push(`chapter ${chapter.id} has no stages`);
  else if (starts[0] !== 0 && starts[0] !== -1) {
    problems.push(
      `stage ${stageId(chapter, 0)} must start at the chapter's first test, "${tests[0]?.fullName}"`,
    );
  }
  starts.forEach((at, index) => {
    if (index > 0 && at >= 0 && at <= starts[index - 1]!) {
      problems.push(`stage ${stageId(chapter, index)} starts at or before the stage before it`);
    }
  });
  return starts;
}

/** Which stage asks for each unit: stub functions by the manifest, helpers by who uses them. */
function stageOfUnits(
  chapter: Chapter,
  units: Unit[],
  stageTests: ListedTest[][],
  problems: string[],
): Map<Unit, number> {
  const stageOf = new Map<Unit, number>();
  const named = new Map<string, number>();
  chapter.stages.forEach((stage: Stage, index) => {
    for (const name of stage.functions ?? []) {
      if (!units.some((unit) => unit.name === name)) {
        problems.push(
          `stage ${stageId(chapter, index)} lists "${name}", which no stub's NotImplemented names`,
        );
      }
      if (named.has(name)) problems.push(`"${name}" is listed by two stages`);
      named.set(name, index);
    }
  });
  for (const unit of units.filter((candidate) => candidate.name)) {
    const covering = stageTests.findIndex((tests) =>
      tests.some((test) => test.section === unit.section),
    );
    const stage = named.get(unit.name!) ?? covering;
    if (stage < 0) {
      problems.push(`${unit.file}: ${unit.name} names § ${unit.section}, which no test covers`);
    }
    stageOf.set(unit, Math.max(stage, 0));
  }
  // Helpers take the earliest stage of any unit that uses them, until nothing moves.
  const helpers = units.filter((unit) => !unit.name);
  const spread = () => {
    for (let moved = true; moved;) {
      moved = false;
      for (const helper of helpers) {
        const names = calledAs(helper.key);
        // A class's own helper (a field, a private method) is used from inside its class.
        const owner = classOf(helper.key);
        for (const [user, stage] of stageOf) {
          if (user === helper || !names.some((name) => user.uses.has(name))) continue;
          if (owner && (user.file !== helper.file || classOf(user.key) !== owner)) continue;
          if (stage < (stageOf.get(helper) ?? Infinity)) {
            stageOf.set(helper, stage);
            moved = true;
          }
        }
      }
    }
  };
  spread();
  // A constructor or field no method names by itself comes with the first stage of its class; any
  // other helper nobody uses, with the first stage of its file. What they use comes with them.
  const earliest = (peers: Unit[]) =>
    Math.min(...peers.map((peer) => stageOf.get(peer) ?? Infinity));
  for (const helper of helpers.filter((unit) => !stageOf.has(unit))) {
    const owner = classOf(helper.key);
    const classmates = units.filter(
      (unit) => owner && unit.file === helper.file && classOf(unit.key) === owner,
    );
    const fromClass = earliest(classmates);
    const fromFile = earliest(units.filter((unit) => unit.file === helper.file));
    const stage = Number.isFinite(fromClass) ? fromClass : fromFile;
    stageOf.set(helper, Number.isFinite(stage) ? stage : 0);
  }
  spread();
  return stageOf;
}

/** The lesson words each stage reads: its sections' words, shared by test count when split. */
function wordsPerStage(
  lesson: string,
  stageTests: ListedTest[][],
  allTests: ListedTest[],
): number[] {
  const words = sectionWords(lesson);
  const perStage = stageTests.map(() => 0);
  const testSections = new Set(allTests.map((test) => test.section));
  for (const [heading, count] of words) {
    if (testSections.has(heading)) {
      const total = allTests.filter((test) => test.section === heading).length;
      stageTests.forEach((tests, index) => {
        perStage[index]! +=
          (count * tests.filter((test) => test.section === heading).length) / total;
      });
    } else if (heading === '' || heading === 'What you will build') {
      perStage[0]! += count;
    } else if (perStage.length) {
      perStage[perStage.length - 1]! += count;
    }
  }
  return perStage.map(Math.round);
}

/** The one function that turns the work behind a stage into minutes, at `rates`. */
export function stageMinutes(work: {
  logicLines: number;
  tests: number;
  lessonWords: number;
}): number {
  return Math.round(
    work.logicLines * rates.minutesPerLogicLine +
      work.tests * rates.minutesPerTest +
      work.lessonWords / rates.wordsPerMinute,
  );
}

/** A chapter's stages with their tests, functions, logic lines and minutes. */
export function chapterFigures(
  chapter: Chapter,
  root = repoRoot,
  stubsParent?: string,
): ChapterFigures {
  const problems: string[] = [];
  const tests = testsOf(chapter, root);
  const starts = cutPoints(chapter, tests, problems);
  const bounds = starts.map((at, index) => [at, starts[index + 1] ?? tests.length] as const);
  const stageTests = bounds.map(([from, to]) => (from < 0 || to < 0 ? [] : tests.slice(from, to)));
  const units = unitsOfChapter(chapter, root, stubsParent);
  // Without stages there is nothing to attribute units to; the missing stages are the problem.
  const stageOf = stageOfUnits(chapter, units, stageTests, chapter.stages.length ? problems : []);
  const lessonFile = path.join(root, 'chapters', folderOf(chapter), 'README.md');
  const words = wordsPerStage(readIfThere(lessonFile) ?? '', stageTests, tests);
  const stages = chapter.stages.map((stage, index): StageFigures => {
    const mine = units.filter((unit) => stageOf.get(unit) === index);
    const logic = mine.reduce((sum, unit) => sum + unit.logicLines, 0);
    const stageTestList = stageTests[index] ?? [];
    return {
      id: stageId(chapter, index),
      number: index + 1,
      title: stage.title,
      tests: stageTestList,
      sections: [...new Set(stageTestList.map((test) => test.section))],
      functions: mine.filter((unit) => unit.name),
      helpers: mine.filter((unit) => !unit.name),
      logicLines: logic,
      lessonWords: words[index] ?? 0,
      minutes: stageMinutes({
        logicLines: logic,
        tests: stageTestList.length,
        lessonWords: words[index] ?? 0,
      }),
    };
  });
  const minutes = stages.reduce((sum, stage) => sum + stage.minutes, 0);
  return { chapter, stages, minutes, problems };
}

/** "1 h 35 min", "40 min". */
export function duration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}
