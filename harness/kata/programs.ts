// `kata run <component>` and `kata bench [name]`: the programs that live in harness/.
//
// A component (harness/components/<name>.ts) exports `main(argv)`, which resolves with an exit code
// once the program stops; the CLI imports it and hands over the rest of the command line. A
// benchmark (harness/bench/<name>.ts) is a script: each runs in its own Node process, with tsx, so
// one benchmark's heap and timers never colour another's figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { course } from '../course.ts';
import { repoRoot } from '../vitest/target.ts';
import { KataError, UsageError } from './output.ts';

/** The programs in a harness folder: file names without `.ts`, tests left out. */
export function programsIn(folder: string): string[] {
  return readdirSync(path.join(repoRoot, folder))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .map((name) => name.slice(0, -'.ts'.length))
    .sort();
}

type Component = { main?: (argv: string[]) => Promise<number | void> };

/**
 * The components `kata run` starts: the ones the course's chapters provide, in course order. The
 * other files of harness/components/ are their shared support, not programs.
 */
export function componentNames(): string[] {
  return [...new Set(course.flatMap((chapter) => (chapter.component ? [chapter.component] : [])))];
}

export async function runComponent(name: string, argv: string[]): Promise<number> {
  const components = componentNames();
  if (!components.includes(name)) {
    throw new UsageError(`unknown component "${name}"; choose one of ${components.join(', ')}`);
  }
  const file = path.join(repoRoot, 'harness', 'components', `${name}.ts`);
  const component = (await import(pathToFileURL(file).href)) as Component;
  if (typeof component.main !== 'function') {
    throw new KataError(`harness/components/${name}.ts does not export main(argv)`);
  }
  return (await component.main(argv)) ?? 0;
}

export function runBenchmarks(name: string | undefined, argv: string[]): number {
  const benchmarks = programsIn('harness/bench');
  if (name !== undefined && !benchmarks.includes(name)) {
    throw new UsageError(`unknown benchmark "${name}"; choose one of ${benchmarks.join(', ')}`);
  }
  let worst = 0;
  for (const benchmark of name ? [name] : benchmarks) {
    if (!name) console.log(`\n== ${benchmark} ==`);
    const file = path.join(repoRoot, 'harness', 'bench', `${benchmark}.ts`);
    const result = spawnSync(process.execPath, ['--import', 'tsx', file, ...argv], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
    if (result.error) throw new KataError(`could not start ${benchmark}: ${result.error.message}`);
    worst = Math.max(worst, result.status ?? 1);
  }
  return worst;
}
