import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { clientConfigFromFlags, kubeconfigFor, readKubeconfig } from './kubeconfig.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'kata-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const where = path.join(dir, name);
  writeFileSync(where, text);
  return where;
}

describe('kubeconfig', () => {
  test('what kubeconfigFor writes reads back as the same server', () => {
    const where = file('kata.yaml', kubeconfigFor('http://127.0.0.1:6443'));
    expect(readKubeconfig(where)).toEqual({ server: 'http://127.0.0.1:6443' });
  });

  test("the current context picks the cluster and the user's token", () => {
    const where = file(
      'two.yaml',
      [
        'current-context: b',
        'contexts:',
        '- { name: a, context: { cluster: one, user: u } }',
        '- { name: b, context: { cluster: two, user: u } }',
        'clusters:',
        '- { name: one, cluster: { server: "http://one" } }',
        '- { name: two, cluster: { server: "http://two" } }',
        'users:',
        '- { name: u, user: { token: secret } }',
      ].join('\n'),
    );
    expect(readKubeconfig(where)).toEqual({ server: 'http://two', token: 'secret' });
  });

  test('a file without a server, or no file, is one clear error', () => {
    expect(() => readKubeconfig(file('empty.yaml', 'kind: Config\n'))).toThrow(/names no server/);
    expect(() => readKubeconfig(path.join(dir, 'missing.yaml'))).toThrow(
      /cannot read the kubeconfig/,
    );
  });

  test('--master wins over --kubeconfig, and one of them is required', () => {
    expect(clientConfigFromFlags({ master: 'http://m', kubeconfig: '/nowhere' })).toEqual({
      server: 'http://m',
    });
    expect(() => clientConfigFromFlags({})).toThrow(/--kubeconfig FILE or --master URL/);
  });
});
