// `kata history <resource>/<name>`: every revision of one object the store still keeps, who wrote
// it and what changed. The store keeps each version of a key until compaction: a read of the key
// at revision R answers the version current at R, whose modRevision is when it was written, so
// reading at (that modRevision - 1) finds the version before, back to the one that created the key
// (version 1) or to the compacted past. Who wrote each one comes from the API server's spans
// (./apiserver-spans.ts: the storage write of that revision, its user and the component whose
// request it served); the change from the version before is a diff of the objects' fields.
import type { StoreClient } from '../store/client.ts';
import type { RecordedSpan } from './otlp.ts';
import { writerOf } from './waterfall.ts';

/** One stored version of an object. */
export interface Revision {
  revision: number;
  /** The object as stored then (undefined if it is not JSON: sealed by encryption at rest). */
  object?: Record<string, unknown>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The versions of `key` the store keeps, oldest first. Stops at the creating version, or where
 * the store has compacted (a read there is refused).
 */
export async function storedRevisions(store: StoreClient, key: string): Promise<Revision[]> {
  const revisions: Revision[] = [];
  let at: number | undefined;
  for (;;) {
    let answer;
    try {
      answer = await store.range({ key: encoder.encode(key), ...(at ? { revision: at } : {}) });
    } catch (error) {
      if (at !== undefined && /compacted/i.test((error as Error).message)) break;
      throw error;
    }
    const kv = answer.kvs[0];
    if (!kv) break;
    let object: Record<string, unknown> | undefined;
    try {
      object = JSON.parse(decoder.decode(kv.value)) as Record<string, unknown>;
    } catch {
      object = undefined;
    }
    revisions.unshift({ revision: kv.modRevision, object });
    if (kv.version <= 1 || kv.modRevision <= 1) break;
    at = kv.modRevision - 1;
  }
  return revisions;
}

/** Fields that change on every write and say nothing a reader wants to see. */
const NOISE = new Set([
  'metadata.resourceVersion',
  'metadata.managedFields',
  'metadata.generation',
]);

/** Every leaf of an object as "path" → JSON text ("spec.nodeName" → "\"node-1\""). */
function leaves(
  value: unknown,
  prefix = '',
  into = new Map<string, string>(),
): Map<string, string> {
  if (NOISE.has(prefix)) return into;
  if (value !== null && typeof value === 'object' && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value)) {
      const name = Array.isArray(value) ? `${prefix}[${key}]` : prefix ? `${prefix}.${key}` : key;
      leaves(inner, name, into);
    }
  } else if (prefix !== '') {
    into.set(prefix, JSON.stringify(value));
  }
  return into;
}

/** What changed from `before` to `after`: "+ path: value", "- path: value", "~ path: a → b". */
export function diffObjects(before: unknown, after: unknown): string[] {
  const old = leaves(before ?? {});
  const now = leaves(after ?? {});
  const lines: string[] = [];
  for (const [path, value] of now) {
    const was = old.get(path);
    if (was === undefined) lines.push(`+ ${path}: ${value}`);
    else if (was !== value) lines.push(`~ ${path}: ${was} → ${value}`);
  }
  // An empty {} or [] that gained fields is not a removal.
  const grew = (path: string) =>
    [...now.keys()].some((key) => key.startsWith(`${path}.`) || key.startsWith(`${path}[`));
  for (const [path, value] of old) {
    if (!now.has(path) && !grew(path)) lines.push(`- ${path}: ${value}`);
  }
  return lines;
}

/** Who wrote `revision`, from the API server's spans: "scheduler (system:kube-scheduler)". */
export function authorOf(spans: RecordedSpan[], revision: number): string | undefined {
  const write = spans.find(
    (span) => span.name === 'storage write' && span.attributes['k8s.revision'] === revision,
  );
  if (!write) return undefined;
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const component = writerOf(write, byId);
  const user = write.attributes['enduser.id'];
  return user && user !== component ? `${component} (${user})` : component;
}

/** One revision as `kata history` and the dashboard show it: who wrote it and what changed. */
export interface HistoryEntry {
  revision: number;
  author: string;
  /** "(created)", the diff from the revision before, or why it cannot be read. */
  changes: string[];
}

/** Each revision with its author (from the spans) and its diff from the one before. */
export function historyEntries(revisions: Revision[], spans: RecordedSpan[]): HistoryEntry[] {
  return revisions.map((version, index) => ({
    revision: version.revision,
    author: authorOf(spans, version.revision) ?? 'unknown (no trace of this write)',
    changes: !version.object
      ? ['(not readable: encrypted at rest)']
      : index === 0
        ? ['(created)']
        : diffObjects(revisions[index - 1]!.object, version.object),
  }));
}

/** The history as text: each revision, its author and its diff from the one before. */
export function renderHistory(revisions: Revision[], spans: RecordedSpan[]): string {
  return historyEntries(revisions, spans)
    .map(({ revision, author, changes }) =>
      [`revision ${revision}  by ${author}`, ...changes.map((line) => `  ${line}`)].join('\n'),
    )
    .join('\n');
}
