// Chapter 17's modules, as the harness and the API server use them. The API server (chapter 03a)
// has one named extension point for kinds defined at run time, a ResourceHost: it serves a
// resource with a behaviour, stops serving it, and lets its owner read and delete its objects and
// write CustomResourceDefinitions. Chapter 17's serving.ts is that owner: it follows the CRDs and
// tells the host what to serve. webapp.ts is the learner's operator, which `kata run operator` runs.
import type { CustomResourceDefinition } from '../api/apiextensions.ts';
import type { FieldError } from '../api/errors.ts';
import type { ResourceType } from '../api/resources.ts';
import type { KubeObject, Scale } from '../api/types.ts';
import type { ClientConfig, Toolkit } from '../client/types.ts';
import type { TimerClock } from '../clock.ts';

/** What a custom resource does on the server beyond what every resource does. */
export interface CustomResourceBehaviour {
  /** After the server's own preparation of a create or an update: pruned, then defaulted. A copy. */
  prepare(object: KubeObject): KubeObject;
  /** The field errors of the object by its version's schema; empty when valid. */
  validate(object: KubeObject): FieldError[];
  /** The cells of the version's printer columns for an object, `now` in ms for ages. */
  cells(object: KubeObject, now: number): unknown[];
  /** The scale subresource, when the version has one. */
  scale?: {
    get(object: KubeObject): Scale;
    /** The object with `replicas` written where the definition says. A copy. */
    update(object: KubeObject, replicas: number): KubeObject;
  };
}

/** The API server's extension point for resources defined at run time. */
export interface ResourceHost {
  /** Every resource served now, built in and custom. */
  served(): ResourceType[];
  /** Serves (or serves anew) one version of a custom resource. */
  serve(resource: ResourceType, behaviour: CustomResourceBehaviour): void;
  /** Stops serving it: its paths answer 404 and discovery forgets it. Stored objects stay. */
  withdraw(resource: ResourceType): void;
  /** The stored objects of a resource, in every namespace. */
  list(resource: ResourceType): Promise<KubeObject[]>;
  /** Deletes one object as a DELETE of it would (a finalizer makes it wait). Gone already: fine. */
  deleteObject(resource: ResourceType, object: KubeObject): Promise<void>;
  /** Stores a CRD as given (its status, its finalizers), its resourceVersion the precondition. */
  updateDefinition(crd: CustomResourceDefinition): Promise<void>;
  /** Now, as RFC 3339, for conditions. */
  now(): string;
}

/** What follows the CRDs and keeps the host serving what they define (serving.ts). */
export interface DefinitionServer {
  /** A CRD before it is first stored: the cleanup finalizer on, status empty. A copy. */
  prepareForCreate(crd: CustomResourceDefinition): CustomResourceDefinition;
  /** Every rule the CRD breaks (422). */
  validate(crd: CustomResourceDefinition): FieldError[];
  /**
   * A CRD was created or changed, or found at start: serve what it defines and write its status;
   * or, once it is being deleted, delete its objects and, when none is left, take its finalizer off.
   * Resolves true when it must be looked at again later (objects still finalizing).
   */
  sync(crd: CustomResourceDefinition): Promise<boolean>;
  /** A CRD is gone from storage: nothing it defined is served any more. */
  forget(crd: CustomResourceDefinition): void;
}

/** serving.ts. */
export interface ServingModule {
  createDefinitionServer(host: ResourceHost): DefinitionServer;
}

/** What an operator is given to run: `kata run operator <file>` builds it. */
export interface OperatorOptions {
  toolkit: Toolkit;
  config: ClientConfig;
  clock?: TimerClock;
  log?: (line: string) => void;
}

/** A running operator: stop() ends its informers and workers. */
export interface RunningOperator {
  stop(): Promise<void>;
}

/** An operator's module (webapp.ts, or the learner's own file). */
export interface OperatorModule {
  runOperator(options: OperatorOptions): RunningOperator;
}
