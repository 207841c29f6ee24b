// Acceptance (issue #35, joining): on a reference cluster of one node, `kata token create` prints
// the join command; `kata join` with it verifies cluster-info, posts a CSR with the bootstrap
// token, and once the controller-manager's approver and signer have issued the certificate, its
// kubelet registers the node as system:node:<name>. kubectl shows the CSR Approved,Issued with the
// bootstrap user as its requestor, and the new node Ready. `kata token list` then shows the token,
// and `kata token delete` removes it.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { repoRoot } from '../paths.ts';
import { hasKubectl, noKubectl } from '../testing/kubectl.ts';
import { waitFor } from '../testing/wait.ts';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';

const kata = path.join(repoRoot, 'harness', 'bin', 'kata.mjs');
let running: KubectlCluster | undefined;
let joined: ChildProcess | undefined;

/** Runs the kata CLI to its end: its exit code and output. */
function runKata(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [kata, ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  if (!hasKubectl) return;
  running = await startKubectlCluster(1, suiteNodeIndexBase.join, '127.126.0.0/24');
}, 180_000);

afterAll(async () => {
  if (joined && joined.exitCode === null) {
    const exited = new Promise((resolve) => joined!.once('exit', resolve));
    joined.kill('SIGINT');
    await exited;
  }
  await running?.stop();
}, 60_000);

describe(`Joining a node${hasKubectl ? '' : ` (${noKubectl})`}`, () => {
  if (!hasKubectl) test.skip(noKubectl, () => {});
  test.skipIf(!hasKubectl)(
    'kata token create, then kata join: the CSR approved and issued, the node Ready',
    async () => {
      const kubectl = (...args: string[]) => running!.kubectl.run(...args);
      const created = await runKata([
        'token',
        'create',
        '--kubeconfig',
        running!.cluster.kubeconfig,
      ]);
      expect(created.code, `kata token create: ${created.stderr}`).toBe(0);
      const command = created.stdout.trim().split(/\s+/);
      expect(command.slice(0, 2), 'the join command it prints').toEqual(['kata', 'join']);
      const index = suiteNodeIndexBase.join + 1;
      joined = spawn(
        process.execPath,
        [
          kata,
          ...command.slice(1),
          '--node-name',
          'joined-1',
          '--node-index',
          String(index),
          '--data-dir',
          path.join(running!.dataDir, 'join'),
          '--use',
          'solutions',
        ],
        { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let log = '';
      joined.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
      joined.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
      await waitFor(
        async () =>
          (
            await kubectl(
              'get',
              'node',
              'joined-1',
              '-o',
              'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
            )
          ).stdout === 'True',
        `node joined-1 Ready (kata join said: ${log.slice(-400)})`,
        90_000,
      );
      const csrs = (await kubectl('get', 'csr', '--no-headers')).stdout;
      expect(csrs, 'kubectl get csr after the join').toMatch(
        /node-csr-[0-9a-f]{32}\s+\S+\s+kubernetes\.io\/kube-apiserver-client-kubelet\s+system:bootstrap:[a-z0-9]{6}\s+<none>\s+Approved,Issued/,
      );
      expect(log, "kata join's steps").toContain(
        '[discovery] cluster-info verified with the token',
      );
      const token = command[command.indexOf('--token') + 1]!;
      const admin = ['--kubeconfig', running!.cluster.kubeconfig];
      const listed = await runKata(['token', 'list', ...admin]);
      expect(listed.stdout, `kata token list (${listed.stderr})`).toMatch(
        new RegExp(`^${token.replace('.', '\\.')}\\s+2[34]h\\s+.*authentication,signing`, 'm'),
      );
      const deleted = await runKata(['token', 'delete', token, ...admin]);
      expect(deleted.stdout, `kata token delete (${deleted.stderr})`).toContain(
        `bootstrap token "${token.split('.')[0]}" deleted`,
      );
      const after = await runKata(['token', 'list', ...admin]);
      expect(after.stdout, 'kata token list once it is deleted').not.toContain(token);
    },
    150_000,
  );
});
