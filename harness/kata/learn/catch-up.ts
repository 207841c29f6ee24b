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
import { folderOf, type Chapter } from '../../course.ts';
import { repoRoot } from '../../paths.ts';
import { KataError, type Paint } from '../output.ts';
import { listFiles, materialise, readPristine } from '../course/pristine.ts';
import { savePosition } from '../../progress.ts';
import { backUpChapter } from './reset.ts';
import {
  chapterFigures,
  classOf,
  duration,
  sameMember,
  unitsOf,
  type ChapterFigures,
  type Unit,
} from '../course/stages.ts';

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

/** One name an import declaration brings in: `a`, `a as b`, with or without `type`. */
interface ImportedName {
  /** The local name. */
  local: string;
  /** As written between the braces, without `type`: "a", "a as b". */
  text: string;
  /** Imported for its type only, by `import type` or an inline `type`. */
  typeOnly: boolean;
}

/** An import declaration, as parts that can be changed and written back. */
interface ImportModel {
  declaration: ts.ImportDeclaration;
  module: string;
  /** `import type ...` */
  typeOnly: boolean;
  defaultName?: string;
  namespace?: string;
  /** The names between braces; undefined when the declaration has no braces. */
  named?: ImportedName[];
  changed: boolean;
}

function importModel(declaration: ts.ImportDeclaration, source: ts.SourceFile): ImportModel {
  const clause = declaration.importClause;
  const typeOnly = clause?.isTypeOnly ?? false;
  const bindings = clause?.namedBindings;
  return {
    declaration,
    module: (declaration.moduleSpecifier as ts.StringLiteral).text,
    typeOnly,
    defaultName: clause?.name?.text,
    namespace: bindings && ts.isNamespaceImport(bindings) ? bindings.name.text : undefined,
    named:
      bindings && ts.isNamedImports(bindings)
        ? bindings.elements.map((element) => ({
            local: element.name.text,
            text: element.propertyName
              ? `${element.propertyName.getText(source)} as ${element.name.text}`
              : element.name.text,
            typeOnly: typeOnly || element.isTypeOnly,
          }))
        : undefined,
    changed: false,
  };
}

/** The declaration as the model now has it, on one line. */
function writeImport(model: ImportModel, source: ts.SourceFile): string {
  const named = model.named?.map(
    (name) => `${name.typeOnly && !model.typeOnly ? 'type ' : ''}${name.text}`,
  );
  const parts = [
    model.defaultName,
    model.namespace && `* as ${model.namespace}`,
    named && `{ ${named.join(', ')} }`,
  ].filter(Boolean);
  const attributes = model.declaration.attributes?.getText(source);
  const from = model.declaration.moduleSpecifier.getText(source);
  return `import ${model.typeOnly ? 'type ' : ''}${parts.join(', ')} from ${from}${attributes ? ` ${attributes}` : ''};`;
}

/** The learner's imported names: the model each is in, and its entry between braces if any. */
type ImportedNames = Map<string, { model: ImportModel; name?: ImportedName }>;

/** A name the learner imports for its type only becomes a value import. */
function makeValue({ model, name }: { model: ImportModel; name?: ImportedName }): void {
  // `import type { A, B }` becomes `import { A, type B }`: the others stay types.
  model.typeOnly = false;
  if (name) name.typeOnly = false;
  model.changed = true;
}

/**
 * Merges one import declaration of the reference into the learner's: the names the learner lacks
 * go into their import of the same module, or into `added` as new declarations.
 */
function mergeImport(
  declaration: ts.ImportDeclaration,
  reference: ts.SourceFile,
  mine: ImportModel[],
  have: ImportedNames,
  added: string[],
): void {
  const theirs = importModel(declaration, reference);
  if (!declaration.importClause) {
    // A side-effect import: any import of the module already runs it.
    if (!mine.some((own) => own.module === theirs.module)) {
      added.push(declaration.getText(reference));
    }
    return;
  }
  const locals = [
    theirs.defaultName,
    theirs.namespace,
    ...(theirs.named ?? []).map((n) => n.local),
  ];
  if (locals.every((local) => !local || !have.has(local))) {
    added.push(declaration.getText(reference));
    return;
  }
  const type = theirs.typeOnly ? 'type ' : '';
  const mergeable = (own: ImportModel) =>
    own.module === theirs.module && own.typeOnly === theirs.typeOnly && !own.namespace;
  if (theirs.defaultName) {
    const own = have.get(theirs.defaultName);
    if (own && own.model.typeOnly && !theirs.typeOnly) makeValue(own);
    if (!own) {
      const match = mine.find((model) => mergeable(model) && !model.defaultName && !model.typeOnly);
      if (match) {
        match.defaultName = theirs.defaultName;
        match.changed = true;
      } else added.push(`import ${type}${theirs.defaultName} from '${theirs.module}';`);
    }
  }
  if (theirs.namespace) {
    const own = have.get(theirs.namespace);
    if (own && own.model.typeOnly && !theirs.typeOnly) makeValue(own);
    if (!own) added.push(`import ${type}* as ${theirs.namespace} from '${theirs.module}';`);
  }
  const missing: ImportedName[] = [];
  for (const name of theirs.named ?? []) {
    const own = have.get(name.local);
    const ownTypeOnly = own && (own.name ? own.name.typeOnly : own.model.typeOnly);
    if (own && ownTypeOnly && !name.typeOnly) makeValue(own);
    if (!own) missing.push(name);
  }
  if (missing.length === 0) return;
  const match = mine.find(
    (model) => mergeable(model) && (model.named || (!model.typeOnly && model.defaultName)),
  );
  if (match) {
    match.named = [...(match.named ?? []), ...missing];
    match.changed = true;
    for (const name of missing) have.set(name.local, { model: match, name });
  } else {
    const texts = missing.map(
      (name) => `${name.typeOnly && !theirs.typeOnly ? 'type ' : ''}${name.text}`,
    );
    added.push(`import ${type}{ ${texts.join(', ')} } from '${theirs.module}';`);
  }
}

/**
 * Edits that give the learner's file every name the reference imports, as the reference imports
 * it: a missing name is added to the learner's import of the same module where there is one, else
 * in a new import; a name the learner imports for its type only, where the reference needs its
 * value, loses its `type`. A declaration none of whose names the learner has is copied whole.
 */
function importEdits(learner: ts.SourceFile, reference: ts.SourceFile): Edit[] {
  const declarations = learner.statements.filter(ts.isImportDeclaration);
  const mine = declarations.map((declaration) => importModel(declaration, learner));
  const have: ImportedNames = new Map();
  for (const model of mine) {
    if (model.defaultName) have.set(model.defaultName, { model });
    if (model.namespace) have.set(model.namespace, { model });
    for (const name of model.named ?? []) have.set(name.local, { model, name });
  }
  const added: string[] = [];
  for (const declaration of reference.statements.filter(ts.isImportDeclaration)) {
    mergeImport(declaration, reference, mine, have, added);
  }
  const edits: Edit[] = mine
    .filter((model) => model.changed)
    .map((model) => ({
      start: model.declaration.getStart(learner),
      end: model.declaration.getEnd(),
      text: writeImport(model, learner),
    }));
  if (added.length) {
    const last = declarations[declarations.length - 1];
    const at = last ? last.getEnd() : 0;
    edits.push({
      start: at,
      end: at,
      text: last ? `\n${added.join('\n')}` : `${added.join('\n')}\n`,
    });
  }
  return edits;
}

/** The learner's top-level class of that name. */
function classIn(source: ts.SourceFile, name: string): ts.ClassDeclaration | undefined {
  return source.statements.find(
    (statement): statement is ts.ClassDeclaration =>
      ts.isClassDeclaration(statement) && statement.name?.text === name,
  );
}

/**
 * Where to add a unit the learner's file lacks: after the unit before it in the reference, in the
 * same class for a member. A top-level unit (`owner` undefined) whose reference neighbour is a
 * member of a class goes after that class.
 */
function insertionPoint(
  key: string,
  owner: string | undefined,
  referenceKeys: string[],
  learnerUnits: Map<string, ts.Node>,
  learner: ts.SourceFile,
): number {
  for (let i = referenceKeys.indexOf(key) - 1; i >= 0; i -= 1) {
    const previous = referenceKeys[i]!;
    const before = learnerUnits.get(previous);
    if (!before) continue;
    if (classOf(previous) === owner) return before.getEnd();
    if (!owner) return before.parent.getEnd();
  }
  const declaration = owner ? classIn(learner, owner) : undefined;
  if (declaration) return declaration.members.pos;
  const firstNonImport = learner.statements.find((statement) => !ts.isImportDeclaration(statement));
  return firstNonImport ? firstNonImport.getFullStart() : learner.getEnd();
}

/** A class of the reference with only the members named in `take`, for a file that lacks it. */
function classShell(
  declaration: ts.ClassDeclaration,
  owner: string,
  take: Set<string>,
  units: Array<{ key: string; node: ts.Node }>,
  reference: ts.SourceFile,
): string {
  const start = declaration.getFullStart();
  let text = declaration.getFullText(reference);
  const left = units.filter(
    (unit) =>
      unit.node.parent === declaration && classOf(unit.key) === owner && !take.has(unit.key),
  );
  for (const unit of left.reverse()) {
    text = text.slice(0, unit.node.getFullStart() - start) + text.slice(unit.node.getEnd() - start);
  }
  return text;
}

/**
 * The learner's file with the reference's text for the units named in `take`: each replaces the
 * learner's unit of the same key, or is added next to its reference neighbour; imports merged. A
 * member of a class the learner's file lacks comes in that class, with its other members taken.
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
  const learnerList = unitsOf(learnerSource, file);
  const learnerUnits = new Map(learnerList.map((unit) => [unit.key, unit.node]));
  const referenceUnits = unitsOf(referenceSource, file);
  const referenceKeys = referenceUnits.map((unit) => unit.key);
  const edits: Edit[] = importEdits(learner, reference);
  // The learner's members that the reference writes another way (a getter where it has a field).
  const replaced = new Set<ts.Node>();
  const twinsOf = (key: string) =>
    learnerList.filter(
      (unit) =>
        !referenceKeys.includes(unit.key) && !replaced.has(unit.node) && sameMember(unit.key, key),
    );
  const shells = new Set<string>();
  const insert = (at: number, text: string) =>
    edits.push({ start: at, end: at, text: text.startsWith('\n') ? text : `\n${text}` });
  for (const unit of referenceUnits.filter((candidate) => take.has(candidate.key))) {
    // Full texts carry the unit's doc comment and indentation along with it.
    const text = unit.node.getFullText(reference);
    const twins = learnerUnits.has(unit.key) ? [] : twinsOf(unit.key);
    const own = learnerUnits.get(unit.key) ?? twins[0]?.node;
    const owner = classOf(unit.key);
    for (const twin of twins) replaced.add(twin.node);
    // A getter and a setter become one field: the first is replaced, the others go.
    for (const twin of twins.slice(1)) {
      edits.push({ start: twin.node.getFullStart(), end: twin.node.getEnd(), text: '' });
    }
    if (own) {
      edits.push({ start: own.getFullStart(), end: own.getEnd(), text });
    } else if (owner && !classIn(learner, owner)) {
      if (shells.has(owner)) continue;
      shells.add(owner);
      const declaration = unit.node.parent as ts.ClassDeclaration;
      const shell = classShell(declaration, owner, take, referenceUnits, reference);
      insert(insertionPoint(unit.key, undefined, referenceKeys, learnerUnits, learner), shell);
    } else {
      insert(insertionPoint(unit.key, owner, referenceKeys, learnerUnits, learner), text);
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
