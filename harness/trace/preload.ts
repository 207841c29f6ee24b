// Loaded before a component's program (`node --import tsx --import harness/trace/preload.ts
// harness/components/<kind>.ts ... [--trace-file FILE]`, as the cluster starts them): takes the
// shared flag --trace-file out of the command line, so the component's own parser never sees it,
// and turns tracing on for the process (./tracing.ts) before its first request. The spans still
// buffered are written when the process exits. With or without the flag, it counts the process's
// API requests for /metrics (harness/components/prometheus.ts).
import path from 'node:path';
import { observeClientRequests } from './client-spans.ts';
import { startTracing, stopTracing, takeTraceFile } from './tracing.ts';

const { argv, traceFile } = takeTraceFile(process.argv.slice(2));
process.argv.splice(2, process.argv.length - 2, ...argv);
if (traceFile) {
  startTracing(path.basename(traceFile, '.json'), traceFile);
  // A component ends by returning from main (its exit code set) once its servers closed.
  process.once('beforeExit', () => void stopTracing());
}
// Its API requests are counted for /metrics, and traced while tracing is on.
observeClientRequests(path.basename(process.argv[1] ?? '', '.ts'));
