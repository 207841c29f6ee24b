// Real replicated store members for end-to-end tests: `kata run store` processes of the reference
// (chapter 16b) on free ports, one data directory each, and the JSON gateway calls the tests make
// on them (puts tried again while the cluster elects, reads linearizable or serializable).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../paths.ts';
import { freePort } from './free-port.ts';
import { waitFor } from './wait.ts';

export const b64 = (text: string) => Buffer.from(text).toString('base64');
const unb64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

export interface Member {
  name: string;
  clientPort: number;
  peerPort: number;
  process?: ChildProcess;
}

/** Members s1..sN of one cluster, not started: their ports, folder and flags. */
export class StoreMembers {
  readonly members: Member[] = [];
  readonly dataDir = mkdtempSync(path.join(tmpdir(), 'kata-store-members-'));
  private initialCluster = '';
  private readonly flags: string[];

  /** `flags` go to every member (--snapshot-count, ...). */
  constructor(flags: string[] = []) {
    this.flags = flags;
  }

  async create(count: number): Promise<Member[]> {
    for (let i = 0; i < count; i++) {
      this.members.push({
        name: `s${i + 1}`,
        clientPort: await freePort(),
        peerPort: await freePort(),
      });
    }
    this.initialCluster = this.members
      .map((member) => `${member.name}=http://127.0.0.1:${member.peerPort}`)
      .join(',');
    return this.members;
  }

  start(member: Member): void {
    member.process = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(repoRoot, 'harness/components/store.ts'),
        ...['--use', 'solutions', '--name', member.name],
        ...['--data-dir', path.join(this.dataDir, member.name)],
        ...['--listen-client-urls', `http://127.0.0.1:${member.clientPort}`],
        ...['--listen-peer-urls', `http://127.0.0.1:${member.peerPort}`],
        ...['--initial-cluster', this.initialCluster, '--heartbeat-interval', '50'],
        ...this.flags,
      ],
      { cwd: repoRoot, stdio: 'ignore' },
    );
  }

  kill(member: Member): void {
    member.process?.kill('SIGKILL');
    member.process = undefined;
  }

  /** Kills every member and removes their folders. */
  close(): void {
    for (const member of this.members) this.kill(member);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** A JSON gateway call on `member`; throws etcd's error, or the HTTP status. */
export async function call(
  member: Member,
  route: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const reply = await fetch(`http://127.0.0.1:${member.clientPort}${route}`, {
    method: 'POST',
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(3000),
  });
  const text = await reply.text();
  const answer = JSON.parse(text.split('\n')[0] || '{}') as Record<string, unknown>;
  if (!reply.ok || answer.error) throw new Error(String(answer.error ?? reply.status));
  return answer;
}

/** A put through `member`, tried again while the cluster elects or the member starts. */
export async function put(
  member: Member,
  key: string,
  value: string,
  lease?: string,
): Promise<void> {
  await waitFor(
    () =>
      call(member, '/v3/kv/put', {
        key: b64(key),
        value: b64(value),
        ...(lease ? { lease } : {}),
      }).then(
        () => true,
        () => false,
      ),
    `put ${key} through ${member.name}`,
    30_000,
  );
}

/**
 * The value of `key` on `member`, linearizable unless `serializable`: '' when it has none,
 * undefined when the read fails.
 */
export async function get(
  member: Member,
  key: string,
  serializable = false,
): Promise<string | undefined> {
  try {
    const answer = await call(member, '/v3/kv/range', { key: b64(key), serializable });
    const kvs = (answer.kvs ?? []) as Array<{ value: string }>;
    return kvs[0] ? unb64(kvs[0].value) : '';
  } catch {
    return undefined;
  }
}
