// `kata trace` and `kata history`: what the cluster's components recorded about one object, read
// from the running cluster's data directory (its traces, harness/trace/) and its store.
import path from 'node:path';
import { traceDir } from '../../cluster/arguments.ts';
import { defaultDataDir } from '../../cluster/options.ts';
import { readClusterState } from '../../cluster/state.ts';
import { loadReference } from '../../components/implementation.ts';
import { renderHistory, storedRevisions } from '../../trace/history.ts';
import { readTraceDir } from '../../trace/otlp.ts';
import { keyOf, renderWaterfall, traceSteps } from '../../trace/waterfall.ts';
import { KataError } from '../output.ts';
import { target } from './object-verbs.ts';

type Flags = Record<string, string | boolean | undefined>;

/** The storage key and the data directory a `trace` or `history` command names. */
function objectOf(words: (string | undefined)[], flags: Flags) {
  const { resource, name } = target(words);
  if (!name) throw new KataError(`name the object: ${resource.resource}/NAME`);
  const namespace = resource.namespaced
    ? typeof flags.namespace === 'string'
      ? flags.namespace
      : 'default'
    : undefined;
  const dataDir = path.resolve(
    typeof flags['data-dir'] === 'string' ? flags['data-dir'] : defaultDataDir,
  );
  const shown = `${resource.resource} ${namespace ? `${namespace}/` : ''}${name}`;
  return { key: keyOf(resource.resource, namespace, name), dataDir, shown };
}

/** `kata trace deployment/hello`: the writes that followed from its last write, as a waterfall. */
export function traceObject(words: (string | undefined)[], flags: Flags): number {
  const { key, dataDir, shown } = objectOf(words, flags);
  const spans = readTraceDir(traceDir(dataDir));
  if (spans.length === 0) {
    throw new KataError(
      `no traces in ${traceDir(dataDir)}: start the cluster with \`kata up\` (without --no-tracing)`,
    );
  }
  const steps = traceSteps(spans, key);
  if (steps.length === 0) {
    throw new KataError(`no write of ${shown} was traced since the cluster started`);
  }
  console.log(`what followed from the last write of ${shown} that no component caused:`);
  console.log(renderWaterfall(steps));
  const components = new Set(steps.map((step) => step.component));
  console.log(
    `${steps.length} steps by ${components.size} components: ${[...components].join(', ')}`,
  );
  return 0;
}

/** `kata history pod/web`: every stored revision, who wrote it and what changed. */
export async function historyOfObject(
  words: (string | undefined)[],
  flags: Flags,
): Promise<number> {
  const { key, dataDir, shown } = objectOf(words, flags);
  const state = readClusterState(dataDir);
  if (!state?.store) {
    throw new KataError(`no cluster is running from ${dataDir}: start one with \`kata up\``);
  }
  const { createStoreClient } = await loadReference('02', 'client.ts');
  const store = createStoreClient(state.store);
  try {
    const revisions = await storedRevisions(store, key);
    if (revisions.length === 0) throw new KataError(`the store holds no ${shown}`);
    console.log(`${shown}: ${revisions.length} revisions kept by the store`);
    console.log(renderHistory(revisions, readTraceDir(traceDir(dataDir))));
    return 0;
  } finally {
    await store.close();
  }
}
