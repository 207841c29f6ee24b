import request from 'supertest';
import { afterEach, describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import { examplePod } from '../../harness/api/examples.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import { WatchReader } from '../../harness/api/watch-reader.ts';
import { MemoryStoreClient } from '../../harness/testing/memory-store-client.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { createApiServer, type ApiServer } from '../../solutions/03a-apiserver/server.ts';
import { checkFields, createSelectors, matchesFields, parseFieldSelector } from './selectors.ts';

const resource = (name: string) => builtinResources.find((r) => r.resource === name)!;

const servers: ApiServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** chapter 03a's API server, with this chapter's selectors. */
async function setup() {
  const server = await createApiServer({
    store: new MemoryStoreClient(new Store()),
    selectors: createSelectors(),
  });
  servers.push(server);
  return { server, api: request(server.app) };
}

const PODS = '/api/v1/namespaces/default/pods';
const names = (body: { items: KubeObject[] }) => body.items.map((item) => item.metadata.name);

/** A pod on a node (or none), in a phase. */
function pod(name: string, nodeName?: string, labels: Record<string, string> = { app: name }) {
  const object = examplePod(name, labels);
  if (nodeName) object.spec.nodeName = nodeName;
  return object;
}

function checkError(run: () => void): ApiError {
  try {
    run();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected an error');
}

describe('Field selectors', () => {
  test('field=value, field==value and field!=value, joined by commas', () => {
    expect(
      parseFieldSelector('metadata.name=web,status.phase!=Running,spec.nodeName==n1'),
      'parse three terms',
    ).toEqual([
      { field: 'metadata.name', operator: 'Equals', value: 'web' },
      { field: 'status.phase', operator: 'NotEquals', value: 'Running' },
      { field: 'spec.nodeName', operator: 'Equals', value: 'n1' },
    ]);
    expect(parseFieldSelector(''), 'parse ""').toEqual([]);
  });

  test('a backslash escapes a comma, an equals sign or a backslash in a value', () => {
    expect(
      parseFieldSelector('metadata.name=a\\,b\\=c\\\\d'),
      'parse "metadata.name=a\\,b\\=c\\\\d"',
    ).toEqual([{ field: 'metadata.name', operator: 'Equals', value: 'a,b=c\\d' }]);
  });

  test('a term without an operator is a 400', () => {
    const error = checkError(() => parseFieldSelector('metadata.name'));
    expect([error.code, error.reason], 'parse "metadata.name"').toEqual([400, 'BadRequest']);
  });

  test('a missing field reads as "": spec.nodeName= selects pods not yet scheduled', () => {
    const requirements = parseFieldSelector('spec.nodeName=');
    expect(
      matchesFields(requirements, pod('waiting')),
      'spec.nodeName= on an unscheduled pod',
    ).toBe(true);
    expect(
      matchesFields(requirements, pod('placed', 'node-1')),
      'spec.nodeName= on a pod on node-1',
    ).toBe(false);
  });

  test('every resource has metadata.name and metadata.namespace; pods also spec.nodeName and status.phase', () => {
    expect(
      () =>
        checkFields(
          parseFieldSelector('metadata.name=a,metadata.namespace=b'),
          resource('deployments'),
        ),
      'checkFields of metadata.name and metadata.namespace on deployments should not throw',
    ).not.toThrow();
    expect(
      () =>
        checkFields(parseFieldSelector('spec.nodeName=n,status.phase=Running'), resource('pods')),
      'checkFields of spec.nodeName and status.phase on pods should not throw',
    ).not.toThrow();
  });

  test("any other field is a 400 in Kubernetes' words", () => {
    const pods = checkError(() =>
      checkFields(parseFieldSelector('spec.magic=1'), resource('pods')),
    );
    expect([pods.code, pods.message], 'pods by spec.magic').toEqual([
      400,
      'field label not supported: spec.magic',
    ]);
    const deployments = checkError(() =>
      checkFields(parseFieldSelector('spec.replicas=1'), resource('deployments')),
    );
    expect(deployments.message, 'deployments by spec.replicas').toBe(
      '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  });

  test("events are selected by every field of kube's event strategy; source is the component, else reportingComponent", () => {
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.1', namespace: 'default' },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        name: 'web',
        fieldPath: 'spec.containers{app}',
      },
      reportingComponent: 'kubelet',
    } as KubeObject;
    const selector =
      'involvedObject.apiVersion=v1,involvedObject.kind=Pod,involvedObject.fieldPath=spec.containers{app},source=kubelet,reportingComponent=kubelet';
    const requirements = parseFieldSelector(selector);
    expect(
      () => checkFields(requirements, resource('events')),
      `checkFields of ${selector} on events should not throw`,
    ).not.toThrow();
    expect(
      matchesFields(requirements, event, 'events'),
      `${selector} on an Event with no source, reportingComponent kubelet`,
    ).toBe(true);
    expect(
      matchesFields(parseFieldSelector('source=scheduler'), event, 'events'),
      'source=scheduler on an Event reported by kubelet',
    ).toBe(false);
  });

  test('a list with ?labelSelector= has only the selected objects', async () => {
    const { api } = await setup();
    await api.post(PODS).send(pod('web-1', undefined, { app: 'web', tier: 'front' }));
    await api.post(PODS).send(pod('web-2', undefined, { app: 'web' }));
    await api.post(PODS).send(pod('db', undefined, { app: 'db' }));
    const response = await api.get(PODS).query({ labelSelector: 'app=web,tier' });
    expect(names(response.body), `GET ${PODS}?labelSelector=app=web,tier`).toEqual(['web-1']);
    expect(
      response.body.metadata.resourceVersion,
      'a filtered list still has a resourceVersion',
    ).toMatch(/^\d+$/);
  });

  test('a list with ?fieldSelector= has only the selected objects', async () => {
    const { api } = await setup();
    await api.post(PODS).send(pod('a', 'node-1'));
    await api.post(PODS).send(pod('b', 'node-2'));
    await api.post(PODS).send(pod('c'));
    const onNode = await api.get('/api/v1/pods').query({ fieldSelector: 'spec.nodeName=node-1' });
    expect(names(onNode.body), 'GET /api/v1/pods?fieldSelector=spec.nodeName=node-1').toEqual([
      'a',
    ]);
    const unscheduled = await api.get(PODS).query({ fieldSelector: 'spec.nodeName=' });
    expect(names(unscheduled.body), `GET ${PODS}?fieldSelector=spec.nodeName=`).toEqual(['c']);
  });

  test('a bad selector on a list is a 400 Status', async () => {
    const { api } = await setup();
    const response = await api.get(PODS).query({ fieldSelector: 'spec.magic=1' });
    expect(
      [response.status, response.body.kind, response.body.message],
      `GET ${PODS}?fieldSelector=spec.magic=1`,
    ).toEqual([400, 'Status', 'field label not supported: spec.magic']);
  });

  test('a watch of one object by metadata.name, as clients watch a single object', async () => {
    const { api, server } = await setup();
    const url = await server.listen(0);
    await api.post(PODS).send(pod('web'));
    const reader = new WatchReader(url, `${PODS}?watch=true&fieldSelector=metadata.name%3Dweb`);
    try {
      expect((await reader.next('the ADDED event'))?.type, 'the first event').toBe('ADDED');
      await api.post(PODS).send(pod('other'));
      await api.delete(`${PODS}/web`);
      const next = await reader.next('the next event');
      expect(
        [next?.type, (next?.object as KubeObject).metadata.name],
        'the next event (other is not watched)',
      ).toEqual(['DELETED', 'web']);
    } finally {
      reader.close();
    }
  });

  test('a watch with a selector sees objects enter the selection as ADDED and leave it as DELETED', async () => {
    const { api, server } = await setup();
    const url = await server.listen(0);
    const { body: created } = await api.post(PODS).send(pod('web', undefined, { app: 'web' }));
    const reader = new WatchReader(
      url,
      `${PODS}?watch=true&resourceVersion=${created.metadata.resourceVersion}&labelSelector=tier%3Dfront`,
    );
    try {
      await reader.started;
      const relabel = async (labels: Record<string, string>) => {
        const { body } = await api.get(`${PODS}/web`);
        await api.put(`${PODS}/web`).send({ ...body, metadata: { ...body.metadata, labels } });
      };
      await relabel({ app: 'web', tier: 'front' });
      await relabel({ app: 'web', tier: 'front', v: '2' });
      await relabel({ app: 'web' });
      const types = [
        await reader.next('ADDED'),
        await reader.next('MODIFIED'),
        await reader.next('DELETED'),
      ].map((event) => event?.type);
      expect(types, 'events as the pod gains tier=front, changes, then loses it').toEqual([
        'ADDED',
        'MODIFIED',
        'DELETED',
      ]);
    } finally {
      reader.close();
    }
  });
});
