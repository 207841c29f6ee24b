// `kata catch-up NN.S`: fills in the reference for every stage of a chapter before S, and keeps the
// learner's own code for S on, so a room (or a learner who got stuck) can start a stage with the
// ones before it working. The learner's files are backed up first, as `kata reset` does.
//
// The surgery is done on units (see stages.ts): a stage's stub functions, and the helpers its
// reference needs (private methods, fields, a constructor, module-level functions). Each unit of an
// earlier stage replaces the learner's unit of the same name, or is added where the reference has
// it; the learner's other units are left as they are. Imports are merged, name by name, so the
// code taken from the reference finds what it uses. Files are read with the TypeScript compiler's
// parser, never with text patterns.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { folderOf, type Chapter } from '../course.ts';
import { repoRoot } from '../vitest/target.ts';
import { KataError, type Paint } from './output.ts';
import { listFiles, materialise, readPristine } from './pristine.ts';
import { savePosition } from './progress.ts';
import { backUpChapter } from './reset.ts';
import {
  chapterFigures,
  classOf,
  duration,
  unitsOf,
  type ChapterFigures,
  type Unit,
} from './stages.ts';

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Throws a one-line KataError when a learner's file does not parse: surgery needs a sound tree. */
function mustParse(source: string, file: string): void {
  const result = ts.transpileModule(source, { fileName: file, reportDiagnostics: true });
  const error = result.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (!error) return;
  const line =
    error.file && error.start !== undefined
      ? error.file.getLineAndCharacterOfPosition(error.start).line + 1
      : 0;
  const message = ts.flattenDiagnosticMessageText(error.messageText, ' ');
  throw new KataError(
    `${file}:${line} does not parse (${message}); fix it first, or start the chapter over with kata reset`,
  );
}

/** The import declarations of a file, by module and by whether they import types only. */
function importsOf(source: ts.SourceFile) {
  return source.statements.filter(ts.isImportDeclaration).map((declaration) => ({
    declaration,
    module: (declaration.moduleSpecifier as ts.StringLiteral).text,
    typeOnly: declaration.importClause?.isTypeOnly ?? false,
    named:
      declaration.importClause?.namedBindings &&
      ts.isNamedImports(declaration.importClause.namedBindings)
        ? declaration.importClause.namedBindings
        : undefined,
  }));
}

/** The local names a file imports, whatever the declaration. */
function importedNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const { declaration, named } of importsOf(source)) {
    const clause = declaration.importClause;
    if (clause?.name) names.add(clause.name.text);
    if (clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings)) {
      names.add(clause.namedBindings.name.text);
    }
    for (const element of named?.elements ?? []) names.add(element.name.text);
  }
  return names;
}

/** The local names a file imports as values (not `import type`, not `type X`). */
function valueNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const { declaration, named, typeOnly } of importsOf(source)) {
    if (typeOnly) continue;
    const clause = declaration.importClause;
    if (clause?.name) names.add(clause.name.text);
    if (clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings)) {
      names.add(clause.namedBindings.name.text);
    }
    for (const element of named?.elements ?? []) {
      if (!element.isTypeOnly) names.add(element.name.text);
    }
  }
  return names;
}

/** An import specifier without its `type`: "X", "X as Y". */
function specifierText(element: ts.ImportSpecifier): string {
  const imported = element.propertyName ? `${element.propertyName.getText()} as ` : '';
  return `${imported}${element.name.text}`;
}

/**
 * Edits that give the learner's file every name the reference imports: added to the learner's
 * import of the same module where there is one, else as a new import of just the missing names.
 * A name the learner imports as a type only and the reference uses as a value becomes a value
 * import (`import type http` becomes `import http`).
 */
function importEdits(learner: ts.SourceFile, reference: ts.SourceFile): Edit[] {
  const edits: Edit[] = [];
  const mine = importsOf(learner);
  const have = importedNames(learner);
  const values = valueNames(reference);
  const additions = new Map<ts.ImportDeclaration, string[]>();
  const added: string[] = [];
  for (const theirs of importsOf(reference)) {
    const clause = theirs.declaration.importClause;
    if (!theirs.named) {
      const local =
        clause?.name?.text ?? (clause?.namedBindings as ts.NamespaceImport | undefined)?.name.text;
      if (!local || !have.has(local)) added.push(theirs.declaration.getText(reference));
      continue;
    }
    const missing = theirs.named.elements.filter((element) => !have.has(element.name.text));
    if (missing.length === 0) continue;
    const texts = missing.map((element) =>
      theirs.typeOnly ? `type ${specifierText(element)}` : element.getText(reference),
    );
    const match = mine.find((own) => own.module === theirs.module && own.named);
    if (match)
      additions.set(match.declaration, [...(additions.get(match.declaration) ?? []), ...texts]);
    else added.push(`import { ${texts.join(', ')} } from '${theirs.module}';`);
  }
  for (const own of mine) {
    const extra = additions.get(own.declaration) ?? [];
    const clause = own.declaration.importClause;
    const upgrade = (name: string) => values.has(name);
    if (own.typeOnly && clause?.name && !own.named && upgrade(clause.name.text)) {
      const text = own.declaration.getText(learner).replace(/^import\s+type\s+/, 'import ');
      edits.push({ start: own.declaration.getStart(learner), end: own.declaration.getEnd(), text });
      continue;
    }
    if (!own.named) continue;
    const changes = own.named.elements.some(
      (element) => (own.typeOnly || element.isTypeOnly) && upgrade(element.name.text),
    );
    if (!changes && extra.length === 0) continue;
    const elements = own.named.elements.map((element) =>
      (own.typeOnly || element.isTypeOnly) && upgrade(element.name.text)
        ? specifierText(element)
        : own.typeOnly || element.isTypeOnly
          ? `type ${specifierText(element)}`
          : element.getText(learner),
    );
    const defaultName = clause?.name ? `${clause.name.text}, ` : '';
    const text = `import ${defaultName}{ ${[...elements, ...extra].join(', ')} } from '${own.module}';`;
    edits.push({ start: own.declaration.getStart(learner), end: own.declaration.getEnd(), text });
  }
  if (added.length) {
    const last = mine[mine.length - 1]?.declaration;
    const at = last ? last.getEnd() : 0;
    edits.push({
      start: at,
      end: at,
      text: last ? `\n${added.join('\n')}` : `${added.join('\n')}\n`,
    });
  }
  return edits;
}

/** Where to add a unit the learner's file lacks: after the unit before it in the reference. */
function insertionPoint(
  key: string,
  referenceKeys: string[],
  learnerUnits: Map<string, ts.Node>,
  learner: ts.SourceFile,
): number {
  const owner = classOf(key);
  for (let i = referenceKeys.indexOf(key) - 1; i >= 0; i -= 1) {
    const before = learnerUnits.get(referenceKeys[i]!);
    if (before && classOf(referenceKeys[i]!) === owner) return before.getEnd();
  }
  if (owner) {
    const declaration = learner.statements.find(
      (statement) => ts.isClassDeclaration(statement) && statement.name?.text === owner,
    ) as ts.ClassDeclaration | undefined;
    if (declaration) return declaration.members.pos;
  }
  const firstNonImport = learner.statements.find((statement) => !ts.isImportDeclaration(statement));
  return firstNonImport ? firstNonImport.getFullStart() : learner.getEnd();
}

/**
 * The learner's file with the reference's text for the units named in `take`: each replaces the
 * learner's unit of the same key, or is added next to its reference neighbour; imports merged.
 */
export function spliceReference(
  learnerSource: string,
  referenceSource: string,
  take: Set<string>,
  file: string,
): string {
  mustParse(learnerSource, file);
  const learner = ts.createSourceFile(file, learnerSource, ts.ScriptTarget.Latest, true);
  const reference = ts.createSourceFile(file, referenceSource, ts.ScriptTarget.Latest, true);
  const learnerUnits = new Map(unitsOf(learnerSource, file).map((unit) => [unit.key, unit.node]));
  const referenceUnits = unitsOf(referenceSource, file);
  const referenceKeys = referenceUnits.map((unit) => unit.key);
  const edits: Edit[] = importEdits(learner, reference);
  for (const unit of referenceUnits.filter((candidate) => take.has(candidate.key))) {
    // Full texts carry the unit's doc comment and indentation along with it.
    const text = unit.node.getFullText(reference);
    const own = learnerUnits.get(unit.key);
    if (own) {
      edits.push({ start: own.getFullStart(), end: own.getEnd(), text });
    } else {
      const at = insertionPoint(unit.key, referenceKeys, learnerUnits, learner);
      edits.push({ start: at, end: at, text: text.startsWith('\n') ? text : `\n${text}` });
    }
  }
  // Apply from the end, so earlier positions stay true. At one place, a replacement goes first and
  // inserts then stand before it, in reference order.
  const ordered = edits
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => b.edit.start - a.edit.start || b.edit.end - a.edit.end || b.index - a.index);
  let text = learnerSource;
  for (const { edit } of ordered)
    text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  return text;
}

export interface CatchUpOutcome {
  backup: string;
  /** The units taken from the reference, per file. */
  taken: Map<string, Unit[]>;
  /** The stub functions left as the learner had them. */
  kept: Unit[];
}

/** The units of a chapter's stages before `stage` (counted from 1), by file. */
function unitsBefore(figures: ChapterFigures, stage: number): Map<string, Unit[]> {
  const units = figures.stages
    .slice(0, stage - 1)
    .flatMap((entry) => [...entry.functions, ...entry.helpers]);
  const files = [...new Set(units.map((unit) => unit.file))];
  return new Map(files.map((file) => [file, units.filter((unit) => unit.file === file)]));
}

/** The reference's text of a stub file under chapters/. */
function referenceOf(file: string, root: string): string {
  return readFileSync(path.join(root, 'solutions', path.relative('chapters', file)), 'utf8');
}

/**
 * Writes the shipped stubs of a chapter into `<into>/<folder>/` as catch-up would leave them for
 * `stage`: the reference for every stage before it. The integrity check runs each stage's tests
 * against this, so a stage that needs a function a later stage lists is found by the author.
 */
export function writeCaughtUpStubs(chapter: Chapter, stage: number, into: string, root = repoRoot) {
  const folder = folderOf(chapter);
  materialise(folder, readPristine(path.join(root, 'harness', 'pristine.json')), into, root);
  for (const [file, units] of unitsBefore(chapterFigures(chapter, root), stage)) {
    const target = path.join(into, folder, path.basename(file));
    const keys = new Set(units.map((unit) => unit.key));
    writeFileSync(
      target,
      spliceReference(readFileSync(target, 'utf8'), referenceOf(file, root), keys, file),
    );
  }
}

export function catchUpChapter(
  chapter: Chapter,
  stage: number,
  options: { root?: string; now?: Date; backups?: string } = {},
): CatchUpOutcome {
  const root = options.root ?? repoRoot;
  const folder = folderOf(chapter);
  const figures = chapterFigures(chapter, root);
  const taken = unitsBefore(figures, stage);
  // Every file is spliced before the backup, so a file that does not parse changes nothing.
  const spliced = new Map(
    [...taken].map(([file, units]) => {
      const keys = new Set(units.map((unit) => unit.key));
      const learner = readFileSync(path.join(root, file), 'utf8');
      return [file, spliceReference(learner, referenceOf(file, root), keys, file)];
    }),
  );
  const backup = backUpChapter(folder, listFiles(`chapters/${folder}`, root), { ...options, root });
  for (const [file, text] of spliced) writeFileSync(path.join(root, file), text);
  const kept = figures.stages.slice(stage - 1).flatMap((entry) => entry.functions);
  return { backup, taken, kept };
}

export function catchUp(chapter: Chapter, stage: number, colour: Paint): number {
  const outcome = catchUpChapter(chapter, stage);
  const id = `${chapter.id}.${stage}`;
  savePosition({ chapter: chapter.id, stage });
  console.log(`Saved your files of chapter ${chapter.id} to ${outcome.backup}/`);
  if (outcome.taken.size === 0) {
    console.log(`${id} is the chapter's first stage: there was nothing before it to fill in.`);
  }
  for (const [file, units] of outcome.taken) {
    const names = units.filter((unit) => unit.name).map((unit) => unit.name);
    const helpers = units.length - names.length;
    const extra = helpers ? ` and ${helpers} helper${helpers === 1 ? '' : 's'}` : '';
    console.log(
      `  ${file}: the reference's ${names.join(', ') || 'helpers'}${names.length ? extra : ''}`,
    );
  }
  const figures = chapterFigures(chapter);
  const next = figures.stages[stage - 1]!;
  console.log(
    `Your code for ${id} on is as you left it. You are now at ${colour.bold(`stage ${id} ${next.title}`)} ` +
      `(${duration(next.minutes)}): npx kata test ${id}`,
  );
  return 0;
}
