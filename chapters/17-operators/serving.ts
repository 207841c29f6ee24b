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
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Serving custom resources';

/**
 * What a served version does with its objects: prepare prunes them by the schema, then fills in
 * its defaults; validate checks them by the schema; cells are its printer columns' (printerCell);
 * scale (with a scale subresource) reads and
 * writes the replicas at the definition's paths. Without a schema, objects are kept as they are.
 */
export function behaviourOf(resource: ResourceType): CustomResourceBehaviour {
  throw new NotImplemented('behaviourOf', section);
}

/** The served custom resources a CRD defined, found by its name. */
function servedBy(host: ResourceHost, crd: CustomResourceDefinition): ResourceType[] {
  throw new NotImplemented('servedBy', section);
}

/**
 * A deleted CRD's clean-up, one pass: every object of the resource is deleted (once: one already
 * being deleted waits for its finalizers); when none is left, the versions are withdrawn and the
 * cleanup finalizer comes off, which lets the server remove the CRD. Returns whether objects were
 * left, so that the pass is run again later.
 */
export async function cleanUp(host: ResourceHost, crd: CustomResourceDefinition): Promise<boolean> {
  throw new NotImplemented('cleanUp', section);
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
  throw new NotImplemented('serveDefinition', section);
}

/** The definition server over a host: the CRD resource's strategy additions and sync. */
export function createDefinitionServer(host: ResourceHost): DefinitionServer {
  throw new NotImplemented('createDefinitionServer', section);
}
