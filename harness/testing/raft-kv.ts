// A key-value service on a simulated Raft cluster (raft-network.ts), with clients that record what
// they saw as a history for the linearizability checker (harness/linearizability). It is the
// service of MIT 6.5840's key-value lab in small: every get, put and append goes through the log;
// each member applies the log to its own map; a client offers its operation to the leader and, when
// no answer comes (the leader lost it, a message was lost), offers it again, so each operation
// carries its client and sequence number and a member applies it once however often it is in the log.
import type { Operation } from '../linearizability/check.ts';
import type { KvInput, KvOutput } from '../linearizability/models.ts';
import type { Entry, NodeId } from '../contracts/raft.ts';
import type { SimulatedCluster } from './raft-network.ts';

/** A command in the log: an operation and who asked for it. */
interface KvCommand {
  client: number;
  sequence: number;
  input: KvInput;
}

/** One member's state machine: its map, and each client's last operation with its answer. */
interface MemberState {
  values: Map<string, string>;
  lastApplied: Map<number, { sequence: number; output: KvOutput }>;
}

/** Ticks a client waits for its answer before it offers the operation again. */
const retryTicks = 30;

export class KvService {
  /** Answers by "client:sequence", as the first member to apply each operation computed them. */
  private readonly answers = new Map<string, KvOutput>();
  private readonly members = new Map<NodeId, MemberState>();

  /** The hook for the cluster's onApply: apply an entry to that member's map. */
  readonly apply = (id: NodeId, entry: Entry): void => {
    // A member applies from index 1 again after a restart: its map starts over too.
    if (entry.index === 1 || !this.members.has(id)) {
      this.members.set(id, { values: new Map(), lastApplied: new Map() });
    }
    if (entry.command === undefined) return;
    const command = JSON.parse(entry.command) as KvCommand;
    const state = this.members.get(id)!;
    const last = state.lastApplied.get(command.client);
    const output =
      last && last.sequence >= command.sequence
        ? last.output
        : applyInput(state.values, command.input);
    state.lastApplied.set(command.client, { sequence: command.sequence, output });
    const key = `${command.client}:${command.sequence}`;
    if (!this.answers.has(key)) this.answers.set(key, output);
  };

  answer(client: number, sequence: number): KvOutput | undefined {
    return this.answers.get(`${client}:${sequence}`);
  }
}

function applyInput(values: Map<string, string>, input: KvInput): KvOutput {
  const current = values.get(input.key) ?? '';
  if (input.op === 'get') return { value: current };
  values.set(input.key, input.op === 'put' ? (input.value ?? '') : current + (input.value ?? ''));
  return {};
}

/** A client with one operation at a time: when it was called, and when it last offered it. */
interface Client {
  id: number;
  sequence: number;
  pending?: { input: KvInput; call: number; offered: number };
}

export interface KvRun {
  cluster: SimulatedCluster;
  service: KvService;
  clients: number;
  /** Operations each client makes. */
  operations: number;
  /** Draws the next operation of a client. */
  nextInput: (client: number, sequence: number) => KvInput;
  /** Called every tick before the clients act: where a test injects its faults. */
  everyTick?: (time: number) => void;
  /** The most ticks the run may take. */
  deadline?: number;
}

/** Runs the clients until each made all its operations; answers the history they saw. */
export function runKvClients(run: KvRun): Operation<KvInput, KvOutput>[] {
  const { cluster, service } = run;
  const clients: Client[] = Array.from({ length: run.clients }, (_, id) => ({ id, sequence: 0 }));
  const history: Operation<KvInput, KvOutput>[] = [];
  const end = cluster.time + (run.deadline ?? 20_000);
  while (clients.some((client) => client.sequence < run.operations || client.pending)) {
    if (cluster.time > end) cluster.fail(`the key-value clients did not finish by tick ${end}`);
    run.everyTick?.(cluster.time);
    for (const client of clients) {
      const done = client.pending && service.answer(client.id, client.sequence);
      if (client.pending && done) {
        const { input, call } = client.pending;
        history.push({ client: client.id, input, call, output: done, return: cluster.time });
        client.pending = undefined;
      }
      if (!client.pending && client.sequence < run.operations) {
        client.sequence++;
        client.pending = {
          input: run.nextInput(client.id, client.sequence),
          call: cluster.time,
          offered: -Infinity,
        };
      }
      if (client.pending && cluster.time - client.pending.offered >= retryTicks) {
        const command: KvCommand = {
          client: client.id,
          sequence: client.sequence,
          input: client.pending.input,
        };
        if (cluster.proposeToLeader(JSON.stringify(command))) client.pending.offered = cluster.time;
      }
    }
    cluster.run(1);
  }
  return history;
}
