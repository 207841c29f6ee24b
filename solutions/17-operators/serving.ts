// Serving custom resources: the part of the API server that turns CustomResourceDefinitions into
// served resources while it runs (kube-apiserver's apiextensions-apiserver). The server follows
// its CRDs and hands each one, as it is created, changed or found at start, to sync():
//
//   names clash with a served resource?   NamesAccepted False, Established False: nothing served
//   otherwise                              serve each served version (host.serve) with a behaviour
//                                          made of the schema (prune, default, validate) and the
//                                          scale paths; NamesAccepted True, Established True
//   being deleted (deletionTimestamp)      delete every object (their finalizers still hold them),
//                                          and once none is left, take the CRD's finalizer off
//
// The host (harness/contracts/apiextensions.ts) is the API server's extension point: this file
// never touches the server's routing, discovery or storage itself.
import {
  CLEANUP_FINALIZER,
  type CustomResourceDefinition,
} from '../../harness/api/apiextensions.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type {
  CustomResourceBehaviour,
  DefinitionServer,
  ResourceHost,
} from '../../harness/contracts/apiextensions.ts';
import { printerCell, scaled, scaleOf } from './columns.ts';
import { definitionStatus, namesConflict, resourcesOf, validateDefinition } from './definitions.ts';
import { applyDefaults, pruneCustomObject } from './pruning.ts';
import { validateCustomObject } from './schema.ts';

/**
 * What a served version does with its objects: prepare prunes them by the schema, then fills in
 * its defaults; validate checks them by the schema; cells are its printer columns' (printerCell);
 * scale (with a scale subresource) reads and
 * writes the replicas at the definition's paths. Without a schema, objects are kept as they are.
 */
export function behaviourOf(resource: ResourceType): CustomResourceBehaviour {
  const { schema, scale, columns } = resource.custom!;
  return {
    prepare: (object) => {
      if (!schema) return object;
      const pruned = pruneCustomObject(schema, object);
      const { metadata, ...rest } = pruned;
      return { ...(applyDefaults(schema, rest) as object), metadata } as KubeObject;
    },
    validate: (object) => (schema ? validateCustomObject(schema, object) : []),
    cells: (object, now) => columns.map((column) => printerCell(column, object, now)),
    ...(scale
      ? {
          scale: {
            get: (object: KubeObject) => scaleOf(object, scale),
            update: (object: KubeObject, replicas: number) => scaled(object, scale, replicas),
          },
        }
      : {}),
  };
}

/** The served custom resources a CRD defined, found by its name. */
function servedBy(host: ResourceHost, crd: CustomResourceDefinition): ResourceType[] {
  return host.served().filter((resource) => resource.custom?.definition === crd.metadata.name);
}

/**
 * A deleted CRD's clean-up, one pass: every object of the resource is deleted (once: one already
 * being deleted waits for its finalizers); when none is left, the versions are withdrawn and the
 * cleanup finalizer comes off, which lets the server remove the CRD. Returns whether objects were
 * left, so that the pass is run again later.
 */
export async function cleanUp(host: ResourceHost, crd: CustomResourceDefinition): Promise<boolean> {
  const served = servedBy(host, crd);
  let left = 0;
  for (const resource of served.slice(0, 1)) {
    for (const object of await host.list(resource)) {
      left++;
      if (!object.metadata.deletionTimestamp) await host.deleteObject(resource, object);
    }
    if (left > 0) left = (await host.list(resource)).length;
  }
  if (left > 0) return true;
  served.forEach((resource) => host.withdraw(resource));
  const finalizers = crd.metadata.finalizers ?? [];
  if (finalizers.includes(CLEANUP_FINALIZER)) {
    const remaining = finalizers.filter((finalizer) => finalizer !== CLEANUP_FINALIZER);
    await host.updateDefinition({ ...crd, metadata: { ...crd.metadata, finalizers: remaining } });
  }
  return false;
}

/**
 * Serves what a CRD defines: without a names conflict, each served version is served with its
 * behaviour, and versions no longer served are withdrawn; then the CRD's status
 * (definitionStatus) is written, when it changed.
 */
export async function serveDefinition(
  host: ResourceHost,
  crd: CustomResourceDefinition,
): Promise<void> {
  const conflict = namesConflict(crd, host.served());
  if (conflict === undefined) {
    const wanted = resourcesOf(crd);
    for (const old of servedBy(host, crd)) {
      if (!wanted.some((resource) => resource.version === old.version)) host.withdraw(old);
    }
    for (const resource of wanted) host.serve(resource, behaviourOf(resource));
  }
  const status = definitionStatus(crd, conflict, host.now());
  if (JSON.stringify(status) !== JSON.stringify(crd.status ?? {})) {
    await host.updateDefinition({ ...crd, status });
  }
}

/** The definition server over a host: the CRD resource's strategy additions and sync. */
export function createDefinitionServer(host: ResourceHost): DefinitionServer {
  return {
    prepareForCreate: (crd) => {
      const finalizers = crd.metadata.finalizers ?? [];
      const copy = structuredClone(crd);
      delete copy.status;
      if (!finalizers.includes(CLEANUP_FINALIZER)) {
        copy.metadata.finalizers = [...finalizers, CLEANUP_FINALIZER];
      }
      return copy;
    },
    validate: validateDefinition,
    sync: async (crd) => {
      if (crd.metadata.deletionTimestamp) return cleanUp(host, crd);
      await serveDefinition(host, crd);
      return false;
    },
    forget: (crd) => servedBy(host, crd).forEach((resource) => host.withdraw(resource)),
  };
}
