// A streamed HTTP answer read one line at a time, with a deadline instead of a sleep: etcd's watch
// sends one `{"result":...}` per line and Kubernetes' watch one event per line. Readers of such
// streams (harness/api/watch-reader.ts, the test helpers in harness/testing/http.ts) wait on
// `next()`, which fails with a message naming what was awaited.
import type http from 'node:http';

export class LineQueue {
  private readonly lines: string[] = [];
  private buffered = '';
  private ended = false;
  private wake: (() => void) | undefined;

  /** Feeds the queue from an answer; blank lines are dropped, a last line without `\n` is kept. */
  follow(response: http.IncomingMessage): void {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.buffered += chunk;
      const parts = this.buffered.split('\n');
      this.buffered = parts.pop()!;
      this.lines.push(...parts.filter((line) => line.trim() !== ''));
      this.notify();
    });
    response.on('end', () => {
      if (this.buffered.trim() !== '') this.lines.push(this.buffered);
      this.buffered = '';
      this.end();
    });
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
