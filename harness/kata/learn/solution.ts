// `kata solution NN`: where the reference for a chapter lives, and how the learner's files differ
// from it. Looking is the learner's choice, but an easy one to regret, so for a chapter that is not
// done yet the CLI asks first; --yes answers for them, and without a terminal to ask on (a script,
// a pipe) it refuses rather than guess.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { folderOf, type Chapter } from '../../course.ts';
import { repoRoot } from '../../paths.ts';
import { KataError, UsageError } from '../output.ts';
import { listFiles } from '../course/pristine.ts';
import { loadProgress } from '../../progress.ts';

async function ask(question: string): Promise<boolean> {
  const readline = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await readline.question(question)).trim());
  } finally {
    readline.close();
  }
}

/** A unified diff of two files, by git (which knows how, and is needed for the stubs anyway). */
function unifiedDiff(yours: string, reference: string, colour: boolean): string {
  const result = spawnSync(
    'git',
    ['diff', '--no-index', `--color=${colour ? 'always' : 'never'}`, '--', yours, reference],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  if (result.error) throw new KataError(`git is needed to show the diff: ${result.error.message}`);
  // git diff exits 1 when the files differ, which is the interesting case, not an error.
  if (result.status !== 0 && result.status !== 1) throw new KataError(result.stderr.trim());
  return result.stdout;
}

export async function solution(
  chapter: Chapter,
  options: { yes: boolean; colour: boolean },
): Promise<number> {
  const folder = folderOf(chapter);
  const done = loadProgress()[chapter.id]?.done === true;
  if (!done && !options.yes) {
    if (!process.stdin.isTTY) {
      throw new UsageError(
        `chapter ${chapter.id} is not done yet; to see its solution anyway, pass --yes: npx kata solution ${chapter.id} --yes`,
      );
    }
    if (!(await ask(`Reveal the solution to chapter ${chapter.id}? [y/N] `))) {
      console.log('Not revealed. npx kata hint shows the next step instead.');
      return 0;
    }
  }
  const reference = listFiles(`solutions/${folder}`);
  if (reference.length === 0) throw new KataError(`solutions/${folder} is missing`);
  console.log(`The reference for chapter ${chapter.id} is in solutions/${folder}/:`);
  for (const file of reference) console.log(`  ${file}`);
  console.log('');
  let differing = 0;
  for (const file of reference) {
    const yours = `chapters/${file.slice('solutions/'.length)}`;
    if (!existsSync(path.join(repoRoot, yours))) {
      console.log(`(you have no ${yours})\n`);
      differing += 1;
      continue;
    }
    const diff = unifiedDiff(yours, file, options.colour);
    if (diff) {
      differing += 1;
      process.stdout.write(`${diff}\n`);
    }
  }
  console.log(
    differing
      ? `${differing} of ${reference.length} files differ from the reference ('-' yours, '+' the reference).`
      : `Your files are the same as the reference.`,
  );
  return 0;
}
