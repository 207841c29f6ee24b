// Each component waits for what it needs through the one helper (waiting.ts): the API server for
// the store, the others for the API server (api-client.ts's connect). Nothing listens on the
// addresses used here, and the clock is the test's own, so a five-minute deadline takes no time.
import { describe, expect, test } from 'vitest';
import { freePort } from '../testing/free-port.ts';
import { toolkit } from './reference-toolkit.ts';
import { clientFlags, connect } from './api-client.ts';
import { parseFlags as parseApiServerFlags, startApiServer } from './apiserver.ts';
import { parseComponentFlags } from './flags.ts';
import { GaveUpWaiting, type WaitClock } from './waiting.ts';

/** A clock whose sleeps return at once, moving its time on. */
function fakeClock(): WaitClock {
  let time = 0;
  return {
    now: () => time,
    sleep: async (milliseconds) => {
      time += milliseconds;
    },
  };
}

describe('What the components wait for', () => {
  test('a client component waits for the API server for --kube-api-wait-timeout, then gives up in one line', async () => {
    const server = `http://127.0.0.1:${await freePort()}`;
    const flags = clientFlags(
      parseComponentFlags(['--master', server, '--kube-api-wait-timeout', '2m'], {
        master: 'string',
        'kube-api-wait-timeout': 'string',
      }),
    );
    expect(flags.kubeApiWaitTimeoutMs, '--kube-api-wait-timeout 2m').toBe(120_000);
    const lines: string[] = [];
    const connecting = connect(toolkit, { server }, 'test', {
      timeoutMs: flags.kubeApiWaitTimeoutMs,
      log: (line) => lines.push(line),
      clock: fakeClock(),
    });
    await expect(connecting, 'nothing listens: it gives up at the deadline').rejects.toThrow(
      GaveUpWaiting,
    );
    await expect(connecting, 'the line names the API server and the flag').rejects.toThrow(
      `gave up waiting for the API server at ${server} after 2m0s`,
    );
    expect(lines[0], 'while it waited, it said so').toMatch(/^waiting for the API server at/);
  });

  test('by default a client component waits five minutes', () => {
    const flags = clientFlags(
      parseComponentFlags(['--master', 'http://127.0.0.1:6443'], { master: 'string' }),
    );
    expect(flags.kubeApiWaitTimeoutMs, 'the default deadline').toBe(300_000);
  });

  test('the API server waits for the store for --storage-initialization-timeout, then gives up in one line', async () => {
    const store = `http://127.0.0.1:${await freePort()}`;
    const flags = parseApiServerFlags([
      '--etcd-servers',
      store,
      '--secure-port',
      '0',
      '--storage-initialization-timeout',
      '0',
      '--use',
      'solutions',
    ]);
    expect(
      parseApiServerFlags(['--use', 'solutions']).storageInitializationTimeoutMs,
      'the default deadline is five minutes',
    ).toBe(300_000);
    await expect(
      startApiServer(flags, () => {}),
      'with no time to wait, a store that is not there is given up on at once',
    ).rejects.toThrow(
      new RegExp(`^gave up waiting for the store at ${store} .*--storage-initialization-timeout$`),
    );
  });
});
