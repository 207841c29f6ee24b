// `kata rollout`: kubectl's rollout commands for machines without kubectl, sending what kubectl
// sends (fact sheet B12) so the Deployment controller sees the same requests either way.
//
//   status    watch the Deployment until its rollout finishes (or passes its progress deadline)
//   history   its revisions, from its ReplicaSets' revision annotations
//   undo      put an older ReplicaSet's template back (--to-revision N; the previous by default)
//   pause     spec.paused: true; the controller stops rolling
//   resume    spec.paused: null
//   restart   a new template annotation (restartedAt), so every pod is replaced, in a rollout
//
// Each takes an ApiClient and a `print` function, so tests drive them as the CLI does.
import { stringify } from 'yaml';
import { controllerOf } from '../../api/owners.ts';
import { sameJson } from '../../api/json.ts';
import {
  changeCauseAnnotation,
  restartedAtAnnotation,
  revisionOf,
  rolloutAnnotations,
} from '../../api/rollout.ts';
import type { Deployment, PodTemplateSpec, ReplicaSet } from '../../api/types.ts';
import { isNotFound } from '../../client/errors.ts';
import type { ApiClient } from '../../client/types.ts';
import { rfc3339 } from '../../clock.ts';
import { KataError } from '../output.ts';

export type Print = (line: string) => void;

const hashLabel = 'pod-template-hash';

/** The Deployment, or the error kubectl prints when there is none. */
async function getDeployment(client: ApiClient, namespace: string, name: string) {
  try {
    return await client.resource<Deployment>('deployments', namespace).get(name);
  } catch (error) {
    if (isNotFound(error))
      throw new KataError(`deployments.apps "${name}" not found in namespace ${namespace}`);
    throw error;
  }
}

/** The ReplicaSets whose controller ownerReference is the Deployment, as `rollout undo` finds them. */
async function replicaSetsOf(client: ApiClient, deployment: Deployment): Promise<ReplicaSet[]> {
  const list = await client
    .resource<ReplicaSet>('replicasets', deployment.metadata.namespace)
    .list();
  return list.items.filter((rs) => controllerOf(rs)?.uid === deployment.metadata.uid);
}

/** A ReplicaSet's template as its Deployment wrote it: without the pod-template-hash label. */
function templateOf(rs: ReplicaSet): PodTemplateSpec {
  const template = structuredClone(rs.spec.template);
  if (template.metadata?.labels) delete template.metadata.labels[hashLabel];
  return template;
}

/**
 * The line `rollout status` prints for a Deployment's state, and whether it is the last: kubectl's
 * checks, in kubectl's order.
 */
export function rolloutStatusLine(deployment: Deployment): { line: string; done: boolean } {
  const name = deployment.metadata.name;
  const status = deployment.status ?? {};
  const replicas = deployment.spec.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  if ((deployment.metadata.generation ?? 0) > (status.observedGeneration ?? 0))
    return { line: 'Waiting for deployment spec update to be observed...', done: false };
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded')
    throw new KataError(`deployment "${name}" exceeded its progress deadline`);
  if (updated < replicas)
    return {
      line: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`,
      done: false,
    };
  if ((status.replicas ?? 0) > updated)
    return {
      line: `Waiting for deployment "${name}" rollout to finish: ${(status.replicas ?? 0) - updated} old replicas are pending termination...`,
      done: false,
    };
  if ((status.availableReplicas ?? 0) < updated)
    return {
      line: `Waiting for deployment "${name}" rollout to finish: ${status.availableReplicas ?? 0} of ${updated} updated replicas are available...`,
      done: false,
    };
  return { line: `deployment "${name}" successfully rolled out`, done: true };
}

/** Prints each new status line until the rollout is done; throws past the progress deadline. */
export async function rolloutStatus(
  client: ApiClient,
  namespace: string,
  name: string,
  print: Print,
  signal?: AbortSignal,
): Promise<void> {
  const deployments = client.resource<Deployment>('deployments', namespace);
  let current = await getDeployment(client, namespace, name);
  let last = '';
  for (;;) {
    const { line, done } = rolloutStatusLine(current);
    if (line !== last) print(line);
    last = line;
    if (done) return;
    // Watch from what was read; a watch the server ends is simply opened again.
    let changed = false;
    for await (const event of deployments.watch({
      fieldSelector: `metadata.name=${name}`,
      resourceVersion: current.metadata.resourceVersion,
      signal,
    })) {
      if (event.type === 'DELETED') throw new KataError(`deployment "${name}" was deleted`);
      if (event.type === 'BOOKMARK') continue;
      current = event.object;
      changed = true;
      break;
    }
    if (signal?.aborted) return;
    if (!changed) current = await getDeployment(client, namespace, name);
  }
}

/** `rollout history`: each revision and its change cause; with a revision, its pod template. */
export async function rolloutHistory(
  client: ApiClient,
  namespace: string,
  name: string,
  print: Print,
  revision?: number,
): Promise<void> {
  const deployment = await getDeployment(client, namespace, name);
  const replicaSets = (await replicaSetsOf(client, deployment))
    .filter((rs) => revisionOf(rs) > 0)
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  if (revision !== undefined) {
    const rs = replicaSets.find((candidate) => revisionOf(candidate) === revision);
    if (!rs) throw new KataError(`unable to find the specified revision ${revision}`);
    print(`deployment.apps/${name} with revision #${revision}`);
    print('Pod Template:');
    for (const line of stringify(templateOf(rs)).trimEnd().split('\n')) print(`  ${line}`);
    return;
  }
  print(`deployment.apps/${name} `);
  print('REVISION  CHANGE-CAUSE');
  for (const rs of replicaSets) {
    const cause = rs.metadata.annotations?.[changeCauseAnnotation] ?? '<none>';
    print(`${String(revisionOf(rs)).padEnd(10)}${cause}`);
  }
}

/**
 * `rollout undo`: the template of revision `toRevision` (0: the one before the current) put back
 * with a JSON patch, with that ReplicaSet's annotations, as kubectl does.
 */
export async function rolloutUndo(
  client: ApiClient,
  namespace: string,
  name: string,
  print: Print,
  toRevision = 0,
): Promise<void> {
  const deployment = await getDeployment(client, namespace, name);
  if (deployment.spec.paused)
    throw new KataError(
      `you cannot rollback a paused deployment; resume it first with 'kata rollout resume deployment/${name}' and try again`,
    );
  const replicaSets = (await replicaSetsOf(client, deployment)).sort(
    (a, b) => revisionOf(b) - revisionOf(a),
  );
  const target =
    toRevision === 0 ? replicaSets[1] : replicaSets.find((rs) => revisionOf(rs) === toRevision);
  if (!target) {
    throw new KataError(
      toRevision === 0
        ? 'no rollout history found for deployment "' + name + '"'
        : `unable to find specified revision ${toRevision} in history`,
    );
  }
  const template = templateOf(target);
  if (sameJson(template, deployment.spec.template)) {
    print(
      `deployment.apps/${name} skipped rollback (current template already matches revision ${revisionOf(target)})`,
    );
    return;
  }
  // The ReplicaSet's annotations, but the Deployment keeps its own rollout bookkeeping.
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(target.metadata.annotations ?? {}))
    if (!rolloutAnnotations.includes(key)) annotations[key] = value;
  for (const key of rolloutAnnotations) {
    const own = deployment.metadata.annotations?.[key];
    if (own !== undefined) annotations[key] = own;
  }
  await client.resource<Deployment>('deployments', namespace).patch(
    name,
    [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ],
    'json',
  );
  print(`deployment.apps/${name} rolled back`);
}

/** `rollout pause` and `rollout resume`: spec.paused true, or removed. */
export async function rolloutPause(
  client: ApiClient,
  namespace: string,
  name: string,
  print: Print,
  paused: boolean,
): Promise<void> {
  const deployment = await getDeployment(client, namespace, name);
  if (Boolean(deployment.spec.paused) === paused) {
    print(`deployment.apps/${name} already ${paused ? 'paused' : 'resumed'}`);
    return;
  }
  await client
    .resource<Deployment>('deployments', namespace)
    .patch(name, { spec: { paused: paused ? true : null } }, 'strategic');
  print(`deployment.apps/${name} ${paused ? 'paused' : 'resumed'}`);
}

/** `rollout restart`: a restartedAt annotation on the pod template, so a new rollout. */
export async function rolloutRestart(
  client: ApiClient,
  namespace: string,
  name: string,
  print: Print,
  now = new Date(),
): Promise<void> {
  const deployment = await getDeployment(client, namespace, name);
  if (deployment.spec.paused)
    throw new KataError(
      `deployments "${name}" can't restart paused deployment (run rollout resume first)`,
    );
  const restartedAt = rfc3339(now.getTime());
  await client.resource<Deployment>('deployments', namespace).patch(
    name,
    {
      spec: { template: { metadata: { annotations: { [restartedAtAnnotation]: restartedAt } } } },
    },
    'strategic',
  );
  print(`deployment.apps/${name} restarted`);
}
