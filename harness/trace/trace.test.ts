// The pure parts of tracing: the traceparent header, OTLP JSON written and read back, what a
// write follows from, the waterfall's tree and an object's history as diffs. No cluster, no timers.
import { describe, expect, it } from 'vitest';
import { TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { causeOf, WriteLog } from './apiserver-spans.ts';
import { resourceOfPath, watchEventOf } from './client-spans.ts';
import { diffObjects, renderHistory } from './history.ts';
import { otlpRequest, parseOtlpLines, type RecordedSpan } from './otlp.ts';
import { formatTraceparent, parseTraceparent, takeTraceFile } from './tracing.ts';
import { keyOf, renderWaterfall, traceSteps } from './waterfall.ts';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const spanId = '00f067aa0ba902b7';

describe('the traceparent header', () => {
  it('reads what it writes, and ignores a malformed or all-zero one as W3C says', () => {
    const header = formatTraceparent({ traceId, spanId, traceFlags: TraceFlags.SAMPLED });
    expect(header, 'formatting a sampled span context').toBe(`00-${traceId}-${spanId}-01`);
    expect(parseTraceparent(header)?.spanId, `parsing ${header}`).toBe(spanId);
    for (const bad of [
      '00-xyz',
      `00-${'0'.repeat(32)}-${spanId}-01`,
      `ff-${traceId}-${spanId}-01`,
    ]) {
      expect(parseTraceparent(bad), `parsing the invalid header ${bad}`).toBeUndefined();
    }
  });

  it('takes --trace-file out of a command line, in either spelling', () => {
    const spaced = takeTraceFile(['--kubeconfig', 'k', '--trace-file', '/t/a.json']);
    expect(spaced, 'taking "--trace-file FILE"').toEqual({
      argv: ['--kubeconfig', 'k'],
      traceFile: '/t/a.json',
    });
    expect(takeTraceFile(['--trace-file=/t/b.json']).traceFile, 'taking --trace-file=FILE').toBe(
      '/t/b.json',
    );
  });
});

describe('what a client span names', () => {
  it('finds the resource of an API path and the revision of a watch event line', () => {
    expect(resourceOfPath('/api/v1/namespaces/d/pods/web/status'), 'a pod status path').toBe(
      'pods/status',
    );
    expect(resourceOfPath('/apis/apps/v1/deployments?watch=true'), 'a deployments watch').toBe(
      'deployments',
    );
    expect(resourceOfPath('/healthz'), 'a path that is no resource').toBeUndefined();
    const line = '{"type":"MODIFIED","object":{"metadata":{"name":"a","resourceVersion":"42"}}}';
    expect(watchEventOf(line), 'a MODIFIED event at 42').toEqual({
      type: 'MODIFIED',
      revision: 42,
    });
    expect(watchEventOf('{"type":"BOOKMARK","object":{}}'), 'a bookmark').toBeUndefined();
  });
});

/** A finished span as the SDK hands it to an exporter, with only what otlpRequest reads. */
function readable(name: string, attributes: Record<string, string | number>): ReadableSpan {
  return {
    name,
    kind: 0,
    spanContext: () => ({ traceId, spanId, traceFlags: 1 }),
    parentSpanContext: { traceId, spanId: 'aaaaaaaaaaaaaaaa', traceFlags: 1 },
    startTime: [1_700_000_000, 5_000_000],
    endTime: [1_700_000_000, 7_500_000],
    attributes,
    links: [],
    status: { code: 0 },
  } as unknown as ReadableSpan;
}

describe('OTLP JSON', () => {
  it('reads back the spans it wrote, with their times in milliseconds and typed attributes', () => {
    const line = JSON.stringify(
      otlpRequest('scheduler', [readable('PUT pods', { 'k8s.revision': 7 })]),
    );
    const [span] = parseOtlpLines(`${line}\n{torn`);
    expect(span, 'the one span of a line and a torn line').toMatchObject({
      service: 'scheduler',
      name: 'PUT pods',
      parentSpanId: 'aaaaaaaaaaaaaaaa',
      startMs: 1_700_000_000_005,
      endMs: 1_700_000_000_007.5,
      attributes: { 'k8s.revision': 7 },
    });
  });
});

describe('what a write follows from', () => {
  const log = new WriteLog();
  const write = (revision: number, key: string, uid: string) =>
    log.record(revision, { key, span: { traceId, spanId, traceFlags: 1 } }, uid);
  write(10, '/registry/deployments/d/hello', 'deploy-uid');
  write(12, '/registry/pods/d/web', 'pod-uid');

  it('a create follows from its owner, an update from the revision it read', () => {
    const owned = { metadata: { ownerReferences: [{ uid: 'deploy-uid' }] } };
    expect(
      causeOf(log, '/registry/replicasets/d/h', owned, undefined, true),
      'an owned create',
    ).toBe(10);
    expect(causeOf(log, '/registry/pods/d/web', {}, 12, false), 'an update guarded at 12').toBe(12);
    expect(
      causeOf(log, '/registry/namespaces/x', {}, undefined, true),
      'a create of no owner',
    ).toBe(undefined);
  });

  it('an Endpoints or EndpointSlice follows from the newest write of the pods it lists', () => {
    const slice = { endpoints: [{ targetRef: { uid: 'pod-uid' } }] };
    expect(causeOf(log, '/registry/endpointslices/d/s', slice, 3, false), 'a slice of web').toBe(
      12,
    );
  });
});

/** A recorded span for the waterfall's tests. */
function recorded(
  service: string,
  name: string,
  startMs: number,
  attributes: RecordedSpan['attributes'],
  ids: { spanId: string; parentSpanId?: string },
): RecordedSpan {
  return { service, traceId, name, startMs, endMs: startMs + 1, attributes, links: [], ...ids };
}

describe('the waterfall', () => {
  const deployment = keyOf('deployments', 'd', 'hello');
  const spans = [
    recorded(
      'apiserver',
      'storage write',
      0,
      {
        'k8s.key': deployment,
        'k8s.revision': 5,
        'k8s.operation': 'create',
        'enduser.id': 'admin',
      },
      { spanId: 'w1' },
    ),
    recorded('controller-manager', 'POST replicasets', 9, {}, { spanId: 'c2' }),
    recorded('apiserver', 'POST replicasets', 10, {}, { spanId: 's2', parentSpanId: 'c2' }),
    recorded(
      'apiserver',
      'storage write',
      11,
      {
        'k8s.key': '/registry/replicasets/d/h',
        'k8s.revision': 6,
        'k8s.operation': 'create',
        'kata.cause.revision': 5,
      },
      { spanId: 'w2', parentSpanId: 's2' },
    ),
    recorded(
      'proxy-node-1',
      'watch event',
      20,
      { 'k8s.revision': 6, 'k8s.resource': 'replicasets', 'k8s.event.type': 'ADDED' },
      { spanId: 'p3' },
    ),
    recorded(
      'apiserver',
      'storage write',
      30,
      { 'k8s.key': '/registry/pods/d/other', 'k8s.revision': 7 },
      { spanId: 'w4' },
    ),
  ];

  it('is the tree of writes from the uncaused one, with each writer and the readers that saw them', () => {
    const steps = traceSteps(spans, deployment);
    const lines = steps.map((step) => `${step.depth} ${step.component} ${step.what}`);
    expect(lines, 'the steps from the deployment write').toEqual([
      '0 admin create deployments d/hello',
      '1 controller-manager create replicasets d/h',
      '2 proxy-node-1 saw replicasets added',
    ]);
    expect(renderWaterfall(steps), 'the rendered lines').toContain('20.0 ms');
  });
});

describe('an object history', () => {
  it('says what changed between two versions, leaving out the resourceVersion', () => {
    const before = { metadata: { resourceVersion: '3' }, spec: {}, status: { phase: 'Pending' } };
    const after = {
      metadata: { resourceVersion: '4' },
      spec: { nodeName: 'n1' },
      status: { phase: 'Running' },
    };
    expect(diffObjects(before, after), 'a bind then a start').toEqual([
      '+ spec.nodeName: "n1"',
      '~ status.phase: "Pending" → "Running"',
    ]);
    const text = renderHistory(
      [
        { revision: 3, object: before },
        { revision: 4, object: after },
      ],
      [],
    );
    expect(text, 'the history without traces').toContain('revision 4  by unknown');
  });
});
