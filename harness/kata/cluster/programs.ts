// `kata run <component>` and `kata bench [name]`: the programs that live in harness/.
//
// A component (harness/components/<name>.ts) exports `main(argv)`, which resolves with an exit code
// once the program stops; the CLI imports it and hands over the rest of the command line. A
// benchmark (harness/bench/<name>.ts) is a script: each runs in its own Node process, with tsx, so
// one benchmark's heap and timers never colour another's figures; a signal to `kata bench` is
// passed on to the benchmark running, which ends what it started.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { componentsInCourseOrder } from '../../course.ts';
import { repoRoot } from '../../paths.ts';
import { KataError, UsageError } from '../output.ts';
import { observeClientRequests } from '../../trace/client-spans.ts';
import { startTracing, stopTracing, takeTraceFile } from '../../trace/tracing.ts';

/** The programs in a harness folder: file names without `.ts`, tests left out. */
export function programsIn(folder: string): string[] {
  return readdirSync(path.join(repoRoot, folder))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .map((name) => name.slice(0, -'.ts'.length))
    .sort();
}

type Component = { main?: (argv: string[]) => Promise<number | void> };

export async function runComponent(name: string, argv: string[]): Promise<number> {
  // The components of the manifest, in course order; the other files of harness/components/ are
  // their shared support, not programs.
  // The operator (chapter 17) is a program too, though no part of `kata up`: the learner runs it.
  const components: string[] = [...componentsInCourseOrder(), 'operator'];
  if (!components.includes(name)) {
    throw new UsageError(`unknown component "${name}"; choose one of ${components.join(', ')}`);
  }
  const file = path.join(repoRoot, 'harness', 'components', `${name}.ts`);
  const component = (await import(pathToFileURL(file).href)) as Component;
  if (typeof component.main !== 'function') {
    throw new KataError(`harness/components/${name}.ts does not export main(argv)`);
  }
  // The shared flag --trace-file FILE: this process's spans, as OTLP JSON (harness/trace/).
  const { argv: rest, traceFile } = takeTraceFile(argv);
  if (traceFile) startTracing(path.basename(traceFile, '.json'), traceFile);
  observeClientRequests(name);
  try {
    return (await component.main(rest)) ?? 0;
  } finally {
    await stopTracing();
  }
}

export async function runBenchmarks(name: string | undefined, argv: string[]): Promise<number> {
  const benchmarks = programsIn('harness/bench');
  if (name !== undefined && !benchmarks.includes(name)) {
    throw new UsageError(`unknown benchmark "${name}"; choose one of ${benchmarks.join(', ')}`);
  }
  let worst = 0;
  for (const benchmark of name ? [name] : benchmarks) {
    if (!name) console.log(`\n== ${benchmark} ==`);
    const file = path.join(repoRoot, 'harness', 'bench', `${benchmark}.ts`);
    const code = await runBenchmark(benchmark, file, argv);
    worst = Math.max(worst, code);
    if (code > 128) break;
  }
  return worst;
}

/**
 * Runs one benchmark and resolves with its exit code. A signal to `kata bench` goes on to the
 * benchmark, which ends what it started before it exits (harness/lifetime.ts).
 */
function runBenchmark(benchmark: string, file: string, argv: string[]): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...argv], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of signals) process.on(signal, forward);
  return new Promise((resolve, reject) => {
    child.once('error', (error) =>
      reject(new KataError(`could not start ${benchmark}: ${error.message}`)),
    );
    child.once('exit', (code, signal) => {
      for (const name of signals) process.off(name, forward);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
