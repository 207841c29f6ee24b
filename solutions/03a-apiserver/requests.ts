// What a request carries, read once for every handler: the body as an object of the URL's
// resource, the body's format for a PATCH, the DeleteOptions of a DELETE, the write options of
// ?dryRun, the selection of ?labelSelector and ?fieldSelector, and field validation's findings.
// Each of these reads refuses bad input with its own Status, in kube-apiserver's words.
import type { Request } from 'express';
import { ApiError } from '../../harness/api/errors.ts';
import type { ObjectPredicate, Patcher, Selectors } from '../../harness/api/machinery.ts';
import { apiVersionOf, type ResourceType } from '../../harness/api/resources.ts';
import type { DeleteOptions, KubeObject } from '../../harness/api/types.ts';
import { mediaTypeOf, objectFromBody, parseBody } from './bodies.ts';
import { queryOf, type ServerContext } from './context.ts';
import {
  checkFields,
  duplicateFields,
  fieldValidationOf,
  warningHeader,
  type VerbOptions,
} from './fields.ts';
import type { RequestInfo } from './paths.ts';
import { badRequest, unsupportedMediaType } from './status.ts';
import type { WriteOptions } from './storage.ts';

/**
 * A write's options from its ?dryRun (and, for a DELETE, its body's dryRun): "All" makes it a dry
 * run, which the storage carries out without writing. kube-apiserver knows no other value and
 * refuses one with 422 Invalid on the verb's options (CreateOptions, UpdateOptions, PatchOptions,
 * DeleteOptions), the value quoted as Go prints a []string.
 */
export function writeOptionsOf(
  query: URLSearchParams,
  optionsKind: string,
  fromBody: string[] = [],
): WriteOptions {
  const values = [...query.getAll('dryRun'), ...fromBody];
  if (values.some((value) => value !== 'All')) {
    const shown = `[]string{${values.map((value) => JSON.stringify(value)).join(', ')}}`;
    const message = `Unsupported value: ${shown}: supported values: "All"`;
    throw new ApiError(
      422,
      'Invalid',
      `${optionsKind}.meta.k8s.io "" is invalid: dryRun: ${message}`,
      {
        name: '',
        group: 'meta.k8s.io',
        kind: optionsKind,
        causes: [{ reason: 'FieldValueNotSupported', message, field: 'dryRun' }],
      },
    );
  }
  return values.length > 0 ? { dryRun: true } : {};
}

/** The body, decoded by the body decoder for its Content-Type if there is one, else parseBody. */
export function bodyOf(context: ServerContext, request: Request): unknown {
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const mediaType = mediaTypeOf(request.get('content-type'));
  const decoder = context.options.bodyDecoders?.find((each) => each.mediaType === mediaType);
  return decoder ? decoder.decode(raw) : parseBody(request.get('content-type'), raw);
}

/**
 * The body as an object of the URL's resource, in the namespace and with the name the URL gives;
 * `options` names the verb's query options (CreateOptions, UpdateOptions) for field validation.
 */
export function objectOf(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
  options: VerbOptions,
): KubeObject {
  const { resource } = info;
  const object = objectFromBody(bodyOf(context, request), {
    apiVersion: apiVersionOf(resource),
    kind: resource.kind,
  });
  const metadata = object.metadata;
  if (resource.namespaced) {
    if (metadata.namespace && info.namespace && metadata.namespace !== info.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (info.namespace) metadata.namespace = info.namespace;
  } else {
    delete metadata.namespace;
  }
  if (info.name !== undefined) {
    if (metadata.name && metadata.name !== info.name) {
      throw badRequest(
        `the name of the object (${metadata.name}) does not match the name on the URL (${info.name})`,
      );
    }
    metadata.name = info.name;
  }
  validateFields(request, options, resource, object, true);
  return object;
}

/**
 * The bodies whose text is an object in JSON, where duplicate keys can be found: no type (JSON),
 * application/json, and the merge and strategic merge patches.
 */
const JSON_OBJECT_BODY = /^(application\/((strategic-)?merge-patch\+)?json)?$/;

/**
 * Field validation (fields.ts) of an object made from the body: its unknown fields dropped and,
 * as ?fieldValidation asks, refused (400) or told in one Warning header each. `wholeObject`: the
 * body was the object (create, update), not a patch of it. Duplicate keys are found in JSON bodies.
 * `options` names the verb's query options, which a bad ?fieldValidation is refused on.
 */
export function validateFields(
  request: Request,
  options: VerbOptions,
  resource: ResourceType,
  object: KubeObject,
  wholeObject: boolean,
): void {
  const directive = fieldValidationOf(queryOf(request.originalUrl), options);
  const json = JSON_OBJECT_BODY.test(mediaTypeOf(request.get('content-type')));
  const duplicates = json ? duplicateFields(String(request.body ?? '')) : [];
  const warnings = checkFields(resource, object, { directive, duplicates, wholeObject });
  if (warnings.length > 0) request.res?.setHeader('warning', warnings.map(warningHeader));
}

/** The parsed PATCH body and its Content-Type, once the patcher is known to take it (else 415). */
export function patchOf(
  context: ServerContext,
  request: Request,
): { contentType: string; patch: unknown; patcher: Patcher } {
  const contentType = mediaTypeOf(request.get('content-type'));
  const patcher = context.options.patcher;
  if (!patcher || !patcher.contentTypes.includes(contentType)) {
    throw unsupportedMediaType(contentType, patcher?.contentTypes ?? []);
  }
  return {
    contentType,
    patch: parseBody('application/json', request.body ?? Buffer.alloc(0)),
    patcher,
  };
}

/** A patched object must still be the same object: same name, same namespace (else 400). */
export function keepIdentity(patched: KubeObject, current: KubeObject): void {
  if (typeof patched?.metadata !== 'object' || patched.metadata === null) {
    throw badRequest('the patched object has no metadata');
  }
  if (
    patched.metadata.name !== current.metadata.name ||
    patched.metadata.namespace !== current.metadata.namespace
  ) {
    throw badRequest('a patch may not change metadata.name or metadata.namespace');
  }
}

/** The DeleteOptions a DELETE carries in its body ({} when there is none). */
export function deleteOptionsOf(context: ServerContext, request: Request): DeleteOptions {
  const body =
    Buffer.isBuffer(request.body) && request.body.length > 0 ? bodyOf(context, request) : {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('the body of a DELETE must be DeleteOptions');
  }
  return body as DeleteOptions;
}

/** Without chapter 03b's selectors, only "select everything" is understood. */
const noSelectors: Selectors = {
  labelSelector: () => {
    throw badRequest('labelSelector is not supported by this server (chapter 03b adds selectors)');
  },
  fieldSelector: () => {
    throw badRequest('fieldSelector is not supported by this server (chapter 03b adds selectors)');
  },
};

/** The query's labelSelector and fieldSelector as one predicate; everything when there are none. */
export function selectionOf(
  context: ServerContext,
  query: URLSearchParams,
  resource: ResourceType,
): ObjectPredicate {
  const selectors = context.options.selectors ?? noSelectors;
  const predicates: ObjectPredicate[] = [];
  const labels = query.get('labelSelector');
  const fields = query.get('fieldSelector');
  if (labels) predicates.push(selectors.labelSelector(labels));
  if (fields) predicates.push(selectors.fieldSelector(fields, resource));
  return (object) => predicates.every((selected) => selected(object));
}
