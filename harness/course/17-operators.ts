// Chapter 17's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

const schema = 'Validating by the schema > ';
const pruning = 'Pruning and defaults > ';
const definition = 'The definition > ';
const columns = 'Printer columns and scale > ';
const serving = 'Serving custom resources > ';
const operator = 'The operator > ';

export const chapter17: Chapter = {
  id: '17',
  slug: 'operators',
  title: 'Custom resources and operators',
  builds:
    'CustomResourceDefinitions in the API server (served at run time once Established, in discovery and OpenAPI, validated, pruned and defaulted by their schema, with printer columns and the status and scale subresources, their objects deleted with them) and a WebApp operator on the chapter 04 toolkit (owned Deployment and Service, status through the subresource, a Ready condition, a finalizer)',
  stages: [
    {
      title: 'Types',
      from: `${schema}jsonType names a value as schemas do: integer for whole numbers, null, array, object`,
      functions: ['jsonType', 'hasType', 'validateValue'],
    },
    {
      title: 'Numbers, strings and enums',
      from: `${schema}minimum and maximum, inclusive unless exclusive: "should be greater than or equal to 0"`,
      functions: ['checkNumber', 'checkString', 'checkEnum'],
    },
    {
      title: 'Walking the schema',
      from: `${schema}objects: a missing required property is Required value; properties are checked below`,
      functions: ['checkChildren', 'validateCustomObject'],
    },
    {
      title: 'Pruning and defaults',
      from: `${pruning}isObject: only plain objects, not arrays or null`,
    },
    {
      title: 'The names of a definition',
      from: `${definition}the name must be <plural>.<group>, and the group a domain with a dot`,
      functions: ['validateNames'],
    },
    {
      title: 'Structural schemas and versions',
      from: `${definition}a schema is structural: an object at the root, and a type on every field`,
      functions: ['checkStructural', 'validateDefinition'],
    },
    {
      title: 'Resources and status',
      from: `${definition}resourcesOf: one resource per served version, with the CRD's names, scope and facts`,
      functions: ['resourcesOf', 'namesConflict', 'setCondition', 'definitionStatus'],
    },
    {
      title: 'Printer columns and scale',
      from: `${columns}parsePath reads fields, indexes and filters; anything else is an error`,
    },
    {
      title: 'Serving what a CRD defines',
      from: `${serving}behaviourOf: prepare prunes then defaults; validate by the schema; the printer cells`,
    },
    {
      title: 'What a WebApp wants',
      from: `${operator}desiredDeployment: owned by the WebApp, its replicas, image and port, pods labelled`,
      functions: [
        'labelsFor',
        'ownerReferenceTo',
        'desiredDeployment',
        'desiredService',
        'drifted',
        'webAppStatus',
      ],
    },
    {
      title: 'The operator loop',
      from: `${operator}a WebApp created: the finalizer on, its Deployment and Service made, its directory entry, its status`,
      functions: [
        'WebAppOperator constructor',
        'WebAppOperator.ownerKeys',
        'WebAppOperator.run',
        'WebAppOperator.reconcile',
        'WebAppOperator.ensure',
        'WebAppOperator.updateDirectory',
        'runOperator',
      ],
      long: "the loop's first test needs the constructor, run, reconcile, ensure and updateDirectory before anything passes: a reconcile that stops short leaves no Ready condition to see",
    },
  ],
  hints: {
    [`${schema}jsonType names a value as schemas do: integer for whole numbers, null, array, object`]:
      'null and arrays first (typeof says "object" for both); a number is "integer" when Number.isInteger. Lesson: § Validating by the schema.',
    [`${schema}hasType: an integer is a number; int-or-string takes both; null only when nullable`]:
      'null: only with nullable. x-kubernetes-int-or-string: integer or string. No type: anything. Else the same type, or an integer where a number is asked. Lesson: § Validating by the schema.',
    [`${schema}a wrong type is Invalid, its value the type found: "must be of type integer"`]:
      'In validateValue, a value without the schema\'s type is one FieldValueInvalid whose value is jsonType(value) and whose detail is "<path> in body must be of type <type>: \\"<found>\\"". Nothing below it is checked. Lesson: § Validating by the schema.',
    [`${schema}minimum and maximum, inclusive unless exclusive: "should be greater than or equal to 0"`]:
      'exclusiveMinimum turns "<" into "<=" and the words into "should be greater than"; the same for the maximum. Lesson: § Validating by the schema.',
    [`${schema}minLength, maxLength (Too long) and pattern on strings`]:
      'Count characters ([...value].length). maxLength is a FieldValueTooLong with "may not be more than N bytes" and no value; a pattern is a RegExp tested against the whole value as given. Lesson: § Validating by the schema.',
    [`${schema}enum: anything else is Unsupported value, with the supported values listed`]:
      'Compare as JSON; the detail is "supported values: " and each allowed value JSON.stringify-ed, joined by ", ". Lesson: § Validating by the schema.',
    [`${schema}objects: a missing required property is Required value; properties are checked below`]:
      'checkChildren: first every required name that is undefined, then each field with its property schema (or additionalProperties) by validateValue at "path.name". Lesson: § Validating by the schema.',
    [`${schema}arrays and maps: items by \`items\` at path[i], maxItems, map values by additionalProperties`]:
      'An array: minItems and maxItems ("should have at most N items") on the array, then each item at `${path}[${i}]`. A map value gets additionalProperties when no property names it. Lesson: § Validating by the schema.',
    [`${schema}a whole object: apiVersion, kind and metadata are the server's, the rest is checked`]:
      'Validate the object without those three, against the schema without their properties and without "metadata" in required, at path "". Lesson: § Validating by the schema.',
    [`${pruning}isObject: only plain objects, not arrays or null`]:
      'typeof "object", not null, not Array.isArray. Lesson: § Pruning and defaults.',
    [`${pruning}prune drops the fields the schema does not declare, at every level`]:
      'Arrays: each item pruned by items. Objects: keep a field only when properties names it (pruned by that schema). Anything else is returned as it is. Lesson: § Pruning and defaults.',
    [`${pruning}a map keeps every key; x-kubernetes-preserve-unknown-fields keeps everything below it`]:
      'A field no property names is kept pruned by additionalProperties when that is a schema, kept as it is when additionalProperties is true or the schema preserves unknown fields. Lesson: § Pruning and defaults.',
    [`${pruning}a whole object keeps apiVersion, kind and metadata as they are`]:
      'Prune the whole object, then put the original apiVersion, kind and metadata back on. Lesson: § Pruning and defaults.',
    [`${pruning}applyDefaults fills absent properties with their default, and nulls where not nullable`]:
      'For each declared property: undefined, or null on a schema that is not nullable, with a default → a structuredClone of the default. Lesson: § Pruning and defaults.',
    [`${pruning}defaults go deep, into items and present objects, but never create an absent parent`]:
      'Recurse into every property that is there after defaulting, into map values and array items; an absent property without a default stays absent. Lesson: § Pruning and defaults.',
    [`${pruning}a default is copied, never shared between objects`]:
      'structuredClone(property.default), never the default itself. Lesson: § Pruning and defaults.',
    [`${definition}the name must be <plural>.<group>, and the group a domain with a dot`]:
      'validateNames: spec.group required and containing "."; metadata.name compared with `${plural}.${group}`, the detail word for word. Lesson: § The definition.',
    [`${definition}plural and kind are required; plural and short names are lower-case labels`]:
      'FieldValueRequired for an empty plural or kind; then plural, singular and each short name (at spec.names.shortNames[i]) tested against a lower-case RFC 1123 label. Lesson: § The definition.',
    [`${definition}a schema is structural: an object at the root, and a type on every field`]:
      'checkStructural: at the root type must be "object"; below, a node without type is an error unless it preserves unknown fields or is int-or-string; recurse into properties[name], items and additionalProperties. Lesson: § The definition.',
    [`${definition}validateDefinition: the scope, exactly one storage version, and a schema for each version`]:
      'After validateNames: scope Namespaced or Cluster (NotSupported), the count of storage: true must be 1, and each version needs schema.openAPIV3Schema ("schemas are required"), checked by checkStructural. Lesson: § The definition.',
    [`${definition}resourcesOf: one resource per served version, with the CRD's names, scope and facts`]:
      'Filter served versions; map each to a ResourceType: singular defaults to the kind in lower case, subresources are the status and scale keys present, custom holds the definition name, schema, additionalPrinterColumns (or []), scale and the storage version. Lesson: § The definition.',
    [`${definition}namesConflict: a plural or short name another resource already has`]:
      'Leave out the resources this CRD defined itself (custom.definition), then look for the plural among resource names and each short name among short names. Lesson: § The definition.',
    [`${definition}setCondition replaces by type, and keeps lastTransitionTime while the status is the same`]:
      'Find the old condition of that type; same status: keep its lastTransitionTime. Put the new one after the others. Lesson: § The definition.',
    [`${definition}definitionStatus: names accepted and Established, or neither with the conflict`]:
      "No conflict: acceptedNames with singular and listKind filled in, NamesAccepted and Established True with their reasons, the storage version added to storedVersions. A conflict: both False, NamesAccepted's message the conflict. Lesson: § The definition.",
    [`${columns}parsePath reads fields, indexes and filters; anything else is an error`]:
      'One sticky regular expression (flag y) with three alternatives: .field, [digits], [?(@.field=="value")]; at each offset exactly one must match, else throw. Lesson: § Printer columns and scale.',
    [`${columns}valueAt follows the steps, and finds nothing where a step finds nothing`]:
      'A field reads a property, an index an array item, a filter the first item whose field equals the value (as a string). Stop with undefined at the first undefined or null. Lesson: § Printer columns and scale.',
    [`${columns}printerCell: the value, a date as an age, null for nothing`]:
      'undefined → null. A date column: humanDuration(now − Date.parse(value)) from harness/api/tables.ts. Lesson: § Printer columns and scale.',
    [`${columns}setValueAt writes a field, making the objects on the way; the original is unchanged`]:
      'structuredClone first; every step must be a field (else throw "a scale path must name fields only"); make {} where a parent is missing. Lesson: § Printer columns and scale.',
    [`${columns}scaleOf: an autoscaling/v1 Scale from the paths, with the object's identity`]:
      'metadata: name, namespace, uid, resourceVersion, creationTimestamp; spec.replicas and status.replicas by valueAt (0 when absent); selector only when the labelSelectorPath gives a string. Lesson: § Printer columns and scale.',
    [`${columns}scaled writes the replicas at specReplicasPath`]:
      'setValueAt(object, paths.specReplicasPath, replicas). Lesson: § Printer columns and scale.',
    [`${serving}behaviourOf: prepare prunes then defaults; validate by the schema; the printer cells`]:
      'prepare: pruneCustomObject, then applyDefaults on everything but metadata. validate: validateCustomObject. cells: printerCell of each column. scale only when the facts have scale paths. Lesson: § Serving custom resources.',
    [`${serving}serveDefinition serves each served version and writes NamesAccepted and Established`]:
      'namesConflict against host.served(); without one, host.serve(resource, behaviourOf(resource)) for each of resourcesOf; then definitionStatus, written by host.updateDefinition only when it differs from crd.status. Lesson: § Serving custom resources.',
    [`${serving}a names conflict serves nothing, and says why in the status`]:
      'With a conflict, skip serving but still write the status definitionStatus gives. Lesson: § Serving custom resources.',
    [`${serving}prepareForCreate puts the cleanup finalizer on and clears the status`]:
      'A copy: delete status; add CLEANUP_FINALIZER to metadata.finalizers when it is not there. Lesson: § Serving custom resources.',
    [`${serving}cleanUp deletes every object; while some are finalizing it says to come back`]:
      'List the objects of what the CRD serves; host.deleteObject each one without a deletionTimestamp; list again: any left → true. None: withdraw every version, take CLEANUP_FINALIZER off through updateDefinition, false. Lesson: § Serving custom resources.',
    [`${serving}on the API server: an Established CRD is in discovery, and its objects are pruned and defaulted`]:
      'createDefinitionServer returns prepareForCreate, validate (validateDefinition), sync (cleanUp when deletionTimestamp, else serveDefinition and false) and forget (withdraw what it served). Lesson: § Serving custom resources.',
    [`${serving}on the API server: a schema violation is a 422 naming the field`]:
      "The server adds behaviour.validate's errors to its own: check that validateCustomObject's errors come through validate. Lesson: § Serving custom resources.",
    [`${serving}on the API server: an undeclared field is a Warning, and under fieldValidation=Strict a 400`]:
      'The server names the fields behaviour.prepare drops as unknown: prune must drop spec.colour (and keep what the schema declares). Lesson: § Serving custom resources.',
    [`${serving}on the API server: defaults apply on reads too, and a second version with conversion None is served`]:
      "serveDefinition serves every served version (resourcesOf), and prepare must default the new spec.tier: the server runs the storage version's prepare on reads. Lesson: § Serving custom resources.",
    [`${serving}on the API server: Tables with the printer columns, the scale subresource, and the schema in OpenAPI`]:
      'cells and scale come from behaviourOf: the server shows cells after Name, and serves scale through scale.get and scale.update. Lesson: § Serving custom resources.',
    [`${serving}on the API server: deleting the CRD deletes its objects, then the CRD, and the kind is gone`]:
      'sync of a CRD with a deletionTimestamp runs cleanUp; forget withdraws every resource the CRD defined. Lesson: § Serving custom resources.',
    [`${operator}desiredDeployment: owned by the WebApp, its replicas, image and port, pods labelled`]:
      'labelsFor, ownerReferenceTo (controller and blockOwnerDeletion true), replicas ?? 1, one container "web" with a port "http" (port ?? 8080). Lesson: § The operator.',
    [`${operator}desiredService: owned by the WebApp, port 80 to the pods' port "http"`]:
      'The same labels as selector; one port named http, 80 → targetPort "http", TCP. Lesson: § The operator.',
    [`${operator}drifted: replicas, image or port of a Deployment; selector or ports of a Service`]:
      "Compare only what the operator decides: for a Deployment, replicas and the first container's image and containerPort; for a Service, the selector and each port's port and targetPort. Lesson: § The operator.",
    [`${operator}webAppStatus: counts from the Deployment, the selector, Ready only when every replica is`]:
      'readyReplicas ≥ spec.replicas (default 1) is Ready True AllReplicasReady; else False ReplicasNotReady "R of W replicas ready"; keep the old lastTransitionTime when the status did not change. Lesson: § The operator.',
    [`${operator}a WebApp created: the finalizer on, its Deployment and Service made, its directory entry, its status`]:
      "The constructor makes a client knowing webApps, three informers and a controller watching them (owned objects map to their owner's key). reconcile: finalizer first (patch and return), then ensure the Deployment and Service, updateDirectory, updateStatus when it changed. Lesson: § The operator.",
    [`${operator}the Deployment's pods ready: the WebApp says Ready with its readyReplicas`]:
      "A Deployment's change must come back to its owner: controller.watch(deployments, ownerKeys). Lesson: § The operator.",
    [`${operator}scaling the WebApp through its scale subresource scales its Deployment`]:
      'The scale writes spec.replicas of the WebApp; ensure sees the Deployment drifted and updates its spec. Lesson: § The operator.',
    [`${operator}a WebApp deleted: its directory entry goes, then its finalizer, then the WebApp`]:
      'A WebApp with a deletionTimestamp and the finalizer: updateDirectory(key, undefined), then patch the finalizer off; the server removes the WebApp once its last finalizer is gone. Lesson: § The operator.',
  },
};
