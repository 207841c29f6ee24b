// The pristine stubs: every file under chapters/ as the course ships it.
//
// harness/pristine.json records, for each of those files, its git *blob hash*: the SHA-1 of
// "blob <length>\0<content>", the name git itself gives that content. The hash can be computed
// without git, so comparing a working tree with the record is cheap; and because git keeps every
// blob it has seen, the shipped content can be read back with `git cat-file blob <hash>` even after
// a learner has edited and committed over it. That is how `kata reset` restores a chapter and how
// the integrity check finds the stubs in a learner's clone.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../paths.ts';
import { KataError, plural } from '../output.ts';

export const pristineFile = path.join(repoRoot, 'harness', 'pristine.json');

/** The record: repository-relative path ("chapters/01-store/store.ts") → blob hash. */
export type PristineRecord = Record<string, string>;

/**
 * The blob hash git gives `content`. Windows line endings count as Unix ones, as git stores them
 * with core.autocrlf, so a checkout on Windows still matches the record.
 */
export function blobHash(content: Buffer): string {
  const stored = content.includes(13)
    ? Buffer.from(content.toString('latin1').replace(/\r\n/g, '\n'), 'latin1')
    : content;
  return createHash('sha1').update(`blob ${stored.length}\0`).update(stored).digest('hex');
}

/**
 * Every file under `folder` (repository-relative, forward slashes), sorted. Dotfiles such as an
 * editor's swap file or .DS_Store are not course files.
 */
export function listFiles(folder: string, root: string = repoRoot): string[] {
  const absolute = path.join(root, folder);
  if (!existsSync(absolute)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(absolute, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const relative = `${folder}/${entry.name}`;
    if (entry.isDirectory()) found.push(...listFiles(relative, root));
    else if (entry.isFile()) found.push(relative);
  }
  return found.sort();
}

/** Hashes the working tree's files under `folder`. */
export function hashTree(folder: string, root: string = repoRoot): PristineRecord {
  const record: PristineRecord = {};
  for (const file of listFiles(folder, root)) {
    record[file] = blobHash(readFileSync(path.join(root, file)));
  }
  return record;
}

interface PristineJson {
  about: string;
  files: PristineRecord;
}

export function readPristine(file: string = pristineFile): PristineRecord {
  if (!existsSync(file)) return {};
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as PristineJson;
    return json.files ?? {};
  } catch (error) {
    throw new KataError(
      `${path.relative(repoRoot, file)} is not valid JSON (${(error as Error).message}): run npm run pristine`,
    );
  }
}

/** Records the working tree's chapters/ as the pristine stubs (`kata pristine --update`). */
export function writePristine(
  root: string = repoRoot,
  file: string = pristineFile,
): PristineRecord {
  const json: PristineJson = {
    about:
      'The git blob hash of every file under chapters/ as the course ships it. Written by `npm run pristine`; do not edit.',
    files: hashTree('chapters', root),
  };
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  return json.files;
}

/** How a working tree differs from the record, file by file. */
export interface Drift {
  changed: string[];
  added: string[];
  missing: string[];
}

export function drift(record: PristineRecord, tree: PristineRecord, folder = 'chapters/'): Drift {
  const inFolder = (file: string) => file.startsWith(folder);
  const recorded = Object.keys(record).filter(inFolder);
  const present = Object.keys(tree).filter(inFolder);
  return {
    changed: recorded.filter((file) => file in tree && tree[file] !== record[file]),
    added: present.filter((file) => !(file in record)),
    missing: recorded.filter((file) => !(file in tree)),
  };
}

export function driftCount(difference: Drift): number {
  return difference.changed.length + difference.added.length + difference.missing.length;
}

/** A chapter is "not started" while its folder holds exactly the recorded files. */
export function isPristine(folder: string, record: PristineRecord, root = repoRoot): boolean {
  const prefix = `chapters/${folder}/`;
  if (!Object.keys(record).some((file) => file.startsWith(prefix))) return false;
  return driftCount(drift(record, hashTree(`chapters/${folder}`, root), prefix)) === 0;
}

/**
 * The shipped content of one file: from the working tree when it still matches the record (no git
 * needed), otherwise from git's object store.
 */
export function readPristineFile(file: string, hash: string, root = repoRoot): Buffer {
  const working = path.join(root, file);
  if (existsSync(working)) {
    const content = readFileSync(working);
    if (blobHash(content) === hash) return content;
  }
  try {
    return execFileSync('git', ['cat-file', 'blob', hash], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    throw new KataError(
      `cannot read the shipped ${file}: git has no blob ${hash.slice(0, 12)} (run npm run pristine if you changed the stubs)`,
    );
  }
}

/**
 * Writes a chapter's shipped source files (not its tests, which always run from chapters/) into
 * `<into>/<folder>/`, for the integrity check to run the tests against.
 *
 * The stubs import `../../harness/...`, written for chapters/NN-slug/, two levels below the
 * repository. `<into>/<folder>` sits three levels down in .kata/pristine/, so `<into>/..` gets
 * links named `harness` and `solutions` that point back at the real folders.
 */
export function materialise(folder: string, record: PristineRecord, into: string, root = repoRoot) {
  const destination = path.join(into, folder);
  rmSync(destination, { recursive: true, force: true });
  const prefix = `chapters/${folder}/`;
  for (const [file, hash] of Object.entries(record)) {
    if (!file.startsWith(prefix) || file.endsWith('.test.ts')) continue;
    const target = path.join(destination, file.slice(prefix.length));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, readPristineFile(file, hash, root));
  }
  for (const shared of ['harness', 'solutions']) {
    const link = path.join(into, '..', shared);
    if (lstatSync(link, { throwIfNoEntry: false })) continue;
    try {
      symlinkSync(path.join(root, shared), link, 'junction');
    } catch (error) {
      // Another check running at the same time made the same link first: that is fine.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * `kata pristine`: whether chapters/ still matches the record, file by file; with --update
 * (`npm run pristine`), records chapters/ as it is now.
 */
export function comparePristine(update: boolean): number {
  const before = readPristine();
  const difference = drift(before, hashTree('chapters'));
  if (update) {
    const files = writePristine();
    const changed = driftCount(difference);
    console.log(
      `Recorded ${plural(Object.keys(files).length, 'file')} of chapters/ in harness/pristine.json` +
        (changed
          ? ` (${plural(changed, 'file')} changed since the last record).`
          : ' (no change).'),
    );
    return 0;
  }
  if (driftCount(difference) === 0) {
    console.log('harness/pristine.json matches chapters/.');
    return 0;
  }
  for (const file of difference.changed) console.log(`  changed: ${file}`);
  for (const file of difference.added) console.log(`  not recorded: ${file}`);
  for (const file of difference.missing) console.log(`  missing: ${file}`);
  console.log(
    'chapters/ differs from harness/pristine.json; authors record it with npm run pristine.',
  );
  return 1;
}
