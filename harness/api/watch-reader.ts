// Reads a Kubernetes watch the way clients do: GET the collection with ?watch=true and take the
// answer one line (one JSON event) at a time. Tests use it to see exactly what a client sees,
// with deadlines instead of sleeps.
import http from 'node:http';
import { LineQueue } from '../lines.ts';
import type { WatchEvent } from './types.ts';

export class WatchReader {
  /** The HTTP status and Content-Type, once the answer has started. */
  readonly started: Promise<{ status: number; contentType: string }>;
  private readonly request: http.ClientRequest;
  private readonly lines = new LineQueue();

  /**
   * Starts `GET <baseUrl><path>`; `path` carries the query (?watch=true&...), `headers` any
   * request headers (an Accept asking for Tables). `started` fails when no answer has begun within
   * `timeoutMs`.
   */
  constructor(
    baseUrl: string,
    path: string,
    {
      headers = {},
      timeoutMs = 5_000,
    }: { headers?: Record<string, string>; timeoutMs?: number } = {},
  ) {
    let start!: (value: { status: number; contentType: string }) => void;
    let fail!: (error: Error) => void;
    this.started = new Promise((resolve, reject) => ([start, fail] = [resolve, reject]));
    // Marked as handled: a test that never awaits `started` should not see a stray rejection.
    this.started.catch(() => {});
    const timer = setTimeout(
      () => fail(new Error(`no answer to GET ${path} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    this.request = http.get(`${baseUrl}${path}`, { agent: false, headers }, (response) => {
      clearTimeout(timer);
      start({
        status: response.statusCode!,
        contentType: String(response.headers['content-type'] ?? ''),
      });
      this.lines.follow(response);
    });
    this.request.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
      this.lines.end();
    });
  }

  /** The next raw line, or undefined once the stream has ended. */
  nextLine(what = 'the next watch event', timeoutMs = 5_000): Promise<string | undefined> {
    return this.lines.next(what, timeoutMs);
  }

  /** The next event, parsed; undefined once the stream has ended. */
  async next(what?: string, timeoutMs?: number): Promise<WatchEvent | undefined> {
    const line = await this.nextLine(what, timeoutMs);
    return line === undefined ? undefined : (JSON.parse(line) as WatchEvent);
  }

  /** Waits for the server to end the stream; returns the events it sent before that. */
  async rest(timeoutMs = 5_000): Promise<WatchEvent[]> {
    const events: WatchEvent[] = [];
    for (;;) {
      const event = await this.next('the end of the watch', timeoutMs);
      if (event === undefined) return events;
      events.push(event);
    }
  }

  /** Whether the server has ended the stream. */
  get isEnded(): boolean {
    return this.lines.isEnded;
  }

  close(): void {
    this.request.destroy();
  }
}
