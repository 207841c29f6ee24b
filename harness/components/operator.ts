// `npx kata run operator [FILE]`: runs an operator against a cluster, the way one runs an
// operator from a laptop while writing it: with a kubeconfig, outside the cluster. FILE is a
// module exporting runOperator(options) (harness/contracts/apiextensions.ts); without it, chapter
// 17's WebApp operator (webapp.ts) from the learner's folder or the reference, as --use says.
// The kind it works on must be defined first: `kubectl apply -f harness/examples/custom-resources/webapp-crd.yaml`.
//
//   npx kata run operator --kubeconfig .kata/kubeconfig
//   npx kata run operator my-operator.ts --kubeconfig .kata/kubeconfig
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { clientConfigFromFlags } from '../client/kubeconfig.ts';
import type { OperatorModule } from '../contracts/apiextensions.ts';
import { clientFlagKinds, clientFlags, connect, type ClientFlags } from './api-client.ts';
import { parseComponentFlags, UsageError } from './flags.ts';
import { chapterSource, describeSource, loadModule } from './implementation.ts';
import { serveUntilSignal } from './process.ts';
import { loadToolkit } from './toolkit.ts';

const USAGE = `usage: kata run operator [FILE] (--kubeconfig FILE | --master URL)
                                   [--use solutions|mine|auto]`;

export interface OperatorFlags extends ClientFlags {
  /** The operator's module; absent: chapter 17's webapp.ts. */
  file?: string;
}

/** The flags, and the operator's file when the first argument is not a flag. */
export function parseFlags(argv: string[]): OperatorFlags {
  const file = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : undefined;
  const values = parseComponentFlags(file ? argv.slice(1) : argv, clientFlagKinds);
  return { ...clientFlags(values), file };
}

/** Loads the operator's module: FILE, or chapter 17's webapp.ts. */
async function loadOperator(flags: OperatorFlags, log: (line: string) => void) {
  if (flags.file) {
    const file = path.resolve(flags.file);
    const module = (await import(pathToFileURL(file).href)) as Partial<OperatorModule>;
    if (typeof module.runOperator !== 'function') {
      throw new UsageError(`${flags.file} does not export runOperator(options)`);
    }
    log(`the operator: ${flags.file}`);
    return module as OperatorModule;
  }
  const folder = chapterSource('17', flags.use);
  log(`chapter 17, the WebApp operator: ${describeSource(folder)}`);
  return loadModule('17', 'webapp.ts', folder);
}

/** Waits for the API server, then runs the operator until it is closed. */
export async function startOperator(flags: OperatorFlags, log: (line: string) => void) {
  const toolkit = await loadToolkit(flags.use, log);
  const config = clientConfigFromFlags(flags);
  const waiting = { timeoutMs: flags.kubeApiWaitTimeoutMs, log };
  await connect(toolkit, config, 'kata-operator', waiting);
  const operator = await loadOperator(flags, log);
  const running = operator.runOperator({
    toolkit,
    config: { ...config, userAgent: 'kata-operator' },
    log,
  });
  return { close: () => running.stop() };
}

export async function main(argv: string[]): Promise<number> {
  const log = (line: string) => console.log(`kata operator: ${line}`);
  let flags: OperatorFlags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    console.error(`kata operator: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    return await serveUntilSignal('operator', await startOperator(flags, log), log);
  } catch (error) {
    console.error(`kata operator: ${(error as Error).message}`);
    return 1;
  }
}

// Run directly (node --import tsx harness/components/operator.ts ...), not imported.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
