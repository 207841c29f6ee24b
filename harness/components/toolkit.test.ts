import { describe, expect, test } from 'vitest';
import { waitFor } from '../testing/wait.ts';
import { loadToolkit, logFailures } from './toolkit.ts';

describe("The components' toolkit", () => {
  test('a failure is logged once for each key and message', () => {
    const lines: string[] = [];
    const failed = logFailures('kube-proxy-node-1', (line) => lines.push(line));
    failed('default/web', new Error('cannot listen on 127.96.0.12:80'));
    failed('default/web', new Error('cannot listen on 127.96.0.12:80'));
    failed('default/web', new Error('another reason'));
    failed('default/db', 'not an Error');
    expect(lines, 'the lines logged').toEqual([
      'kube-proxy-node-1: error syncing "default/web": cannot listen on 127.96.0.12:80; retrying with back-off',
      'kube-proxy-node-1: error syncing "default/web": another reason; retrying with back-off',
      'kube-proxy-node-1: error syncing "default/db": not an Error; retrying with back-off',
    ]);
  });

  test('controllers made with the loaded toolkit log their failed reconciles', async () => {
    const lines: string[] = [];
    const toolkit = await loadToolkit('solutions', (line) => lines.push(line));
    const controller = toolkit.createController({
      name: 'failing-controller',
      reconcile: () => Promise.reject(new Error('the store is away')),
    });
    const stop = new AbortController();
    const running = controller.run(stop.signal);
    controller.queue.add('default/web');
    try {
      await waitFor(
        () =>
          lines.includes(
            'failing-controller: error syncing "default/web": the store is away; retrying with back-off',
          ),
        'the failure in the log',
        10_000,
      );
    } finally {
      stop.abort();
      await running;
    }
  });
});
