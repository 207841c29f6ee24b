// Leases on a replicated member: the leader's lessor (./leader-lessor.ts) wired to the member's
// ports, as etcd wires its lessor to etcdserver.
//   - Every member tells its lessor what the log grants and revokes, as the entries apply.
//   - Every half second (etcd's lessor loop) a member that has come to lead promotes its lessor,
//     one that has stopped demotes it, and the leader proposes the revoke of each expired lease.
//   - A keep-alive (POST /v3/lease/keepalive) renews a lease only on the leader: a follower hands
//     it over the peer port (etcd's /leases), and so with a lease's time to live (its
//     /leases/internal), whose remaining TTL only the leader's lessor knows. The rest of that
//     answer (the granted TTL, the keys) comes from the store, after a linearizable wait.
import type { Applied, Command, RaftPeer } from '../contracts/raft-server.ts';
import { LeaderLessor } from './leader-lessor.ts';

/** What the leases need of their member. */
export interface LeaseHost {
  readonly selfId: number;
  /** Whether this member leads now. */
  leads(): boolean;
  /** The leader's peer entry, once there is one. */
  leader(): Promise<RaftPeer>;
  /** Puts a command through the log. */
  propose(command: Command): Promise<Applied>;
  /** A unary request on this member's store, at once. */
  runOnStore(command: { path: string; body: string }): Promise<Applied>;
  /** The same, once this member has applied the leader's read index. */
  readLinearizable(command: { path: string; body: string }): Promise<Applied>;
  /** An answer under this member's header (cluster, member, raft term). */
  withHeader(applied: Applied): Applied;
  /** A POST to another member's peer port. */
  postToPeer(url: string, body: string): Promise<Applied>;
  log?(line: string): void;
}

/** The routes that revoke a lease, and those that ask its time to live. */
export const LEASE_REVOKE_PATHS = new Set(['/v3/lease/revoke', '/v3/kv/lease/revoke']);
export const LEASE_TTL_PATHS = new Set(['/v3/lease/timetolive', '/v3/kv/lease/timetolive']);

/** How often the lessor loop runs: etcd's lessor checks every 500 ms. */
const LESSOR_LOOP_MS = 500;

/** The lease IDs of a keep-alive body: one or more {"ID": ...} objects. */
export function leaseIdsOf(body: string): string[] {
  return [...body.matchAll(/"ID"\s*:\s*"?(\d+)"?/g)].map((match) => match[1]!);
}

/** etcd's error for a lease route reached on a member that stopped leading meanwhile. */
const notLeader: Applied = {
  status: 503,
  body: JSON.stringify({
    error: 'etcdserver: not leader',
    code: 14,
    message: 'etcdserver: not leader',
  }),
};

export class MemberLeases {
  private readonly lessor = new LeaderLessor();
  private timer: NodeJS.Timeout | undefined;
  private readonly host: LeaseHost;

  constructor(host: LeaseHost) {
    this.host = host;
  }

  start(): void {
    this.timer = setInterval(() => this.loop(), LESSOR_LOOP_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** An entry applied on the store: a lease granted or revoked is told to the lessor. */
  applied(command: Command, answer: Applied): void {
    if (!('path' in command)) return;
    if (command.path === '/v3/lease/grant' && answer.status === 200) {
      const { ID, TTL } = JSON.parse(answer.body) as { ID: string; TTL: string };
      this.lessor.granted(String(ID), Number(TTL), Date.now());
    } else if (LEASE_REVOKE_PATHS.has(command.path) && [200, 404].includes(answer.status)) {
      // Revoked, or already gone (404): either way the lessor forgets it.
      for (const id of leaseIdsOf(command.body)) this.lessor.revoked(id);
    }
  }

  /** After a snapshot was loaded into the store: its leases, each counted as granted now. */
  async relearn(): Promise<void> {
    const listed = await this.host.runOnStore({ path: '/v3/lease/leases', body: '{}' });
    const { leases = [] } = JSON.parse(listed.body) as { leases?: Array<{ ID: string }> };
    for (const { ID } of leases) {
      const asked = await this.host.runOnStore({
        path: '/v3/lease/timetolive',
        body: JSON.stringify({ ID }),
      });
      const { grantedTTL } = JSON.parse(asked.body) as { grantedTTL?: string };
      this.lessor.granted(String(ID), Number(grantedTTL ?? 0), Date.now());
    }
  }

  /** The lessor loop: follow leadership, then propose the revoke of every lease due. */
  private loop(): void {
    const leads = this.host.leads();
    if (leads && !this.lessor.isPrimary) this.lessor.promote(Date.now());
    if (!leads && this.lessor.isPrimary) this.lessor.demote();
    for (const id of this.lessor.due(Date.now())) {
      const revoke = { path: '/v3/lease/revoke', body: JSON.stringify({ ID: id }) };
      this.host.propose(revoke).catch((error: Error) => {
        this.host.log?.(`lease ${id} expired; its revoke failed (${error.message}), retrying`);
      });
    }
  }

  /**
   * POST /v3/lease/keepalive: each lease of the body renewed on the leader, and answered with one
   * line, etcd's {"result": {header, ID, TTL}} (no TTL for a lease unknown or expired).
   */
  async keepAlive(body: string): Promise<Applied> {
    const ids = leaseIdsOf(body);
    const lead = await this.host.leader();
    const renewed =
      lead.id === this.host.selfId
        ? this.renewHere(JSON.stringify(ids))
        : await this.host.postToPeer(`${lead.peerUrl}/leases`, JSON.stringify(ids));
    if (renewed.status !== 200) return renewed;
    const current = this.host.withHeader(
      await this.host.runOnStore({ path: '/v3/lease/leases', body: '{}' }),
    );
    const { header } = JSON.parse(current.body) as { header: unknown };
    const lines = (JSON.parse(renewed.body) as Array<{ ID: string; TTL: number }>).map(
      ({ ID, TTL }) =>
        `${JSON.stringify({ result: { header, ID, ...(TTL > 0 ? { TTL: String(TTL) } : {}) } })}\n`,
    );
    return { status: 200, body: lines.join('') };
  }

  /** The leader's half of a keep-alive (peer route /leases): the TTL each lease was renewed for. */
  renewHere(body: string): Applied {
    if (!this.lessor.isPrimary) return notLeader;
    const now = Date.now();
    const renewed = (JSON.parse(body) as string[]).map((ID) => ({
      ID,
      TTL: this.lessor.keepAlive(ID, now),
    }));
    return { status: 200, body: JSON.stringify(renewed) };
  }

  /** A lease's time to live, asked on any member: answered by the leader (peer /leases/internal). */
  async timeToLive(path: string, body: string): Promise<Applied> {
    const lead = await this.host.leader();
    if (lead.id === this.host.selfId) return this.timeToLiveHere(JSON.stringify({ path, body }));
    return this.host.postToPeer(`${lead.peerUrl}/leases/internal`, JSON.stringify({ path, body }));
  }

  /** The leader's answer: the store's, with the TTL left on the leader's lessor. */
  async timeToLiveHere(asked: string): Promise<Applied> {
    if (!this.lessor.isPrimary) return notLeader;
    const { path, body } = JSON.parse(asked) as { path: string; body: string };
    const read = await this.host.readLinearizable({ path, body });
    if (read.status !== 200) return read;
    const answer = JSON.parse(read.body) as { ID: string; TTL?: string };
    const left = this.lessor.remaining(String(answer.ID), Date.now());
    if (answer.TTL !== '-1' && left !== undefined) answer.TTL = String(left);
    return { status: 200, body: JSON.stringify(answer) };
  }
}
