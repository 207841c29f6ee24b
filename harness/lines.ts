// A streamed HTTP answer read one line at a time, with a deadline instead of a sleep: etcd's watch
// sends one `{"result":...}` per line and Kubernetes' watch one event per line. Readers of such
// streams (harness/api/watch-reader.ts, the test helpers in harness/testing/http.ts) wait on
// `next()`, which fails with a message naming what was awaited.
import type http from 'node:http';
import type { Readable } from 'node:stream';

/**
 * Calls `each` with the complete lines of every chunk of `source` (blank ones too), and `ended`
 * with what followed the last newline once the source ends. The lines that arrive in one chunk
 * come together, so a reader may treat what arrived at once as one batch.
 */
export function onLines(
  source: Readable,
  each: (lines: string[]) => void,
  ended?: (rest: string) => void,
): void {
  source.setEncoding('utf8');
  let rest = '';
  source.on('data', (chunk: string) => {
    rest += chunk;
    const end = rest.lastIndexOf('\n');
    if (end < 0) return;
    const lines = rest.slice(0, end).split('\n');
    rest = rest.slice(end + 1);
    each(lines);
  });
  if (ended) source.on('end', () => ended(rest));
}

export class LineQueue {
  private readonly lines: string[] = [];
  private ended = false;
  private wake: (() => void) | undefined;

  /** Feeds the queue from an answer; blank lines are dropped, a last line without `\n` is kept. */
  follow(response: http.IncomingMessage): void {
    onLines(
      response,
      (lines) => {
        this.lines.push(...lines.filter((line) => line.trim() !== ''));
        this.notify();
      },
      (rest) => {
        if (rest.trim() !== '') this.lines.push(rest);
        this.end();
      },
    );
    response.on('error', () => this.end());
  }

  /** No more lines will come (the answer ended or the connection failed). */
  end(): void {
    this.ended = true;
    this.notify();
  }

  /** True once the answer has ended and every line has been taken. */
  get isEnded(): boolean {
    return this.ended && this.lines.length === 0;
  }

  /** The next line, or undefined once the answer has ended. */
  async next(what: string, timeoutMs: number): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0 && !this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.lines.shift();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
