// `kata trace <resource>/<name>`: what one write set going, as a waterfall. The API server records
// each storage write with its revision and the revision it follows from (./apiserver-spans.ts);
// each component records its requests and the watch events it received, with their revisions
// (./client-spans.ts). From the object's last write that nobody caused (a `kubectl apply`), the
// tree is every write that follows from it, each under the write it follows from, and, for the
// components that only read (kube-proxy, the DNS), the moment each saw a write of the tree. Each
// line names the component (the file its span is in), what it did and when, from the first write.
import type { RecordedSpan } from './otlp.ts';

/** One step of the tree: a write, or a component seeing a write. */
export interface Step {
  /** Milliseconds after the first write. */
  atMs: number;
  durationMs: number;
  /** The component that wrote or saw: "controller-manager", "proxy-node-1", or the user. */
  component: string;
  /** "create replicasets default/hello-5d8f" or "saw endpoints (rev 1204)". */
  what: string;
  revision: number;
  depth: number;
}

/** A storage key's resource and object: "/registry/pods/default/web" → "pods default/web". */
export function describeKey(key: string): string {
  const [resource, ...rest] = key.replace(/^\/registry\//, '').split('/');
  return `${resource} ${rest.join('/')}`;
}

/** The storage key of `resource` `name` (in `namespace` when namespaced). */
export function keyOf(resource: string, namespace: string | undefined, name: string): string {
  return namespace === undefined
    ? `/registry/${resource}/${name}`
    : `/registry/${resource}/${namespace}/${name}`;
}

/** Who sent the request a write span belongs to: the component whose client span is its parent. */
export function writerOf(write: RecordedSpan, byId: Map<string, RecordedSpan>): string {
  let span: RecordedSpan | undefined = write;
  while (span && span.service === write.service && span.parentSpanId) {
    span = byId.get(span.parentSpanId);
  }
  if (span && span.service !== write.service) return span.service;
  const user = write.attributes['enduser.id'];
  const agent = String(write.attributes['user_agent.original'] ?? '').split(/[/ ]/)[0];
  return String(user ?? (agent || write.service));
}

/**
 * The steps that follow from the last uncaused write of `key` (the latest write when every one
 * has a cause), in time order with their depth in the tree; empty when `key` was never written
 * while tracing. At most `limit` steps.
 */
export function traceSteps(spans: RecordedSpan[], key: string, limit = 200): Step[] {
  const writes = spans.filter(
    (span) => span.name === 'storage write' && span.attributes['k8s.revision'] !== undefined,
  );
  const ofKey = writes.filter((span) => span.attributes['k8s.key'] === key);
  const root =
    ofKey.filter((span) => span.attributes['kata.cause.revision'] === undefined).at(-1) ??
    ofKey.at(-1);
  if (!root) return [];
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const byCause = new Map<number, RecordedSpan[]>();
  for (const write of writes) {
    const cause = write.attributes['kata.cause.revision'];
    if (typeof cause === 'number') byCause.set(cause, [...(byCause.get(cause) ?? []), write]);
  }
  const steps: Step[] = [];
  const origin = root.startMs;
  const inTree = new Set<number>();
  const visit = (write: RecordedSpan, depth: number) => {
    if (steps.length >= limit) return;
    const revision = Number(write.attributes['k8s.revision']);
    if (inTree.has(revision)) return;
    inTree.add(revision);
    steps.push({
      atMs: write.startMs - origin,
      durationMs: write.endMs - write.startMs,
      component: writerOf(write, byId),
      what: `${write.attributes['k8s.operation'] ?? 'write'} ${describeKey(String(write.attributes['k8s.key']))}`,
      revision,
      depth,
    });
    for (const next of byCause.get(revision) ?? []) visit(next, depth + 1);
  };
  visit(root, 0);
  steps.push(...readersSeeing(spans, steps, origin));
  return steps.sort((a, b) => a.atMs - b.atMs || a.depth - b.depth);
}

/**
 * The components that wrote nothing in the tree but received a write of it on a watch: when each
 * first saw each such write. (Those that wrote appear by their writes.)
 */
function readersSeeing(spans: RecordedSpan[], steps: Step[], origin: number): Step[] {
  const writers = new Set(steps.map((step) => step.component));
  const depthOf = new Map(steps.map((step) => [step.revision, step.depth]));
  const seen = new Set<string>();
  const readers: Step[] = [];
  for (const span of spans) {
    if (span.name !== 'watch event' || writers.has(span.service)) continue;
    const revision = Number(span.attributes['k8s.revision']);
    const depth = depthOf.get(revision);
    const once = `${span.service} ${revision}`;
    if (depth === undefined || seen.has(once)) continue;
    seen.add(once);
    const event = String(span.attributes['k8s.event.type']).toLowerCase();
    readers.push({
      atMs: span.startMs - origin,
      durationMs: 0,
      component: span.service,
      what: `saw ${span.attributes['k8s.resource']} ${event}`,
      revision,
      depth: depth + 1,
    });
  }
  return readers;
}

/** The steps as text: time, a bar over the whole, the component, what it did and the revision. */
export function renderWaterfall(steps: Step[], width = 30): string {
  if (steps.length === 0) return '';
  const total = Math.max(1, ...steps.map((step) => step.atMs + step.durationMs));
  const component = Math.max(...steps.map((step) => step.component.length));
  return steps
    .map((step) => {
      const from = Math.min(width - 1, Math.floor((step.atMs / total) * width));
      const length = Math.max(1, Math.round((step.durationMs / total) * width));
      const bar = ' '.repeat(from) + '█'.repeat(Math.min(length, width - from));
      const time = `${step.atMs.toFixed(1)} ms`.padStart(10);
      const indent = '  '.repeat(step.depth);
      return `${time} |${bar.padEnd(width)}| ${step.component.padEnd(component)}  ${indent}${step.what} (rev ${step.revision})`;
    })
    .join('\n');
}
