// The leader of a three-member store (`kata up --store-replicas 3`, chapter 16b) is killed. The two
// members left are a quorum: they elect a leader within an election timeout or two, the API server,
// given every member in --etcd-servers, moves to a live one, and the cluster goes on. The learner
// shows that it goes on (scales the Deployment ledger to 3), finds the member that is down (`kata
// components`, `etcdctl endpoint status`), and brings it back (`kata restart store-N`). Verify reads
// the end state: ledger at 3, every member running, all of them naming one leader and caught up.
import type { Task, TaskScene } from '../../tasks/task.ts';
import { componentsOf, ensureRunning, killComponent, restartComponent } from '../../tasks/scene.ts';
import {
  createNamespace,
  deployment,
  deploymentAvailable,
  edit,
  removeNamespace,
  verdictOf,
  webContainer,
} from '../../tasks/workloads.ts';

const namespace = 'ledger';
/** How far a member's applied index may trail the others' and still count as caught up. */
const CAUGHT_UP_ENTRIES = 20;

/** The store's members and their client URLs. */
async function storeMembers(scene: TaskScene) {
  const members = (await componentsOf(scene)).filter((component) => component.kind === 'store');
  return members.map((member) => ({ ...member, url: member.health!.replace(/\/health$/, '') }));
}

/** etcd's StatusResponse of a member, or undefined when it does not answer. */
async function statusOf(url: string) {
  try {
    const reply = await fetch(`${url}/v3/maintenance/status`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(2000),
    });
    return (await reply.json()) as {
      leader?: string;
      raftAppliedIndex?: string;
      header?: { member_id?: string };
    };
  } catch {
    return undefined;
  }
}

async function prepare(scene: TaskScene): Promise<void> {
  const members = await storeMembers(scene);
  // A store of one member has no leader to lose and no quorum to go on with.
  if (members.length < 3)
    throw new Error('this drill needs a store of three members: kata up --store-replicas 3');
  await createNamespace(scene.client, namespace);
  await scene.client
    .resource('deployments', namespace)
    .create(deployment(namespace, 'ledger', webContainer, { replicas: 1 }));
  for (const member of members) {
    const status = await statusOf(member.url);
    if (status?.leader && status.leader === status.header?.member_id) {
      return killComponent(scene, member.name);
    }
  }
  throw new Error('no member of the store says it leads: is the store healthy?');
}

async function verify(scene: TaskScene) {
  const reasons: string[] = [];
  const found = (await scene.client
    .resource('deployments', namespace)
    .get('ledger')) as unknown as { spec: { replicas?: number } };
  if (found.spec.replicas !== 3)
    reasons.push(`Deployment ledger wants ${found.spec.replicas ?? 1} replicas, not 3`);
  else reasons.push(...(await deploymentAvailable(scene.client, namespace, 'ledger')));
  const members = await storeMembers(scene);
  const statuses = await Promise.all(members.map((member) => statusOf(member.url)));
  for (const [i, member] of members.entries()) {
    if (member.state !== 'running') reasons.push(`${member.name} is not running`);
    else if (!statuses[i]) reasons.push(`${member.name} does not answer on ${member.url}`);
  }
  const answering = statuses.filter((status) => status !== undefined);
  const leaders = new Set(answering.map((status) => status.leader));
  if (leaders.size > 1 || leaders.has('0')) reasons.push('the members do not name one leader yet');
  const applied = answering.map((status) => Number(status.raftAppliedIndex ?? 0));
  const behind = Math.max(...applied) - Math.min(...applied);
  if (answering.length === members.length && behind > CAUGHT_UP_ENTRIES)
    reasons.push(`a member trails the others by ${behind} entries: not caught up yet`);
  return verdictOf(reasons);
}

async function fix(scene: TaskScene): Promise<void> {
  await edit(scene.client, 'deployments', namespace, 'ledger', (object) => {
    (object.spec as { replicas: number }).replicas = 3;
  });
  for (const member of await storeMembers(scene)) {
    if (member.state !== 'running') await restartComponent(scene, member.name);
  }
}

async function cleanUp(scene: TaskScene): Promise<void> {
  await removeNamespace(scene.client, namespace);
  for (const member of await storeMembers(scene)) await ensureRunning(scene, member.name);
}

export const storeLeaderLost: Task = {
  name: 'store-leader-lost',
  statement:
    'One member of the store (a cluster of three) has died. Show that the cluster still works: scale the Deployment ledger in namespace ledger to 3 replicas. Then bring the store back to three healthy members.',
  domain: 'CKA: Troubleshooting',
  difficulty: 'medium',
  minutes: 8,
  prepare,
  verify,
  hint: '`kata components` shows which process is down; `etcdctl endpoint status -w table --endpoints=...` with every member shows who leads now.',
  explanation:
    "The store's leader was killed. The two members left are a quorum (two of three): after an election timeout they elected a leader (chapter 16a), and the API server, which names every member in --etcd-servers, went on with a live one, so kubectl kept working. " +
    '`kata restart store-N` brought the member back: it replayed its write-ahead log (chapter 02) and caught up from the leader, with entries or a snapshot (chapter 16b). On a real control plane: `etcdctl endpoint status` and `endpoint health`, `crictl ps` for the etcd static pod, its manifest and its log.',
  fix,
  cleanUp,
};
