// The shape every chapter must have, checked by `kata check` (step d):
//
// - every chapter folder in chapters/ and solutions/ is in the manifest, and every manifest chapter
//   has both folders;
// - every stub has a solution twin exporting the same names, and the reverse;
// - test files are named NN-section.test.ts and each has one top-level describe, which is a `##`
//   heading of the lesson; the lesson also has the headings every lesson needs;
// - every hint, and every test allowed to pass on the stubs, names a test that exists;
// - the harness reaches solutions/ only through the implementation loader: no other file in
//   harness/ (tests aside) imports from it.
//
// Each function answers with a list of problems, one readable line each; an empty list is a pass.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { folderOf, requiredLessonSections, type Chapter } from '../../course.ts';
import { repoRoot } from '../../paths.ts';
import { lessonPath, sectionsOf } from '../course/lesson.ts';
import { listFiles } from '../course/pristine.ts';
import type { RunResult } from '../course/runner.ts';

function folders(parent: string, root: string): string[] {
  const dir = path.join(root, parent);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

export function folderProblems(course: Chapter[], root = repoRoot): string[] {
  const listed = course.map(folderOf);
  const problems: string[] = [];
  for (const parent of ['chapters', 'solutions']) {
    for (const folder of folders(parent, root)) {
      if (!listed.includes(folder)) {
        problems.push(`${parent}/${folder} is not in the course manifest (harness/course.ts)`);
      }
    }
  }
  for (const folder of listed) {
    if (!existsSync(path.join(root, 'chapters', folder))) {
      problems.push(`chapter ${folder} is in the manifest but chapters/${folder} is missing`);
    }
    if (!existsSync(path.join(root, 'solutions', folder))) {
      problems.push(`chapter ${folder} has no solution: solutions/${folder} is missing`);
    }
  }
  return problems;
}

/** The names a TypeScript module exports, read with the compiler's parser (no type checking). */
export function exportedNames(source: string, fileName = 'module.ts'): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false);
  const names = new Set<string>();
  const isExported = (node: ts.Node) =>
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const isDefault = (node: ts.Node) =>
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
  for (const statement of file.statements) {
    if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause;
      if (!clause) names.add(`* from ${(statement.moduleSpecifier as ts.StringLiteral).text}`);
      else if (ts.isNamedExports(clause)) clause.elements.forEach((e) => names.add(e.name.text));
      else names.add(clause.name.text);
    } else if (ts.isExportAssignment(statement)) {
      names.add('default');
    } else if (isExported(statement)) {
      if (isDefault(statement)) names.add('default');
      else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name)) names.add(declaration.name.text);
        }
      } else {
        const name = (statement as ts.DeclarationStatement).name;
        if (name && ts.isIdentifier(name)) names.add(name.text);
      }
    }
  }
  return [...names].sort();
}

/**
 * Stubs and solutions export the same names. `stubsParent` is where the chapter's stub folder is:
 * chapters/ by default, or the materialised pristine stubs, since a learner's chapters/ holds work
 * in progress rather than stubs.
 */
export function twinProblems(
  chapter: Chapter,
  root = repoRoot,
  stubsParent = path.join(root, 'chapters'),
): string[] {
  const folder = folderOf(chapter);
  const source = (file: string) => file.endsWith('.ts') && !file.endsWith('.test.ts');
  const stubs = listFiles(folder, stubsParent)
    .filter(source)
    .map((file) => `chapters/${file}`);
  const solutions = listFiles(`solutions/${folder}`, root);
  const problems: string[] = [];
  for (const file of solutions.filter((file) => file.endsWith('.test.ts'))) {
    problems.push(`${file}: tests live only in chapters/, never in solutions/`);
  }
  for (const stub of stubs) {
    const twin = `solutions/${stub.slice('chapters/'.length)}`;
    if (!solutions.includes(twin)) {
      problems.push(`${stub} has no solution twin: ${twin} is missing`);
      continue;
    }
    const read = (dir: string, file: string) =>
      exportedNames(readFileSync(path.join(dir, file), 'utf8'), file);
    const stubNames = read(stubsParent, stub.slice('chapters/'.length));
    const twinNames = read(root, twin);
    const missing = stubNames.filter((name) => !twinNames.includes(name));
    const extra = twinNames.filter((name) => !stubNames.includes(name));
    if (missing.length)
      problems.push(`${twin} does not export ${missing.join(', ')} (the stub does)`);
    if (extra.length)
      problems.push(`${stub} does not export ${extra.join(', ')} (the solution does)`);
  }
  for (const twin of solutions.filter(source)) {
    const stub = `chapters/${twin.slice('solutions/'.length)}`;
    if (!stubs.includes(stub)) problems.push(`${twin} has no stub: ${stub} is missing`);
  }
  return problems;
}

/**
 * Test files, lesson and hints agree. `run` is the chapter's run on the solutions: it knows the
 * test files' top-level blocks and every test's full name. The lesson is read from `lessonParent`,
 * like the stubs in twinProblems.
 */
export function lessonProblems(
  chapter: Chapter,
  run: RunResult,
  root = repoRoot,
  lessonParent = path.join(root, 'chapters'),
): string[] {
  const folder = folderOf(chapter);
  const problems: string[] = [];
  const lessonFile = path.join(lessonParent, folder, 'README.md');
  const lesson = existsSync(lessonFile) ? sectionsOf(readFileSync(lessonFile, 'utf8')) : undefined;
  if (!lesson) return [`${lessonPath(folder)} is missing: every chapter has its lesson`];
  const headings = lesson.map((section) => section.heading);
  for (const required of requiredLessonSections) {
    if (!headings.includes(required)) {
      problems.push(
        `${lessonPath(folder)} has no "## ${required}" section (every lesson needs one)`,
      );
    }
  }
  const testFiles = listFiles(`chapters/${folder}`, root).filter((f) => f.endsWith('.test.ts'));
  if (testFiles.length === 0) problems.push(`chapters/${folder} has no tests`);
  for (const file of testFiles) {
    if (!/^\d\d-[a-z0-9-]+\.test\.ts$/.test(path.posix.basename(file))) {
      problems.push(`${file}: test file names start with two digits, like 01-revisions.test.ts`);
    }
    const result = run.files.find((candidate) => candidate.file === file);
    if (!result) {
      problems.push(`${file} did not run on the solutions`);
      continue;
    }
    if (result.error) continue; // already reported as a failure on the solutions
    if (result.topLevelSuites.length !== 1 || result.topLevelTests.length > 0) {
      problems.push(
        `${file} has ${result.topLevelSuites.length} top-level describe blocks and ` +
          `${result.topLevelTests.length} top-level tests; it needs exactly one describe, named after its lesson section`,
      );
    }
    for (const title of result.topLevelSuites) {
      if (!headings.includes(title)) {
        problems.push(
          `${file}: its describe "${title}" is not a "## ${title}" section of ${lessonPath(folder)}`,
        );
      }
    }
  }
  const names = new Set(run.tests.map((test) => test.fullName));
  for (const [what, keys] of [
    ['hint', Object.keys(chapter.hints)],
    ['passOnStubs entry', Object.keys(chapter.passOnStubs ?? {})],
  ] as const) {
    for (const key of keys) {
      if (!names.has(key))
        problems.push(`the ${what} for "${key}" names no test of chapter ${chapter.id}`);
    }
  }
  return problems;
}

/** The one harness file that may import from solutions/: it picks the learner's or the reference. */
export const implementationLoader = 'harness/components/implementation.ts';

/** A module a source file names, and whether only its types are taken. */
export interface ImportedModule {
  specifier: string;
  typeOnly: boolean;
}

/** Every module a source file names: imports, re-exports, `import('…')` and `typeof import('…')`. */
export function importedModules(source: string, fileName = 'module.ts'): ImportedModule[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: ImportedModule[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = node.importClause?.isTypeOnly === true;
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const specifier = (node.moduleSpecifier as ts.StringLiteral).text;
      found.push({ specifier, typeOnly: node.isTypeOnly });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const specifier = (node.argument.literal as ts.StringLiteral).text;
      found.push({ specifier, typeOnly: true });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Files in harness/, tests aside, that import from solutions/ other than through the loader. */
export function solutionImportProblems(root = repoRoot): string[] {
  const problems: string[] = [];
  const sources = listFiles('harness', root).filter(
    (file) => /\.(ts|mts|mjs)$/.test(file) && !file.endsWith('.test.ts'),
  );
  for (const file of sources) {
    if (file === implementationLoader) continue;
    const source = readFileSync(path.join(root, file), 'utf8');
    for (const { specifier } of importedModules(source, file)) {
      if (!specifier.startsWith('.')) continue;
      const target = path.posix.join(path.posix.dirname(file), specifier);
      if (!target.startsWith('solutions/')) continue;
      problems.push(
        `${file} imports ${specifier}: the harness reaches solutions/ only through ` +
          `${implementationLoader} (loadModule, loadReference)`,
      );
    }
  }
  return problems;
}
