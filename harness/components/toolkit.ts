// The controller toolkit a component runs on: chapter 04's, from the learner's folder or the
// reference, chosen like every other chapter (harness/components/implementation.ts). Components
// receive it; none of them imports chapter 04 directly.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Toolkit } from '../client/types.ts';
import { chapterSource, describeSource, type Use } from './implementation.ts';

/** Loads chapter 04's `toolkit` (its index.ts) and says where it came from. */
export async function loadToolkit(
  use: Use,
  log: (line: string) => void = () => {},
): Promise<Toolkit> {
  const folder = chapterSource('04', use);
  const module = (await import(pathToFileURL(path.join(folder, 'index.ts')).href)) as {
    toolkit: Toolkit;
  };
  log(`chapter 04, the controller toolkit: ${describeSource(folder)}`);
  return module.toolkit;
}
