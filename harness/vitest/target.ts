// The kata target: one copy of every test, three things it can run against.
//
// A chapter's tests import the chapter's source by relative path (`./store.ts`). With no target set
// those imports mean the learner's files in chapters/NN-slug/. With KATA_TARGET=solutions the same
// imports resolve to solutions/NN-slug/, and with KATA_TARGET set to a directory they resolve to
// <directory>/NN-slug/ (the integrity check puts the pristine stubs there). Test files themselves
// always come from chapters/.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';
import { chaptersDir, repoRoot, solutionsDir } from '../paths.ts';

/** Where a target's chapter folders live: `chapters`, `solutions` or an absolute directory. */
export function targetDir(target: string): string {
  if (target === 'chapters') return chaptersDir;
  if (target === 'solutions') return solutionsDir;
  if (path.isAbsolute(target)) return target;
  throw new Error(
    `KATA_TARGET must be "chapters", "solutions" or an absolute directory, not "${target}"`,
  );
}

export function isTestFile(file: string): boolean {
  return /\.test\.ts$/.test(file);
}

export function kataTarget(target: string = process.env.KATA_TARGET ?? 'chapters'): Plugin {
  const destination = targetDir(target);
  return {
    name: 'kata-target',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (destination === chaptersDir || !importer || !source.startsWith('.')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!resolved) return null;
      const file = resolved.id.split('?')[0]!;
      const relative = path.relative(chaptersDir, file);
      // Only files inside a chapter folder move; tests, and anything outside chapters/, stay put.
      if (relative.startsWith('..') || !relative.includes(path.sep) || isTestFile(file))
        return null;
      const twin = path.join(destination, relative);
      if (!existsSync(twin)) {
        this.error(
          `${path.relative(repoRoot, twin)} does not exist: every chapter file needs a twin there ` +
            `(imported from ${path.relative(repoRoot, importer)})`,
        );
      }
      return twin;
    },
  };
}
