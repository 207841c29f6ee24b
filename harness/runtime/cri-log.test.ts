// The CRI log format: one line per line of output, time, stream, F or P, content.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatLogLine, parseLogLine, readLogFile } from './cri-log.ts';

describe('The CRI log format', () => {
  test('a line formats and parses back', () => {
    const line = {
      time: '2026-01-02T03:04:05.123456789Z',
      stream: 'stderr' as const,
      partial: true,
      content: 'half a line with  two spaces',
    };
    expect(formatLogLine(line)).toBe(
      '2026-01-02T03:04:05.123456789Z stderr P half a line with  two spaces\n',
    );
    expect(parseLogLine(formatLogLine(line).trimEnd())).toEqual(line);
    expect(parseLogLine('not a log line')).toBeUndefined();
  });

  test('a file reads whole or tailed; a missing file reads empty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kata-log-'));
    try {
      const path = join(dir, '0.log');
      const lines = ['a', 'b', 'c'].map((content) =>
        formatLogLine({ time: '2026-01-02T03:04:05Z', stream: 'stdout', partial: false, content }),
      );
      writeFileSync(path, lines.join(''));
      const read = async (tailLines?: number, file = path) => {
        const contents: string[] = [];
        for await (const line of readLogFile(file, { tailLines })) contents.push(line.content);
        return contents;
      };
      expect(await read()).toEqual(['a', 'b', 'c']);
      expect(await read(2)).toEqual(['b', 'c']);
      expect(await read(0)).toEqual([]);
      expect(await read(undefined, join(dir, 'missing.log'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
