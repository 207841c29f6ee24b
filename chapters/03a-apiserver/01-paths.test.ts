import { describe, expect, test } from 'vitest';
import { builtinResources } from '../../harness/api/resources.ts';
import { collectionKey, parseResourcePath, storageKey } from './paths.ts';

const resource = (name: string) => builtinResources.find((r) => r.resource === name)!;

/** What a path names, with the resource shown by its name, for readable failures. */
function parsed(path: string) {
  const info = parseResourcePath(path, builtinResources);
  return info && { ...info, resource: info.resource.resource };
}

describe('Resources and paths', () => {
  test('a core collection in a namespace: /api/v1/namespaces/<ns>/<resource>', () => {
    expect(
      parsed('/api/v1/namespaces/default/pods'),
      'parse /api/v1/namespaces/default/pods',
    ).toEqual({ resource: 'pods', namespace: 'default' });
  });

  test('an object is the collection plus its name', () => {
    expect(parsed('/api/v1/namespaces/default/pods/web'), 'parse .../pods/web').toEqual({
      resource: 'pods',
      namespace: 'default',
      name: 'web',
    });
  });

  test('a subresource follows the name', () => {
    expect(
      parsed('/api/v1/namespaces/default/pods/web/status'),
      'parse .../pods/web/status',
    ).toEqual({ resource: 'pods', namespace: 'default', name: 'web', subresource: 'status' });
  });

  test('named groups live under /apis/<group>/<version>', () => {
    const info = parseResourcePath(
      '/apis/apps/v1/namespaces/prod/deployments/web',
      builtinResources,
    );
    expect(info?.resource, 'parse /apis/apps/v1/namespaces/prod/deployments/web').toBe(
      resource('deployments'),
    );
    expect(info?.namespace, 'its namespace').toBe('prod');
    expect(info?.name, 'its name').toBe('web');
  });

  test('a namespaced resource without a namespace is the list across all namespaces', () => {
    expect(parsed('/api/v1/pods'), 'parse /api/v1/pods').toEqual({ resource: 'pods' });
  });

  test('cluster-scoped resources have no namespace segment', () => {
    expect(parsed('/api/v1/nodes/node-1'), 'parse /api/v1/nodes/node-1').toEqual({
      resource: 'nodes',
      name: 'node-1',
    });
  });

  test('namespaces are a resource too: /api/v1/namespaces/<name> is the namespace object', () => {
    expect(parsed('/api/v1/namespaces/default'), 'parse /api/v1/namespaces/default').toEqual({
      resource: 'namespaces',
      name: 'default',
    });
    expect(
      parsed('/api/v1/namespaces/default/status'),
      'parse /api/v1/namespaces/default/status',
    ).toEqual({
      resource: 'namespaces',
      name: 'default',
      subresource: 'status',
    });
  });

  test('a trailing slash names the same thing', () => {
    expect(parsed('/api/v1/namespaces/default/pods/'), 'parse .../pods/ (trailing slash)').toEqual({
      resource: 'pods',
      namespace: 'default',
    });
  });

  test('paths that name no resource give undefined', () => {
    for (const path of [
      '/',
      '/healthz',
      '/api',
      '/api/v2/pods',
      '/api/v1/widgets',
      '/apis/apps/v1/pods',
      '/apis/apps/v2/deployments',
      '/api/v1/pods/web',
      '/api/v1/namespaces/default/pods/web/status/extra',
      '/api/v1/namespaces/default/pods/%E0%A4%A',
      '/api//v1/pods',
    ]) {
      expect(parseResourcePath(path, builtinResources), `parse ${path}`).toBeUndefined();
    }
  });

  test('an object is stored at /registry/<resource>/<namespace>/<name>', () => {
    expect(storageKey(resource('pods'), 'default', 'web'), 'storageKey(pods, default, web)').toBe(
      '/registry/pods/default/web',
    );
    expect(
      storageKey(resource('deployments'), 'prod', 'api'),
      'storageKey(deployments, prod, api)',
    ).toBe('/registry/deployments/prod/api');
  });

  test('a cluster-scoped object is stored at /registry/<resource>/<name>', () => {
    expect(storageKey(resource('nodes'), undefined, 'node-1'), 'storageKey(nodes, -, node-1)').toBe(
      '/registry/nodes/node-1',
    );
  });

  test('a collection is a key prefix that ends in a slash, so "dev" does not match "dev2"', () => {
    expect(collectionKey(resource('pods'), 'dev'), 'collectionKey(pods, dev)').toBe(
      '/registry/pods/dev/',
    );
    expect(collectionKey(resource('pods')), 'collectionKey(pods) across namespaces').toBe(
      '/registry/pods/',
    );
    expect(collectionKey(resource('nodes')), 'collectionKey(nodes)').toBe('/registry/nodes/');
  });
});
