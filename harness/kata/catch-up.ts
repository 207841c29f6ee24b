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
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { folderOf, type Chapter } from '../course.ts';
import { repoRoot } from '../vitest/target.ts';
import { KataError, type Paint } from './output.ts';
import { listFiles, materialise, readPristine } from './pristine.ts';
import { savePosition } from './progress.ts';
import { backUpChapter } from './reset.ts';
import { chapterFigures, duration, unitsOf, type Unit } from './stages.ts';

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

/** Edits that give the learner's file every import the reference has, name by name. */
function importEdits(learner: ts.SourceFile, reference: ts.SourceFile): Edit[] {
  const edits: Edit[] = [];
  const mine = importsOf(learner);
  const added: string[] = [];
  for (const theirs of importsOf(reference)) {
    const match = mine.find(
      (own) => own.module === theirs.module && own.typeOnly === theirs.typeOnly,
    );
    if (match?.named && theirs.named) {
      const have = new Set(match.named.elements.map((element) => element.getText(learner)));
      const missing = theirs.named.elements
        .map((element) => element.getText(reference))
        .filter((text) => !have.has(text));
      if (missing.length) {
        const all = [...have, ...missing].join(', ');
        edits.push({
          start: match.named.getStart(learner),
          end: match.named.getEnd(),
          text: `{ ${all} }`,
        });
      }
    } else if (
      !mine.some(
        (own) => own.declaration.getText(learner) === theirs.declaration.getText(reference),
      )
    ) {
      added.push(theirs.declaration.getText(reference));
    }
  }
  if (added.length) {
    const last = mine[mine.length - 1]?.declaration;
    const at = last ? last.getEnd() : 0;
    edits.push({
      start: at,
      end: at,
      text: `${last ? '\n' : ''}${added.join('\n')}${last ? '' : '\n'}`,
    });
  }
  return edits;
}

/** The class a unit key belongs to, if it is a member: "Store" for "Store.put". */
function classOf(key: string): string | undefined {
  return key.includes('.') ? key.slice(0, key.indexOf('.')) : undefined;
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
    const own = learnerUnits.get(unit.key);
    if (own) {
      edits.push({ start: own.getStart(learner), end: own.getEnd(), text: unit.text });
    } else {
      const at = insertionPoint(unit.key, referenceKeys, learnerUnits, learner);
      edits.push({ start: at, end: at, text: `\n\n${unit.text}` });
    }
  }
  // Apply from the end, so earlier positions stay true; same-place inserts keep reference order.
  const ordered = edits
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => b.edit.start - a.edit.start || b.index - a.index);
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

/** Works out the stages against the shipped stubs (the learner's files would blur them). */
function figuresFromStubs(chapter: Chapter, root: string) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'kata-catch-up-'));
  try {
    materialise(folderOf(chapter), readPristine(root), path.join(scratch, 'chapters'), root);
    return chapterFigures(chapter, root, path.join(scratch, 'chapters'));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function catchUpChapter(
  chapter: Chapter,
  stage: number,
  options: { root?: string; now?: Date; backups?: string } = {},
): CatchUpOutcome {
  const root = options.root ?? repoRoot;
  const folder = folderOf(chapter);
  const figures = figuresFromStubs(chapter, root);
  const earlier = figures.stages.slice(0, stage - 1);
  const units = earlier.flatMap((entry) => [...entry.functions, ...entry.helpers]);
  // Every file is parsed before the backup, so a file that does not parse changes nothing.
  const files = [...new Set(units.map((unit) => unit.file))];
  const sources = new Map(files.map((file) => [file, readFileSync(path.join(root, file), 'utf8')]));
  const spliced = new Map(
    files.map((file) => {
      const keys = new Set(units.filter((unit) => unit.file === file).map((unit) => unit.key));
      const referenceFile = path.join(root, 'solutions', path.relative(`chapters`, file));
      return [
        file,
        spliceReference(sources.get(file)!, readFileSync(referenceFile, 'utf8'), keys, file),
      ];
    }),
  );
  const backup = backUpChapter(folder, listFiles(`chapters/${folder}`, root), { ...options, root });
  for (const [file, text] of spliced) writeFileSync(path.join(root, file), text);
  const taken = new Map(files.map((file) => [file, units.filter((unit) => unit.file === file)]));
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
