// Steady load: `rps` requests a second to one URL for a while, each on its own (an open loop, as
// load from many users is: a slow answer does not slow the next request down). Every five seconds
// it prints what the client saw in that window, and at the end the whole run: requests, answers
// that were not 2xx, failures, and the latency at the 50th and 99th percentiles. Against a Service
// whose pods an autoscaler scales, the p99 falls as new replicas take their share.
import http from 'node:http';
import { parseDuration } from '../../components/flags.ts';
import { UsageError } from '../output.ts';

export interface LoadOptions {
  url: string;
  rps: number;
  durationMs: number;
  timeoutMs: number;
}

/** The options from the command line; a bad URL, rate or duration is a UsageError. */
export function parseLoadOptions(
  url: string,
  flags: Record<string, string | boolean | undefined>,
): LoadOptions {
  if (!/^http:\/\/[^/]+/.test(url)) {
    throw new UsageError(`kata load needs an http:// URL, not "${url}"`);
  }
  const rps = Number(flags.rps ?? 20);
  if (!Number.isFinite(rps) || rps <= 0 || rps > 10_000) {
    throw new UsageError(
      `--rps takes a rate between 0 and 10000 requests a second, not "${flags.rps}"`,
    );
  }
  const durationMs = parseDuration(String(flags.for ?? '60s'), 'for');
  const timeoutMs = parseDuration(String(flags.timeout ?? '10s'), 'timeout');
  return { url, rps, durationMs, timeoutMs };
}

/** The value below which `fraction` of the sorted values fall (nearest rank). */
export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(fraction * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** What a window of the run (or all of it) saw. */
export interface LoadReport {
  sent: number;
  ok: number;
  /** Answers that were not 2xx. */
  rejected: number;
  /** Requests that got no answer: refused, reset, timed out. */
  failed: number;
  p50: number;
  p99: number;
}

/** One line of a report: "20.0 req/s  ok 100  not 2xx 0  failed 0  p50 3 ms  p99 12 ms". */
export function reportLine(report: LoadReport, seconds: number): string {
  const rate = (report.sent / Math.max(seconds, 0.001)).toFixed(1);
  return (
    `${rate} req/s  ok ${report.ok}  not 2xx ${report.rejected}  failed ${report.failed}  ` +
    `p50 ${Math.round(report.p50)} ms  p99 ${Math.round(report.p99)} ms`
  );
}

/** A window's outcomes summed up. */
function summarize(outcomes: Array<{ status: number; ms: number }>): LoadReport {
  const answered = outcomes.filter((outcome) => outcome.status > 0);
  const latencies = answered.map((outcome) => outcome.ms).sort((a, b) => a - b);
  return {
    sent: outcomes.length,
    ok: answered.filter((outcome) => outcome.status >= 200 && outcome.status < 300).length,
    rejected: answered.filter((outcome) => outcome.status < 200 || outcome.status >= 300).length,
    failed: outcomes.length - answered.length,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

/**
 * One GET on a connection of its own, closed after it: its status. A Service (a kube-proxy)
 * picks a pod per connection, so a client that kept its connections open would stay on the pods
 * it reached first, and new replicas would get none of its load; each request of a user's
 * browser or of `wget` in a loop is a new connection.
 */
function getOnNewConnection(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

/** Runs the load; prints a line every five seconds and the whole run at the end, which it returns. */
export async function runLoad(
  options: LoadOptions,
  print: (line: string) => void,
  /** Ends the run early (a test that has seen what it waited for). */
  signal?: AbortSignal,
): Promise<LoadReport> {
  const all: Array<{ status: number; ms: number }> = [];
  let window: typeof all = [];
  const inFlight = new Set<Promise<void>>();
  const send = () => {
    const started = performance.now();
    const request = getOnNewConnection(options.url, options.timeoutMs)
      .catch(() => 0)
      .then((status) => {
        const outcome = { status, ms: performance.now() - started };
        all.push(outcome);
        window.push(outcome);
      });
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
  };
  print(
    `sending ${options.rps} requests a second to ${options.url} for ${options.durationMs / 1000}s`,
  );
  const start = performance.now();
  let due = 0;
  const tick = setInterval(() => {
    // Catch up to the requests due by now, so the rate holds even when a tick comes late.
    const shouldHaveSent = Math.floor(((performance.now() - start) / 1000) * options.rps);
    for (; due < shouldHaveSent; due++) send();
  }, 10);
  const reporter = setInterval(() => {
    print(`  last 5s: ${reportLine(summarize(window), 5)}`);
    window = [];
  }, 5000);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, options.durationMs);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  clearInterval(tick);
  clearInterval(reporter);
  await Promise.all([...inFlight]);
  const total = summarize(all);
  print(`in all: ${reportLine(total, (performance.now() - start) / 1000)}`);
  return total;
}
