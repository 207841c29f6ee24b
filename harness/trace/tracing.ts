// Tracing in one process: which component it is, where its spans go, and how a span is started
// under its parent. Each component of a cluster is its own process, and
// `kata run <component> --trace-file FILE` (what `kata up` passes unless told `--tracing=false`)
// turns tracing on for it before its main starts; without the flag nothing is recorded and every
// function here costs a check of one variable.
//
// Three words. A *span* is one timed piece of work (a request, a storage write), with a *trace
// id* shared by every span of one tree and a *span id* of its own; its *parent* is the span it
// was done for. W3C Trace Context carries the parent across a process boundary in one header,
// `traceparent: 00-<trace id>-<parent span id>-<flags>`, which every component's API requests
// send (./client-spans.ts) and the API server reads (./apiserver-spans.ts). The recording is
// OpenTelemetry's (the API and the trace SDK), with spans written as OTLP JSON (./otlp.ts). No
// "current span" is carried through awaits (that takes AsyncLocalStorage, whose hooks slow every
// promise): a span's parent is always given (./apiserver-spans.ts says how the API server finds it).
import { trace, TraceFlags, type SpanContext, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OtlpFileExporter, SCOPE } from './otlp.ts';

/** The header's format: version 00, a 32-hex trace id, a 16-hex parent id, 2-hex flags. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The span context a `traceparent` header names, or undefined for a missing or malformed one
 * (W3C: an all-zero id, version ff or a bad shape is ignored, and the receiver starts a trace).
 */
export function parseTraceparent(header: string | string[] | undefined): SpanContext | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : TRACEPARENT.exec(value.trim().toLowerCase());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags] = match as unknown as string[];
  if (version === 'ff' || /^0+$/.test(traceId!) || /^0+$/.test(spanId!)) return undefined;
  return { traceId: traceId!, spanId: spanId!, traceFlags: parseInt(flags!, 16), isRemote: true };
}

/** The `traceparent` header that makes `span` the parent of the receiver's work. */
export function formatTraceparent(span: SpanContext): string {
  const flags = (span.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
  return `00-${span.traceId}-${span.spanId}-${flags}`;
}

/** This process's tracing, once started. */
let running: { provider: BasicTracerProvider; tracer: Tracer; component: string } | undefined;

/** Whether this process records spans. */
export function tracingOn(): boolean {
  return running !== undefined;
}

/** The tracer of this process; only called while tracing is on. */
export function tracer(): Tracer {
  return running!.tracer;
}

/** The component this process is ("apiserver", "kubelet-node-1"), while tracing is on. */
export function tracedComponent(): string | undefined {
  return running?.component;
}

/**
 * Turns tracing on for this process: spans of `component` are appended to `file` as OTLP JSON,
 * in batches (every half second, or 512 spans), so recording costs a request little.
 */
export function startTracing(component: string, file: string): void {
  if (running) return;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': component }),
    spanProcessors: [
      new BatchSpanProcessor(new OtlpFileExporter(file, component), {
        scheduledDelayMillis: 500,
        maxQueueSize: 65536,
        maxExportBatchSize: 512,
      }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  running = { provider, tracer: provider.getTracer(SCOPE), component };
}

/** What to record before tracing stops (spans kept aside, waiting for something). */
const beforeStopping: Array<() => void> = [];

/** Runs `record` when tracing stops, before the last spans are written. */
export function whenTracingStops(record: () => void): void {
  beforeStopping.push(record);
}

/** Writes what is still buffered and turns tracing off (a component's last step). */
export async function stopTracing(): Promise<void> {
  if (!running) return;
  for (const record of beforeStopping) record();
  const { provider } = running;
  running = undefined;
  await provider.shutdown();
}

/** The shared flag of `kata run`: `--trace-file FILE` (or `--trace-file=FILE`), taken out of argv. */
export function takeTraceFile(argv: string[]): { argv: string[]; traceFile?: string } {
  const rest: string[] = [];
  let traceFile: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--trace-file' && index + 1 < argv.length) traceFile = argv[++index];
    else if (argument.startsWith('--trace-file=')) traceFile = argument.slice(13);
    else rest.push(argument);
  }
  return { argv: rest, traceFile };
}
