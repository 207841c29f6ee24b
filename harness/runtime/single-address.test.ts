// The process runtime in the single-address network mode: every sandbox is 127.0.0.1, and two
// echo pods given different ports (their published ones) both answer there, each with its name.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { choosePort } from '../cluster/arguments.ts';
import { singleAddress, singleAddressPodCidr } from '../network.ts';
import { waitFor } from '../testing/wait.ts';
import { podUidLabel } from './cri.ts';
import { ProcessRuntime } from './process-runtime.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'kata-runtime-single-'));
const runtime = new ProcessRuntime({ stateDir, podCidr: singleAddressPodCidr, network: 'single' });

afterAll(async () => {
  await runtime.close({ stopAll: true });
  rmSync(stateDir, { recursive: true, force: true });
});

/** An echo pod whose one container is given `port`, started; its sandbox's IP. */
async function echoPod(name: string, port: number): Promise<string> {
  const sandboxId = await runtime.runPodSandbox({
    metadata: { name, namespace: 'default', uid: `uid-${name}`, attempt: 0 },
    labels: { [podUidLabel]: `uid-${name}` },
  });
  const containerId = await runtime.createContainer(sandboxId, {
    metadata: { name: 'echo', attempt: 0 },
    image: 'kata/echo',
    ports: [{ containerPort: port }],
  });
  await runtime.startContainer(containerId);
  return (await runtime.podSandboxStatus(sandboxId)).ip;
}

describe('The process runtime, single-address', () => {
  test('every sandbox is 127.0.0.1; each pod listens there on the port it was given', async () => {
    const ports = [await choosePort(singleAddress, 0), await choosePort(singleAddress, 0)];
    const ips = [await echoPod('web-a', ports[0]!), await echoPod('web-b', ports[1]!)];
    expect(ips, "the sandboxes' IPs").toEqual([singleAddress, singleAddress]);
    const names: (string | undefined)[] = [];
    await waitFor(
      async () => {
        for (const [n, port] of ports.entries()) {
          const answer = await fetch(`http://${singleAddress}:${port}/`).catch(() => undefined);
          names[n] = answer?.ok ? ((await answer.json()) as { pod: string }).pod : undefined;
        }
        return names.every(Boolean);
      },
      'both echo pods answering on 127.0.0.1',
      15_000,
    );
    expect(names, 'who answered on each port').toEqual(['web-a', 'web-b']);
  });
});
