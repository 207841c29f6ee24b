// `kata reset NN`: put a chapter back to the stubs it shipped with, without losing anything.
//
// Every file the learner has in the chapter folder is first copied to a backup folder named after
// the chapter and the time, .kata/backups/01-store-2025-01-31-142500/, and each copy is read back
// and compared before a single file in the chapter is touched. Only then are the shipped files
// restored (from the working tree where they still match, else from git) and files the learner
// added removed: their copies are in the backup.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { folderOf, type Chapter } from '../../course.ts';
import { repoRoot } from '../../paths.ts';
import { KataError } from '../output.ts';
import { isPristine, listFiles, readPristine, readPristineFile } from '../course/pristine.ts';
import { forgetChapter, stateDir } from '../../progress.ts';

/** "2025-01-31-142500", in local time: the learner reads it next to their own clock. */
export function stamp(now: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
  return `${date}-${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
}

export interface ResetOutcome {
  /** The backup folder, repository-relative; undefined when there was nothing to reset. */
  backup?: string;
  restored: string[];
  removed: string[];
}

/** Copies `files` (repository-relative) into `backup`, keeping their paths below the chapter. */
function backUp(files: string[], chapterDir: string, backup: string, root: string): void {
  for (const file of files) {
    const copy = path.join(backup, path.relative(chapterDir, file));
    mkdirSync(path.dirname(copy), { recursive: true });
    copyFileSync(path.join(root, file), copy);
    if (!readFileSync(copy).equals(readFileSync(path.join(root, file)))) {
      throw new KataError(
        `backing up ${file} to ${copy} did not give the same bytes; nothing reset`,
      );
    }
  }
}

/** Removes folders left empty below `dir` (a learner's own subfolder, after its files moved). */
function removeEmptyFolders(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const sub = path.join(dir, entry.name);
    removeEmptyFolders(sub);
    if (readdirSync(sub).length === 0) rmdirSync(sub);
  }
}

/**
 * Copies a chapter's files into a fresh backup folder named after the chapter and the time, each
 * copy checked; answers the folder, repository-relative.
 */
export function backUpChapter(
  folder: string,
  files: string[],
  options: { now?: Date; root?: string; backups?: string } = {},
): string {
  const root = options.root ?? repoRoot;
  const backupsDir = options.backups ?? path.join(stateDir, 'backups');
  const name = path.join(backupsDir, `${folder}-${stamp(options.now ?? new Date())}`);
  let backup = name;
  for (let n = 2; existsSync(backup); n += 1) backup = `${name}-${n}`;
  backUp(files, `chapters/${folder}`, backup, root);
  return path.relative(root, backup).split(path.sep).join('/');
}

export function resetChapter(
  chapter: Chapter,
  options: { now?: Date; root?: string; backups?: string; record?: Record<string, string> } = {},
): ResetOutcome {
  const root = options.root ?? repoRoot;
  const folder = folderOf(chapter);
  const chapterDir = `chapters/${folder}`;
  const record = options.record ?? readPristine();
  const shipped = Object.entries(record).filter(([file]) => file.startsWith(`${chapterDir}/`));
  if (shipped.length === 0) {
    throw new KataError(
      `harness/pristine.json has no record of ${chapterDir}: run npm run pristine`,
    );
  }
  if (isPristine(folder, record, root)) return { restored: [], removed: [] };

  // Read every shipped file before changing anything: a blob git lacks stops the reset here.
  const contents = new Map(
    shipped.map(([file, hash]) => [file, readPristineFile(file, hash, root)]),
  );

  const present = listFiles(chapterDir, root);
  const backup = backUpChapter(folder, present, { ...options, root });
  const removed = present.filter((file) => !contents.has(file));
  for (const file of removed) rmSync(path.join(root, file));
  removeEmptyFolders(path.join(root, chapterDir));
  for (const [file, content] of contents) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return {
    backup,
    restored: [...contents.keys()],
    removed,
  };
}

export function reset(chapter: Chapter): number {
  const outcome = resetChapter(chapter);
  const chapterDir = `chapters/${folderOf(chapter)}`;
  if (!outcome.backup) {
    console.log(`${chapterDir} already holds its stubs: nothing to reset.`);
    return 0;
  }
  forgetChapter(chapter.id);
  console.log(`Saved your files of chapter ${chapter.id} to ${outcome.backup}/`);
  console.log(`${chapterDir} is back to its stubs (${outcome.restored.length} files restored).`);
  if (outcome.removed.length) {
    console.log(`Files you had added were moved into the backup: ${outcome.removed.join(', ')}`);
  }
  return 0;
}
