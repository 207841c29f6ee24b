// The component → chapter map is written once, in the manifest (componentChapters in
// harness/course.ts); `kata up`'s banner, `kata components` and the start-failure hints read it.
// Each program here must still name the chapters whose folders it loads (chapterSource): this
// test keeps the two in step, so the map never says a component runs a chapter it does not.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { componentChapters, componentKinds } from '../course.ts';

/** The chapters a program's source picks a folder for: chapterSource('07', ...). */
function chaptersLoaded(kind: string): string[] {
  const source = readFileSync(path.join(import.meta.dirname, `${kind}.ts`), 'utf8');
  const ids = [...source.matchAll(/chapterSource\(\s*'(\d\d[a-z]?)'/g)].map((match) => match[1]!);
  return [...new Set(ids)].sort();
}

describe('The component → chapter map', () => {
  test.each([...componentKinds])('%s loads the chapters the manifest says it runs', (kind) => {
    expect(
      chaptersLoaded(kind),
      `the chapters harness/components/${kind}.ts loads, against componentChapters in the manifest`,
    ).toEqual([...componentChapters[kind]].sort());
  });
});
