// kata get, apply, delete, scale and describe against the reference API server; kata up's flags.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { examplePod } from '../../api/examples.ts';
import type { Pod } from '../../api/types.ts';
import { testScope } from '../../testing/scope.ts';
import { waitFor } from '../../testing/wait.ts';
import { toolkit } from '../../components/reference-toolkit.ts';
import { parseUpFlags } from './up.ts';
import {
  apply,
  describe as describeObject,
  findResource,
  get,
  readManifests,
  remove,
  scale,
} from './object-verbs.ts';
import { KataError, UsageError } from '../output.ts';

const scope = testScope();
const folder = mkdtempSync(path.join(os.tmpdir(), 'kata-verbs-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata: { name: hello }
spec:
  replicas: 2
  selector: { matchLabels: { app: hello } }
  template:
    metadata: { labels: { app: hello } }
    spec: { containers: [{ name: echo, image: kata/echo }] }
---
apiVersion: v1
kind: Service
metadata: { name: hello }
spec: { selector: { app: hello }, ports: [{ port: 80 }] }
`;

function write(name: string, text: string): string {
  const file = path.join(folder, name);
  writeFileSync(file, text);
  return file;
}

async function printed(
  run: (print: (line: string) => void) => Promise<unknown>,
): Promise<string[]> {
  const lines: string[] = [];
  await run((line) => lines.push(line));
  return lines;
}

describe('kata get, apply, delete, scale, describe', () => {
  test('resource names as kubectl takes them: plural, singular, short, with a group', () => {
    expect(
      ['pods', 'pod', 'po', 'deploy', 'deployments.apps', 'svc', 'rs', 'no'].map(
        (name) => findResource(name).resource,
      ),
    ).toEqual([
      'pods',
      'pods',
      'pods',
      'deployments',
      'deployments',
      'services',
      'replicasets',
      'nodes',
    ]);
    expect(() => findResource('gizmos')).toThrow(UsageError);
  });

  test('manifests: several documents in a file, every file of a folder, and one-line errors', () => {
    expect(readManifests(write('hello.yaml', manifest)).map((object) => object.kind)).toEqual([
      'Deployment',
      'Service',
    ]);
    expect(readManifests(folder).length, 'the folder').toBe(2);
    expect(() => readManifests(write('bad.yml', 'kind: Pod\n'))).toThrow(
      /needs apiVersion, kind and metadata.name/,
    );
    expect(() => readManifests(path.join(folder, 'missing.yaml'))).toThrow(KataError);
    rmSync(path.join(folder, 'bad.yml'));
  });

  test('apply creates, then finds nothing to change, then configures; get prints the table', async () => {
    const server = await scope.apiServer();
    const flags = { server: server.url, filename: write('hello.yaml', manifest) };
    expect(await printed((print) => apply(flags, print))).toEqual([
      'deployment.apps/hello created',
      'service/hello created',
    ]);
    expect(await printed((print) => apply(flags, print))).toEqual([
      'deployment.apps/hello unchanged',
      'service/hello unchanged',
    ]);
    write('hello.yaml', manifest.replace('replicas: 2', 'replicas: 3'));
    expect(await printed((print) => apply(flags, print))).toEqual([
      'deployment.apps/hello configured',
      'service/hello unchanged',
    ]);
    const table = await printed((print) => get(['deployments'], { server: server.url }, print));
    expect(table[0], 'the header').toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    expect(table[1], 'the row').toMatch(/^hello\s+0\/3\s+0\s+0\s+\d+s$/);
    const named = await printed((print) =>
      get(['deploy'], { server: server.url, output: 'name' }, print),
    );
    expect(named).toEqual(['deployment.apps/hello']);
    const empty = await printed((print) => get(['pods'], { server: server.url }, print));
    expect(empty).toEqual(['No resources found in default namespace.']);
  });

  test('get -w prints each change as its row, under the list header, until stopped', async () => {
    const server = await scope.apiServer();
    const pods = toolkit.createClient({ server: server.url }).resource<Pod>('pods', 'default');
    await pods.create(examplePod('web'));
    const lines: string[] = [];
    const stop = new AbortController();
    const watching = get(
      ['pods'],
      { server: server.url, watch: true },
      (line) => lines.push(line),
      stop.signal,
    );
    await waitFor(() => lines.length === 2, `the header and the row of web; saw ${lines}`);
    await pods.create(examplePod('db'));
    await pods.delete('web');
    await waitFor(() => lines.length === 4, `rows for db and the deleted web; saw ${lines}`);
    stop.abort();
    expect(await watching, 'the exit code').toBe(0);
    expect(lines[0], 'the header').toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(
      lines.slice(1).map((line) => line.split(/\s+/).slice(0, 3).join(' ')),
      'the rows',
    ).toEqual(['web 0/1 Pending', 'db 0/1 Pending', 'web 0/1 Pending']);
  });

  test('scale, describe and delete say what kubectl says', async () => {
    const server = await scope.apiServer();
    await apply({ server: server.url, filename: write('hello.yaml', manifest) }, () => {});
    expect(
      await printed((print) =>
        scale(['deployment/hello'], { server: server.url, replicas: '5' }, print),
      ),
    ).toEqual(['deployment.apps/hello scaled']);
    const description = await printed((print) =>
      describeObject(['deploy', 'hello'], { server: server.url }, print),
    );
    expect(description[0]).toMatch(/^Name:\s+hello$/);
    expect(description.join('\n'), 'the spec, as YAML').toContain('replicas: 5');
    expect(description.at(-1)).toMatch(/^Events:\s+<none>$/);
    expect(
      await printed((print) => remove(['svc', 'hello'], { server: server.url }, print)),
    ).toEqual(['service "hello" deleted']);
    await expect(remove(['svc', 'hello'], { server: server.url })).rejects.toThrow(/NotFound/);
    await expect(
      scale(['deployment/hello'], { server: server.url, replicas: 'many' }),
    ).rejects.toThrow(UsageError);
  });
});

describe('kata up', () => {
  test('flags: defaults, per-component --use, and one line for what is wrong', () => {
    const options = parseUpFlags({ 'use-scheduler': 'mine' });
    expect([
      options.nodes,
      options.storePort,
      options.apiserverPort,
      options.kubeletPort,
      options.use.scheduler,
      options.use.kubelet,
    ]).toEqual([3, 2379, 6443, 10250, 'mine', 'auto']);
    expect(() => parseUpFlags({ nodes: '0' })).toThrow(
      '--nodes takes a whole number of at least 1, not "0"',
    );
    expect(() => parseUpFlags({ use: 'yours' })).toThrow(
      '--use takes auto, solutions or mine, not "yours"',
    );
    expect(() => parseUpFlags({ nodes: '200', 'node-index-base': '100' })).toThrow(
      /room for 255 nodes/,
    );
    expect(parseUpFlags({}).network, '--network by default').toBe('auto');
    expect(parseUpFlags({ network: 'single' }).network).toBe('single');
    expect(() => parseUpFlags({ network: 'one' })).toThrow(
      '--network takes auto, loopback or single, not "one"',
    );
    vi.stubEnv('KATA_NETWORK', 'single');
    try {
      expect(parseUpFlags({}).network, "KATA_NETWORK, the flag's default").toBe('single');
      expect(parseUpFlags({ network: 'auto' }).network, 'the flag wins').toBe('auto');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
