// How the doctor reads a machine: the examples' NodePorts, an install from its files, and a port's
// state by listening on it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { exampleNodePorts, installFacts, portState } from './machine.ts';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A folder of its own under the system's temporary folder, removed after the file's tests. */
function scratch(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'kata-doctor-'));
  folders.push(folder);
  return folder;
}

describe('What the doctor reads', () => {
  test("the examples' NodePorts, each with the files that ask for it", () => {
    const ports = exampleNodePorts();
    expect(ports.find((entry) => entry.port === 30080)?.files, 'who asks for 30080').toContain(
      'harness/examples/hello.yaml',
    );
    expect(
      ports.map((entry) => entry.port),
      'ports in order, each once',
    ).toEqual([...new Set(ports.map((entry) => entry.port))].sort((a, b) => a - b));
  });

  test('an install: what package.json wants, the lockfile holds and node_modules has', () => {
    const root = scratch();
    const write = (file: string, content: object) => {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), JSON.stringify(content));
    };
    write('package.json', { dependencies: { yaml: '^2' }, devDependencies: { vitest: '^4' } });
    write('package-lock.json', {
      packages: {
        'node_modules/yaml': { version: '2.9.1' },
        'node_modules/vitest': { version: '4.1.0' },
      },
    });
    write('node_modules/yaml/package.json', { version: '2.9.1' });
    expect(installFacts(root)).toEqual({
      wanted: { yaml: '^2', vitest: '^4' },
      locked: { yaml: '2.9.1', vitest: '4.1.0' },
      installed: { yaml: '2.9.1', vitest: undefined },
    });
  });

  test('a port is free, busy while something listens, and unbindable on an address not here', async () => {
    // A port below the kernel's ephemeral range (32768 and up) and the clusters' loopback slots
    // (harness/cluster/loopback-ports.ts): a port 0 handed out could be taken, once closed, as the
    // local end of any other test's outgoing connection, and read as busy.
    let port = 19_000;
    while ((await portState('127.0.0.1', port)) !== 'free') port += 1;
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      expect(await portState('127.0.0.1', port), 'a port listened on').toBe('busy');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await portState('127.0.0.1', port), 'the same port, closed').toBe('free');
    // 192.0.2.0/24 is set aside for documentation: no machine has it on an interface.
    expect(await portState('192.0.2.10', port), 'an address of no interface').toBe('unbindable');
  });
});
