// Container logs in the CRI log format, and a reader for them.
//
// On a Kubernetes node the runtime writes each container's stdout and stderr to a file, one line per
// line of output: `<time RFC3339Nano> <stream> <tag> <content>`, e.g.
//   2026-01-02T03:04:05.123456789Z stdout F listening on 127.244.0.2:8080
// The tag is F for a full line and P for a piece of a line too long to write at once; the pieces
// of one line are all P except the last, which is F. The kubelet reads these files to answer
// `kubectl logs` (with tailLines and follow). The shim (shim.mjs) writes them; this file reads them.

import { open, stat } from 'node:fs/promises';
import type { LogLine, LogOptions } from './cri.ts';

/** Formats one log line, newline included. */
export function formatLogLine(line: LogLine): string {
  return `${line.time} ${line.stream} ${line.partial ? 'P' : 'F'} ${line.content}\n`;
}

/** Parses one line of a CRI log (without its newline); undefined when it is not one. */
export function parseLogLine(text: string): LogLine | undefined {
  const match = /^(\S+) (stdout|stderr) ([FP]) (.*)$/s.exec(text);
  if (!match) return undefined;
  return {
    time: match[1]!,
    stream: match[2] as 'stdout' | 'stderr',
    partial: match[3] === 'P',
    content: match[4]!,
  };
}

/** How often a follower looks for new bytes; files on every platform, no fs.watch quirks. */
const followPollMs = 25;

export interface FollowControl extends LogOptions {
  /** Asked whenever the reader has caught up while following: false ends the stream. */
  stillWriting?: () => Promise<boolean>;
}

/**
 * Reads the log at `path`: the last `tailLines` lines (all if absent), then, with `follow`, each new
 * line as it is written, until `stillWriting` says the writer is done (and what it wrote is read)
 * or `signal` aborts. A missing file reads as empty.
 */
export async function* readLogFile(
  path: string,
  options: FollowControl = {},
): AsyncGenerator<LogLine> {
  const { tailLines, follow = false, signal, stillWriting = async () => false } = options;
  let offset = 0;
  let pending = '';
  const readNew = async (): Promise<string[]> => {
    const size = await stat(path).then(
      (info) => info.size,
      () => 0,
    );
    if (size <= offset) return [];
    const file = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(size - offset);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
      offset += bytesRead;
      pending += buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await file.close();
    }
    const complete = pending.split('\n');
    pending = complete.pop()!;
    return complete;
  };
  const parsed = (texts: string[]) =>
    texts.map(parseLogLine).filter((line): line is LogLine => line !== undefined);

  const first = parsed(await readNew());
  const start = tailLines === undefined ? 0 : Math.max(0, first.length - tailLines);
  yield* first.slice(start);
  if (!follow) return;
  while (!signal?.aborted) {
    const lines = parsed(await readNew());
    if (lines.length > 0) {
      yield* lines;
      continue;
    }
    // Caught up: end once the writer is done and one last read finds nothing more.
    if (!(await stillWriting())) {
      yield* parsed(await readNew());
      return;
    }
    await pause(followPollMs, signal);
  }
}

function pause(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, milliseconds);
    signal?.addEventListener('abort', done, { once: true });
  });
}
