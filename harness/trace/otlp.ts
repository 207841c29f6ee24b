// Spans as files: each traced component appends what it recorded to its own file in the cluster's
// data directory (<data dir>/traces/<component>.json), one line per batch, each line an OTLP
// ExportTraceServiceRequest in OpenTelemetry's JSON encoding (the one the Collector's file exporter
// writes and its OTLP/HTTP receiver reads): resourceSpans → scopeSpans → spans, ids in hex, times
// in nanoseconds as strings, attributes as typed values. `kata trace` and `kata history` read the
// files back into plain records (RecordedSpan), the same for every component.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Attributes, AttributeValue, HrTime } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** The scope every kubekata span is recorded under. */
export const SCOPE = 'kubekata';

/** One attribute value in OTLP JSON. */
type OtlpValue =
  { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };

function otlpValue(value: AttributeValue): OtlpValue {
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  }
  return { stringValue: Array.isArray(value) ? value.join(',') : String(value) };
}

function otlpAttributes(attributes: Attributes) {
  return Object.entries(attributes)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ({ key, value: otlpValue(value!) }));
}

/** An HrTime ([seconds, nanoseconds]) as OTLP's nanoseconds since the epoch, a decimal string. */
export function nanoseconds([seconds, nanos]: HrTime): string {
  return (BigInt(seconds) * 1_000_000_000n + BigInt(nanos)).toString();
}

/** One batch of spans of one component as an OTLP ExportTraceServiceRequest. */
export function otlpRequest(service: string, spans: ReadableSpan[]): object {
  return {
    resourceSpans: [
      {
        resource: { attributes: otlpAttributes({ 'service.name': service }) },
        scopeSpans: [
          {
            scope: { name: SCOPE },
            spans: spans.map((span) => ({
              traceId: span.spanContext().traceId,
              spanId: span.spanContext().spanId,
              ...(span.parentSpanContext ? { parentSpanId: span.parentSpanContext.spanId } : {}),
              name: span.name,
              // OTLP counts kinds from 1 (internal); the API's enum from 0.
              kind: span.kind + 1,
              startTimeUnixNano: nanoseconds(span.startTime),
              endTimeUnixNano: nanoseconds(span.endTime),
              attributes: otlpAttributes(span.attributes),
              links: span.links.map((link) => ({
                traceId: link.context.traceId,
                spanId: link.context.spanId,
                attributes: otlpAttributes(link.attributes ?? {}),
              })),
              status: { code: span.status.code },
            })),
          },
        ],
      },
    ],
  };
}

/** An exporter that appends each batch to `file` as one line of OTLP JSON. */
export class OtlpFileExporter implements SpanExporter {
  private readonly file: string;
  private readonly service: string;

  constructor(file: string, service: string) {
    this.file = file;
    this.service = service;
    mkdirSync(path.dirname(file), { recursive: true });
  }

  export(spans: ReadableSpan[], done: (result: { code: number; error?: Error }) => void): void {
    try {
      appendFileSync(this.file, JSON.stringify(otlpRequest(this.service, spans)) + '\n');
      done({ code: 0 });
    } catch (error) {
      done({ code: 1, error: error as Error });
    }
  }

  async shutdown(): Promise<void> {}
}

/** A span as read back from a file: ids, times in milliseconds, attributes as plain values. */
export interface RecordedSpan {
  /** The component that recorded it (service.name): "apiserver", "kubelet-node-1"... */
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, string | number | boolean>;
  links: { traceId: string; spanId: string }[];
}

type OtlpAttribute = { key: string; value: Record<string, unknown> };

function plainAttributes(attributes: OtlpAttribute[] = []): RecordedSpan['attributes'] {
  const plain: RecordedSpan['attributes'] = {};
  for (const { key, value } of attributes) {
    if ('intValue' in value) plain[key] = Number(value.intValue);
    else if ('doubleValue' in value) plain[key] = Number(value.doubleValue);
    else if ('boolValue' in value) plain[key] = Boolean(value.boolValue);
    else plain[key] = String(value.stringValue ?? '');
  }
  return plain;
}

/** The spans of lines of OTLP JSON (a torn last line, from a component still writing, is skipped). */
export function parseOtlpLines(text: string): RecordedSpan[] {
  const spans: RecordedSpan[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let request: { resourceSpans?: unknown[] };
    try {
      request = JSON.parse(line) as typeof request;
    } catch {
      continue;
    }
    for (const resourceSpan of (request.resourceSpans ?? []) as {
      resource?: { attributes?: OtlpAttribute[] };
      scopeSpans?: { spans?: Record<string, unknown>[] }[];
    }[]) {
      const service = String(plainAttributes(resourceSpan.resource?.attributes)['service.name']);
      for (const scope of resourceSpan.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) spans.push(recorded(service, span));
      }
    }
  }
  return spans;
}

function recorded(service: string, span: Record<string, unknown>): RecordedSpan {
  const ms = (nanos: unknown) => Number(BigInt(String(nanos)) / 1000n) / 1000;
  return {
    service,
    traceId: String(span.traceId),
    spanId: String(span.spanId),
    parentSpanId: span.parentSpanId ? String(span.parentSpanId) : undefined,
    name: String(span.name),
    startMs: ms(span.startTimeUnixNano),
    endMs: ms(span.endTimeUnixNano),
    attributes: plainAttributes(span.attributes as OtlpAttribute[]),
    links: ((span.links ?? []) as { traceId: string; spanId: string }[]).map(
      ({ traceId, spanId }) => ({ traceId, spanId }),
    ),
  };
}

/** Every span recorded in a folder of trace files (none when it does not exist). */
export function readTraceDir(dir: string): RecordedSpan[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .flatMap((name) => parseOtlpLines(readFileSync(path.join(dir, name), 'utf8')));
}
