// Chapter 03a's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter3A: Chapter = {
  id: '03a',
  slug: 'apiserver',
  title: 'The API server',
  builds:
    'the Kubernetes REST API over the store: paths, Status errors, create/get/list/update/delete with resourceVersion and conflicts, defaults and validation, watch',
  stages: [
    {
      title: 'Reading a resource URL',
      from: 'Resources and paths > a core collection in a namespace: /api/v1/namespaces/<ns>/<resource>',
      functions: ['parseResourcePath'],
    },
    {
      title: 'Storage keys, and the first Status errors',
      from: 'Resources and paths > an object is stored at /registry/<resource>/<namespace>/<name>',
      functions: ['storageKey', 'collectionKey', 'notFound', 'alreadyExists', 'conflict'],
    },
    {
      title: 'Invalid objects and the request errors',
      from: 'Status errors > Invalid is a 422 with one cause per field; details name the Kind',
      functions: [
        'invalid',
        'badRequest',
        'noSuchPath',
        'methodNotAllowed',
        'requestEntityTooLarge',
        'unsupportedMediaType',
        'expired',
      ],
    },
    {
      title: 'Objects in and out of the store',
      from: 'Status errors > any other error becomes a 500 InternalError: the server failed, not the client',
      functions: [
        'internalError',
        'statusOf',
        'decodeObject',
        'encodeObject',
        'ObjectStorage',
        'ObjectStorage.create',
        'ObjectStorage.get',
      ],
    },
    {
      title: 'Lists, one page at a time',
      from: "Objects in the store > list reads one namespace, in name order, at the store's revision",
      functions: ['ObjectStorage.list'],
    },
    {
      title: 'Updates and deletes that compare first',
      from: 'Objects in the store > update writes the new state when the resourceVersion is current',
      functions: ['ObjectStorage.update', 'ObjectStorage.delete', 'checkPreconditions'],
    },
    {
      title: 'Store changes as Kubernetes events',
      from: 'Objects in the store > watch turns store changes into ADDED, MODIFIED and DELETED events',
      functions: ['ObjectStorage.watch'],
    },
    {
      title: 'The fields the server owns at create',
      from: 'Object metadata > timestamps are RFC 3339 in UTC with whole seconds',
      functions: ['timestamp', 'newUid', 'generateName', 'prepareForCreate'],
    },
    {
      title: 'The fields an update keeps',
      from: "Object metadata > prepareForUpdate keeps the server's fields from the stored object",
      functions: ['prepareForUpdate'],
    },
    {
      title: 'Pod defaults',
      from: 'Defaults > a pod restarts Always, gets 30 s to stop, and is scheduled by the default scheduler',
      functions: ['defaultPodSpec'],
    },
    {
      title: 'Defaults for every kind',
      from: 'Defaults > a deployment gets 1 replica, a 25%/25% rolling update, 10 old ReplicaSets and 600 s to progress',
      functions: ['applyDefaults', 'defaultPodTemplate', 'defaultTolerations'],
    },
    {
      title: 'Names and labels',
      from: 'Validation > most names are RFC 1123 subdomains: lower case, digits, "-" and ".", at most 253',
      functions: ['checkName', 'checkLabels'],
    },
    {
      title: 'Containers',
      from: 'Validation > containers are required, and are a list of objects',
      functions: ['checkContainers'],
    },
    {
      title: 'Pod specs and selectors',
      from: 'Validation > a pod needs containers',
      functions: ['checkPodSpec', 'selectorMatches'],
    },
    {
      title: 'Deployments and ReplicaSets',
      from: "Validation > a deployment needs a selector that selects its own template's pods",
      functions: ['checkWorkload'],
    },
    {
      title: 'Services, and every kind held to its rules',
      from: 'Validation > a service needs ports in 1-65535, and names for them when it has several',
      functions: ['checkService', 'validateObject'],
    },
    {
      title: 'Taints and tolerations',
      from: "Validation > a node's taint needs a key that is a label key and an effect the scheduler knows",
      functions: ['checkTaints', 'checkTolerations'],
    },
    {
      title: 'What an update may not change',
      from: "Validation > a deployment's selector cannot change after creation",
      functions: ['validateUpdate', 'defaultStrategy'],
    },
    {
      title: 'JSON and YAML bodies',
      from: 'Request bodies > a JSON body is parsed, also when no Content-Type is given',
      functions: ['parseBody'],
    },
    {
      title: 'Objects from bodies',
      from: 'Request bodies > a body must be an object: an array, a string, null or a number is a 400',
      functions: ['objectFromBody', 'bodyReaderError', 'writeOptionsOf'],
    },
    {
      title: 'What fieldValidation asks, and the types of values',
      from: 'Field validation > fieldValidation is Strict, Warn or Ignore; absent or empty means Warn',
      functions: ['fieldValidationOf', 'fitsType', 'goType'],
    },
    {
      title: 'Unknown fields, found by the description of the kinds',
      from: 'Field validation > an unknown field is dropped from the object and named by its path, list positions and all',
      functions: ['dropUnknownFields'],
    },
    {
      title: 'Duplicate keys, and Strict, Warn and Ignore',
      from: 'Field validation > a key given twice in one JSON object is a duplicate field, named by its path',
      functions: ['duplicateFields', 'checkFields', 'warningHeader'],
    },
    {
      title: 'A server that starts with its namespaces',
      from: 'Create, get and list > at start, the store holds the namespaces every cluster has',
      long: "The server's assembly cannot be cut: its first test needs the context, the app and the first namespaces together, and the seams later chapters fill (10b's connecters, 11's security) are lines in those same functions.",
      functions: [
        'createApiServer',
        'createContext',
        'setUpApp',
        'createInitialNamespaces',
        'bodyOf',
        'answer',
        'queryOf',
        'coreResource',
      ],
    },
    {
      title: 'Routing, GET, and every error a Status',
      from: 'Create, get and list > a path that names no resource is a 404 Status',
      functions: [
        'routeRequest',
        'verbOf',
        'isWatchRequest',
        'routeSubresource',
        'getObject',
        'checkPathSegments',
        'pathSegmentProblem',
        'parseResourceVersion',
      ],
    },
    {
      title: 'POST creates',
      from: 'Create, get and list > every answer is JSON, with its length',
      functions: ['createObject', 'admit', 'checkNamespaceExists', 'objectOf', 'validateFields'],
    },
    {
      title: 'Lists, and the rules of create',
      from: "Create, get and list > a list is a PodList with the store's revision as its resourceVersion",
      functions: ['listObjects', 'selectionOf'],
    },
    {
      title: 'Pages, Tables and a real port',
      from: 'Create, get and list > ?limit pages a list: metadata.continue fetches the next page, until none is left',
      functions: ['tableOf', 'listenOn', 'serveHotPath', 'closeServer'],
    },
    {
      title: 'PUT replaces',
      from: 'Update and delete > PUT with the current resourceVersion replaces the object and gives it a newer one',
      functions: ['replaceObject'],
    },
    {
      title: 'DELETE removes',
      from: 'Update and delete > DELETE of a pod answers with the pod; then it is gone',
      functions: [
        'deleteObject',
        'deleteWithOptions',
        'deleteOptionsOf',
        'checkNamespaceDeletable',
        'gracePeriodOf',
        // Every DELETE asks whether finalizers hold the object (finalizers.ts).
        'markIfFinalizing',
      ],
      long: 'every DELETE passes the finalizers hook, so markIfFinalizing comes with the first DELETE test: without it no delete works',
    },
    {
      title: 'Collections, and pods that stop gracefully',
      from: 'Update and delete > DELETE on a collection deletes every object in it and answers the List of them',
      functions: ['deleteCollection', 'markForDeletion'],
    },
    {
      title: 'Finalizers, and input that cannot hurt',
      from: 'Update and delete > DELETE with propagationPolicy Orphan marks the object with the finalizer orphan; taking the last finalizer off removes it',
      functions: ['markForOrphaning', 'removeIfFinalized'],
    },
    {
      title: 'Watch parameters and events',
      from: 'Watch > a request watches when ?watch has any value but "0" or "false"',
      functions: ['parseWatchParameters', 'watchLine', 'watchTimeoutMs', 'bookmarkEvent'],
    },
    {
      title: 'Watching over HTTP',
      from: 'Watch > ?watch=true answers 200 with a stream of JSON events',
      functions: ['serveWatch', 'watchCollection'],
    },
    {
      title: 'Tables, timeouts, bookmarks and compaction, on a real store too',
      from: "Watch > kubectl's watch asks for Tables: a row per event, the columns only in the first",
      functions: ['watchTables', 'startCompaction'],
    },
    {
      title: 'Selectors and PATCH',
      from: "Collaborators > without chapter 03b's collaborators: a PATCH is a 415 and a selector a 400",
      functions: ['patchObject', 'patchOf', 'keepIdentity'],
    },
    {
      title: 'Subresources: GET and PUT through a collaborator',
      from: 'Collaborators > GET on a subresource shows what the subresource shows',
      functions: ['serveSubresource', 'getSubresource', 'putSubresource'],
    },
    {
      title: 'PATCH and POST through a subresource',
      from: 'Collaborators > PATCH on a subresource patches what GET shows, then writes it back through the subresource',
      functions: ['patchSubresource', 'postSubresource'],
    },
    {
      title: 'Subresources that act',
      from: "Collaborators > POST on an acting subresource gets the server's verbs: list, write a status, delete the parent",
      functions: ['subresourceActions'],
    },
    {
      title: 'Body decoders, discovery, read warnings and Services',
      from: 'Collaborators > a body in a format a body decoder reads goes through it; others still go to parseBody',
      functions: [
        'serveDiscovery',
        'readWarningsOf',
        'sendReadWarnings',
        'serviceAllocation',
        'startServiceAllocator',
      ],
    },
    {
      title: 'Logs from the kubelet',
      from: "Collaborators > pods/log passes the request on to the kubelet of the pod's node, and streams its answer",
      functions: ['serveLog'],
    },
    {
      title: 'Dry run, and field validation on every write',
      from: 'Dry run > a dry-run create checks the name is free, answers the object, and writes nothing',
    },
  ],
  hints: {
    'Dry run > a dry-run create checks the name is free, answers the object, and writes nothing':
      'With options.dryRun, read the key instead of writing it: taken is alreadyExists; free, return the object as it would be stored, without a resourceVersion. Lesson: § Dry run.',
    'Dry run > a dry-run update answers the new state at the current resourceVersion, and writes nothing':
      'Run the loop as always up to the txn; with options.dryRun return next decoded at the modRevision you read, instead of writing. Lesson: § Dry run.',
    'Dry run > a dry-run delete checks the preconditions, answers the object, and it stays':
      'Read and check the preconditions as always; with options.dryRun return the object you read instead of sending the txn. Lesson: § Dry run.',
    "Validation > a node's taint needs a key that is a label key and an effect the scheduler knows":
      'checkTaints: an empty key is "name part must be non-empty" and then fails the label-key pattern too (reuse checkLabels); the effect is required and one of three. Wire it into validateObject for nodes. Lesson: § Validation.',
    'Validation > a taint needs its effect; a toleration may leave it out, to tolerate every effect':
      'One check of an effect serves both: missing or empty is FieldValueRequired for a taint and fine for a toleration (any effect); anything else must be NoSchedule, PreferNoSchedule or NoExecute. Lesson: § Validation.',
    'Validation > a toleration with no key must say Exists; its operator and effect are from short lists':
      'checkTolerations: no key needs operator Exists (Invalid); a key needs Equal or Exists (NotSupported); an effect may be empty, else it is a taint effect. Call it from checkPodSpec. Lesson: § Validation.',
    'Validation > a disruption budget sets minAvailable or maxUnavailable, not both, each a count or a percentage':
      'checkDisruptionBudget: first the both-set error at "spec", then each of minAvailable and maxUnavailable: a number must not be negative, a string must match /^\\d+%$/ and be at most 100. validateObject calls it for poddisruptionbudgets. Lesson: § Validation.',
    'Bad input > a resourceVersion that is not a revision is a 400, on a get and on a list':
      'parseResourceVersion: absent, "" and "0" are undefined; digits are a number; anything else a badRequest in kube\'s words. Call it from getObject and listObjects (parseWatchParameters uses it too). Lesson: § Bad input.',
    'Bad input > a namespace or name "." or ".." in the path is a 400, never a key of the store':
      'pathSegmentProblem says why a segment cannot be one; checkPathSegments throws badRequest for the namespace, then the name; routeRequest calls it right after parseResourcePath. Lesson: § Bad input.',
    "Collaborators > POST on an acting subresource gets the server's verbs: list, write a status, delete the parent":
      "A subresource with act: read the parent, build subresourceActions (dryRun from the query and the body's deleteOptions; deleteParent is deleteObject's work with those options) and answer 201 with what act returns. Lesson: § Collaborators.",
    "Dry run > a dryRun other than All is a 422 Invalid on the verb's options, as kube-apiserver answers":
      'writeOptionsOf: every dryRun value must be "All"; otherwise throw an ApiError 422 Invalid naming CreateOptions.meta.k8s.io, the values as Go prints a []string. createObject calls it first. Lesson: § Dry run.',
    'Dry run > a dry-run create answers 201 with the object completed (uid, creationTimestamp), and stores nothing':
      "createObject does every step as always and hands writeOptionsOf's answer to storage.create, which skips the write. Lesson: § Dry run.",
    'Dry run > a dry-run create is still validated: an invalid object is a 422, a taken name a 409':
      'Nothing is skipped but the write: validation runs before storage, and storage.create still checks the name is free in a dry run. Lesson: § Dry run.',
    'Dry run > a dry-run PUT answers the changed object and leaves the stored one as it was':
      'replaceObject (and patchObject) read writeOptionsOf(query, "UpdateOptions" / "PatchOptions") and pass it to storage.update. Lesson: § Dry run.',
    'Dry run > a dry-run PATCH answers the patched object and leaves the stored one as it was':
      'patchObject reads writeOptionsOf(query, "PatchOptions") and passes it to storage.update, as replaceObject does. Lesson: § Dry run.',
    'Dry run > a dry-run DELETE answers as a delete would, and the object stays':
      'deleteObject passes writeOptionsOf(query, "DeleteOptions", ...) to storage.delete. Lesson: § Dry run.',
    'Dry run > a DELETE whose DeleteOptions say dryRun: ["All"] deletes nothing, nor marks a pod':
      "The body's DeleteOptions.dryRun counts too (writeOptionsOf's fromBody), and markForDeletion and markForOrphaning take the write options for their storage.update. Lesson: § Dry run.",
    'Dry run > a dry-run deletecollection answers what it would delete, and deletes nothing':
      'deleteCollection deletes each object through deleteWithOptions, which reads ?dryRun with writeOptionsOf(query, "DeleteOptions", ...). Lesson: § Dry run.',
    'Dry run > a deletecollection with dryRun in its DeleteOptions body deletes nothing':
      "deleteCollection reads the request's DeleteOptions with deleteOptionsOf and hands them to deleteWithOptions for each object: their dryRun then counts as the query's does. Lesson: § Dry run.",
    'Dry run > a dry-run write through a subresource stores nothing':
      "serveSubresource's write goes through storage.update too: give it writeOptionsOf(query, the verb's options kind). Lesson: § Dry run.",
    'Dry run > a dry-run Service create shows the address it would get, and keeps none':
      "After a dry-run create, give the Service's addresses back (onDelete); after a dry-run update, rebuild the allocator from the stored Services. Lesson: § Dry run.",
    'Resources and paths > a core collection in a namespace: /api/v1/namespaces/<ns>/<resource>':
      'Split the path on "/", read the group and version (/api/v1 or /apis/<group>/<version>), then find the resource in `resources` by group, version and plural name. Lesson: § Resources and paths.',
    'Resources and paths > an object is the collection plus its name':
      'After the resource comes the name: destructure what is left of the segments as [resource, name, subresource]. Lesson: § Resources and paths.',
    'Resources and paths > a subresource follows the name':
      'The segment after the name is the subresource (status, scale, log); set it only when it is there, so that toEqual sees no undefined key. Lesson: § Resources and paths.',
    'Resources and paths > named groups live under /apis/<group>/<version>':
      '/apis/<group>/<version> takes three segments before the rest, /api/v1 only two; the core group is the empty string in `resources`. Lesson: § Resources and paths.',
    'Resources and paths > a namespaced resource without a namespace is the list across all namespaces':
      'No namespaces/<ns> prefix and no name: a RequestInfo with only the resource. Leave namespace out, not undefined. Lesson: § Resources and paths.',
    'Resources and paths > cluster-scoped resources have no namespace segment':
      'nodes is not namespaced: /api/v1/nodes/<name> is resource then name, with no namespace in the answer. Lesson: § Resources and paths.',
    'Resources and paths > namespaces are a resource too: /api/v1/namespaces/<name> is the namespace object':
      'namespaces/<x>/<y> is "inside namespace x" only when y is a namespaced resource; otherwise x is the name of a namespace object and y a subresource. Lesson: § Resources and paths.',
    'Resources and paths > a trailing slash names the same thing':
      'Drop one empty last segment before you read the rest. Lesson: § Resources and paths.',
    'Resources and paths > paths that name no resource give undefined':
      'Answer undefined, never throw: an unknown group, version or resource, an empty segment, a bad %-escape (decodeURIComponent throws), too many segments, a namespaced object without its namespace. Lesson: § Resources and paths.',
    'Resources and paths > an object is stored at /registry/<resource>/<namespace>/<name>':
      "storageKey is the collection's key prefix followed by the name. Lesson: § Resources and paths.",
    'Resources and paths > a cluster-scoped object is stored at /registry/<resource>/<name>':
      'A resource that is not namespaced has no namespace segment in its key, whatever namespace you are handed. Lesson: § Resources and paths.',
    'Resources and paths > a collection is a key prefix that ends in a slash, so "dev" does not match "dev2"':
      'collectionKey ends in "/", and storageKey is collectionKey plus the name. Lesson: § Resources and paths.',
    'Status errors > NotFound is a 404 Status naming the resource and the object':
      'Return `new ApiError(404, "NotFound", message, details)`; its status() builds the Status. Leave `group` out of details for the core group. Lesson: § Status errors.',
    'Status errors > errors are ApiErrors: code and reason are readable without building the Status':
      'Return the ApiError itself (harness/api/errors.ts), not its Status: callers throw it, and the server turns it into a Status at the very end. Lesson: § Status errors.',
    'Status errors > a resource outside the core group is named with its group: deployments.apps':
      'Name the resource with qualifiedResource from harness/api/resources.ts, and put `group` in details when it is not the core group. Lesson: § Status errors.',
    'Status errors > AlreadyExists is a 409':
      'Same shape as notFound: code 409, reason AlreadyExists, `<resource> "<name>" already exists`. Lesson: § Status errors.',
    'Status errors > Conflict is a 409 that tells the client to read the latest version again':
      'Copy Kubernetes\' message word for word: "Operation cannot be fulfilled on <resource> "<name>": the object has been modified; please apply your changes to the latest version and try again". Lesson: § Status errors.',
    'Status errors > Invalid is a 422 with one cause per field; details name the Kind':
      'details.kind is the Kind here (qualifiedKind), not the resource; each FieldError becomes a cause { reason: its type, message, field }. Lesson: § Status errors.',
    'Status errors > several field errors are listed in brackets, each with its value and why':
      'Each error reads "<field>: <body>"; the value is JSON.stringify-ed; one error stands alone, several go in [..., ...]. Lesson: § Status errors.',
    'Status errors > the request errors have their own codes and reasons':
      'One small constructor each: 400 BadRequest, 404 NotFound, 405 MethodNotAllowed, 413 RequestEntityTooLarge, 415 UnsupportedMediaType, 410 Expired; their doc comments give the messages. Lesson: § Status errors.',
    "Status errors > the request errors say what went wrong in Kubernetes' words":
      'Copy the messages from the doc comments exactly: kubectl prints them after "Error from server", and scripts match on them. Lesson: § Status errors.',
    'Status errors > Expired says which resourceVersion was too old':
      'The message is `too old resource version: <requested> (<compacted>)`, the words clients look for before they list again. Lesson: § Status errors.',
    'Status errors > any other error becomes a 500 InternalError: the server failed, not the client':
      'In statusOf, anything that is not an ApiError goes through internalError: code 500, "Internal error occurred: <message>". Lesson: § Status errors.',
    "Status errors > statusOf keeps an ApiError's own Status":
      'Check `instanceof ApiError` first and answer its status() unchanged. Lesson: § Status errors.',
    'Objects in the store > create stores the object as JSON at its key':
      'One txn: compare CREATE = 0 on the key (it does not exist), then put the JSON. A failed compare means the name is taken. Lesson: § Objects in the store.',
    "Objects in the store > the resourceVersion is the key's modRevision, and is not stored in the value":
      'Strip metadata.resourceVersion before you store; set it from the modRevision (or the txn header revision) when you read or write. Lesson: § Objects in the store.',
    'Objects in the store > creating a name that is taken is AlreadyExists (409)':
      'When the txn answers succeeded: false, throw alreadyExists(resource, name). Lesson: § Objects in the store.',
    'Objects in the store > get returns the object with its resourceVersion':
      "Range the one key, decode its value, and give it the kv's modRevision as resourceVersion. Lesson: § Objects in the store.",
    'Objects in the store > getting a missing object is NotFound (404)':
      'A range that finds no kv means no object: throw notFound(resource, name). Put the read in one private helper; update and delete need it too. Lesson: § Objects in the store.',
    "Objects in the store > list reads one namespace, in name order, at the store's revision":
      "Range [collectionKey, prefixEnd(collectionKey)); the store keeps keys sorted, and the list's revision is the range header's. Lesson: § Objects in the store.",
    'Objects in the store > list without a namespace reads every namespace':
      "collectionKey without a namespace is /registry/<resource>/, the prefix of every namespace's keys. Lesson: § Objects in the store.",
    'Objects in the store > a limit reads one page, with a continue token and the count of what remains':
      "Pass page.limit to the range. When it answers more: encodeContinue({ rv: the revision, start: the last key after the prefix + '\\\\0' }) and remainingItemCount = count - kvs.length. Lesson: § Objects in the store.",
    "Objects in the store > every page is read at the first page's revision, whatever is written in between":
      "decodeContinue(page.continue) gives { rv, start }: range from prefix + start, with revision: rv, and answer rv as the list's revision. Lesson: § Objects in the store.",
    'Objects in the store > a continue token whose revision was compacted is 410 Expired; a made-up one is 400':
      "decodeContinue throws the 400 itself; a StoreError whose message says compacted becomes an ApiError(410, 'Expired', ...). Lesson: § Objects in the store.",
    'Objects in the store > update writes the new state when the resourceVersion is current':
      "Read the kv, decode it, hand a copy to tryUpdate, and write the answer with a txn comparing MOD = the modRevision you read. Answer it at the txn header's revision. Lesson: § Objects in the store.",
    'Objects in the store > an update that names an old resourceVersion is a Conflict (409) and writes nothing':
      'If the object tryUpdate returns names a resourceVersion other than the current one, throw conflict before writing anything. Lesson: § Objects in the store.',
    'Objects in the store > an update without a resourceVersion is tried again when someone wrote in between':
      'Loop: read, call tryUpdate, txn with a compare on the modRevision you read; when the compare fails, read again. Lesson: § Objects in the store.',
    'Objects in the store > an update that changes nothing is not written':
      'Compare the new stored JSON with the old (sameJson from harness/api/json.ts); when they are the same, answer the current object without a txn. Lesson: § Objects in the store.',
    'Objects in the store > updating a missing object is NotFound':
      'The read at the top of the loop throws notFound already, if you reuse the helper get uses. Lesson: § Objects in the store.',
    "Objects in the store > delete removes the key and returns the last state at the delete's revision":
      "A txn comparing MOD = the modRevision read, with a requestDeleteRange of the key; answer the value you read, with the txn header's revision as its resourceVersion. Lesson: § Objects in the store.",
    'Objects in the store > delete checks its preconditions: a different uid or resourceVersion is a Conflict':
      'Before the txn, compare preconditions.uid and preconditions.resourceVersion (each only when given) with the object read; either mismatch is conflict. Lesson: § Objects in the store.',
    'Objects in the store > watch turns store changes into ADDED, MODIFIED and DELETED events':
      "store.watch the collection's prefix from afterRevision + 1 with prevKv: true; a PUT whose key was created by it (createRevision = modRevision) is ADDED, another PUT MODIFIED, a DELETE is the prevKv as DELETED. Lesson: § Objects in the store.",
    'Objects in the store > a watch starts after the revision it is given, and sees only its namespace':
      'startRevision is afterRevision + 1, and the key range is the collection of that namespace only: [collectionKey, prefixEnd(collectionKey)). Lesson: § Objects in the store.',
    'Objects in the store > with a selection, objects that enter it are ADDED and objects that leave it are DELETED':
      'Watch with prevKv: true and compare `selected` on the old and the new state of each event. Lesson: § Objects in the store.',
    'Objects in the store > a watch from a compacted revision ends, telling the compact revision':
      "Pass the store watch's onEnd straight to handlers.onEnd: it carries compactRevision when the start was compacted. Lesson: § Objects in the store.",
    'Object metadata > timestamps are RFC 3339 in UTC with whole seconds':
      'toISOString gives milliseconds: cut ".678Z" down to "Z". Lesson: § Object metadata.',
    'Object metadata > a uid is a version 4 UUID drawn from the random source':
      'Draw 32 hex digits with Math.floor(random() * 16), then fix digit 12 to "4" and digit 16 to one of "89ab". Lesson: § Object metadata.',
    'Object metadata > generateName adds 5 characters from the no-vowel alphabet':
      'Five times, take NAME_ALPHABET[Math.floor(random() * NAME_ALPHABET.length)] and append it to the prefix. Lesson: § Object metadata.',
    'Object metadata > generateName cuts a long prefix to 58 characters, so the name fits in 63':
      'prefix.slice(0, 58) before the five random characters: 58 + 5 = 63, the longest DNS label. Lesson: § Object metadata.',
    'Object metadata > prepareForCreate sets uid, creationTimestamp and generation 1':
      'Work on structuredClone(object): set metadata.uid (newUid), creationTimestamp (timestamp of clock.now()) and generation 1. Lesson: § Object metadata.',
    "Object metadata > prepareForCreate ignores what the client says about the server's fields, and copies":
      'Overwrite uid, creationTimestamp and generation whatever was sent, delete resourceVersion (and the deletion marks), and never touch the object you were given. Lesson: § Object metadata.',
    'Object metadata > prepareForCreate completes a generateName when there is no name':
      'Only when metadata.name is empty and generateName is set: name = generateName(generateName, random). Keep generateName itself. Lesson: § Object metadata.',
    "Object metadata > new pods start Pending; a deployment's status starts empty, whatever the client sent":
      'Keep a small table of the status each resource starts with (pods { phase: Pending }, deployments {}, replicasets { replicas: 0 }, services { loadBalancer: {} }) and replace what was sent. Lesson: § Object metadata.',
    "Object metadata > prepareForUpdate keeps the server's fields from the stored object":
      "On a copy of next, set uid, creationTimestamp, generateName and the deletion marks to current's (delete them where current has none). Lesson: § Object metadata.",
    'Object metadata > generation moves by one when the spec changes, not when only metadata does':
      'Compare everything but apiVersion, kind, metadata and status with sameJson. Lesson: § Object metadata.',
    'Object metadata > a write to the object keeps its stored status; a write to /status takes the new one':
      'Without a subresource, and when resource.subresources includes "status", copy current.status onto the result; with subresource "status", keep next\'s. Lesson: § Object metadata.',
    'Object metadata > a write to /status does not move generation':
      'A status write changes no desired state, so the sameJson comparison of everything but metadata and status keeps generation as it was. Lesson: § Object metadata.',
    'Object metadata > the resourceVersion the client sent stays: the store checks it':
      'Do not delete metadata.resourceVersion in prepareForUpdate: storage.update compares it with the current one. Lesson: § Object metadata.',
    'Defaults > a pod restarts Always, gets 30 s to stop, and is scheduled by the default scheduler':
      'Use `??=` so that a field the client set is never changed. Lesson: § Defaults.',
    'Defaults > an image without a tag, or tagged latest, is pulled Always; a pinned one IfNotPresent':
      'The tag is after the last ":" of the last "/"-separated part (registry:5000 is a port, not a tag); no tag means latest; an image pinned by "@" digest is IfNotPresent. Lesson: § Defaults.',
    'Defaults > a container writes its termination message to /dev/termination-log, and its ports are TCP':
      'Default each container: terminationMessagePath, terminationMessagePolicy "File", and protocol "TCP" on each of its ports. Lesson: § Defaults.',
    'Defaults > init containers get the same defaults as containers':
      'Run the same container defaulting over spec.initContainers as over spec.containers, when it is a list. Lesson: § Defaults.',
    'Defaults > unset resources and securityContext are stored as {}, the way Go writes an empty struct':
      'container.resources ??= {} beside the other container defaults, and spec.securityContext ??= {} beside the pod ones. Lesson: § Defaults.',
    'Defaults > a spec of the wrong shape is left as it is, for validation to report':
      'Return early when the spec is not an object, skip containers that are not objects, and guess a pull policy only for a string image: defaults never throw. Lesson: § Defaults.',
    'Defaults > a deployment gets 1 replica, a 25%/25% rolling update, 10 old ReplicaSets and 600 s to progress':
      "Keep one defaulting function per resource in a table keyed by resource name; a deployment's also defaults its template with defaultPodTemplate (which calls defaultPodSpec). Lesson: § Defaults.",
    "Defaults > a replica set gets 1 replica, and its template's pod spec the pod defaults":
      'replicas ??= 1, then defaultPodTemplate on spec.template when there is one; replicationcontrollers share the replicasets entry. Lesson: § Defaults.',
    'Defaults > every pod tolerates the not-ready and unreachable NoExecute taints for 300 s, unless it already tolerates them':
      'defaultTolerations, called from the pods entry only: for each of defaultTolerationKeys, push an Exists/NoExecute/300 toleration unless one already has that key (or none) and effect NoExecute (or none). Lesson: § Defaults.',
    'Defaults > a pod template is defaulted exactly as a pod, and a null creationTimestamp in it means none':
      'defaultPodTemplate: delete metadata.creationTimestamp when it is null (=== null), then defaultPodSpec(template.spec). Lesson: § Defaults.',
    'Defaults > a template sent back by a Go client (kubectl rollout undo) is stored as the one first stored':
      'Default the templates of deployments and replicasets with defaultPodTemplate, so the null creationTimestamp goes and every default already there stays as it is. Lesson: § Defaults.',
    'Defaults > a service is a ClusterIP service whose ports target the same port number over TCP':
      'type ClusterIP, sessionAffinity None, and for each port object protocol TCP and targetPort ??= port. Lesson: § Defaults.',
    'Defaults > a network policy is for Ingress, and for Egress too when it has egress rules, unless it names its types':
      'networkpolicies: leave a non-empty spec.policyTypes alone; else ["Ingress"], and push "Egress" when spec.egress is a list with at least one rule (an empty list is no rule, as Kubernetes counts them). Lesson: § Defaults.',
    'Defaults > a namespace starts Active with the finalizer kubernetes; a secret is Opaque':
      'namespaces: spec.finalizers ["kubernetes"] and status.phase "Active" (creating spec and status when missing); secrets: type "Opaque". Lesson: § Defaults.',
    'Defaults > defaults never change a field the client set':
      'Every default is `??=`, and rollingUpdate is defaulted only when the strategy type is RollingUpdate. Lesson: § Defaults.',
    'Defaults > a kind without defaults, or an object without a spec, is left as it is':
      'Look the resource up in your table with `?.` (no entry: nothing to do), and return early from each entry when its spec is not an object. Lesson: § Defaults.',
    'Validation > most names are RFC 1123 subdomains: lower case, digits, "-" and ".", at most 253':
      'Take { pattern, maxLength, explain } from nameRules[rule] (harness/api/names.ts): too long first, then the whole name against new RegExp(`^${pattern}$`). Lesson: § Validation.',
    'Validation > namespace names are RFC 1123 labels (no dots); service names must start with a letter':
      'Nothing new if checkName reads its rule from nameRules: label and label1035 differ only in pattern, length and explanation. Lesson: § Validation.',
    'Validation > label values are short, simple words':
      'For each [key, value] of the labels: a value that is not a string, longer than 63 or not matching LABEL_VALUE is FieldValueInvalid at `<field>[<key>]`. Lesson: § Validation.',
    'Validation > a label key is a name of at most 63 characters, after an optional DNS prefix and a slash':
      'Split the key at its last "/": the prefix (if any) must pass checkName as a subdomain, the name must be at most 63 characters and match LABEL_NAME; a bad key is FieldValueInvalid at the field itself. Lesson: § Validation.',
    'Validation > labels are a map of strings: a list is invalid, and so is a value that is no string':
      'undefined is fine; an array, null or anything not an object is one FieldValueInvalid at the field with detail "must be a map", and nothing more. Lesson: § Validation.',
    'Validation > containers are required, and are a list of objects':
      'Missing or [] is Required only when `required`; not an array is Invalid ("must be a list"); then each element that is not an object is Invalid at `<field>[i]` and skipped. Lesson: § Validation.',
    'Validation > every container has a unique name and an image, and its ports are 1-65535':
      'Keep a Set of the names seen: empty is Required, seen before is Duplicate. An empty image is Required. A port must be an integer from 1 to 65535 (Number.isInteger). Lesson: § Validation.',
    'Validation > a container name is an RFC 1123 label':
      'A name that is not a string or fails checkName(name, "label") is FieldValueInvalid, with checkName\'s reason as its detail. Lesson: § Validation.',
    'Validation > ports are a list, and each has a whole containerPort':
      'ports that is not an array is Invalid at `.ports`; a port without containerPort is Required, one that is not a whole number in range is Invalid. Lesson: § Validation.',
    'Validation > a port that is null or a number is a missing containerPort, not a crash':
      "Read each port's containerPort with `port?.containerPort` (a number has none either): undefined is Required, never a TypeError. Lesson: § Validation.",
    'Validation > a pod needs containers':
      'A spec that is not an object is Required at `<field>.containers` and nothing more; otherwise checkContainers(spec.containers, `<field>.containers`, errors, true). Lesson: § Validation.',
    'Validation > restartPolicy is one of Always, OnFailure and Never':
      'A restartPolicy not in allowedRestartPolicies is FieldValueNotSupported, detail `supported values: ` and the allowed ones quoted and joined with ", ". Lesson: § Validation.',
    'Validation > init containers are checked like containers, but a pod may have none':
      'checkContainers(spec.initContainers, `<field>.initContainers`, errors, false): the same rules, not required. Lesson: § Validation.',
    'Validation > a selector selects labels that have every matchLabels pair and keep every expression':
      'Every matchLabels pair must be there; for each expression, In needs the key with one of the values, NotIn the key missing or with none of them, Exists the key, DoesNotExist no key (Object.hasOwn). Lesson: § Validation.',
    "Validation > a deployment needs a selector that selects its own template's pods":
      'A selector with neither matchLabels nor matchExpressions is Required; otherwise selectorMatches(selector, template labels) must hold, else Invalid at spec.template.metadata.labels. Lesson: § Validation.',
    'Validation > a selector may use matchExpressions':
      'Nothing new if the check goes through selectorMatches: a selector of only matchExpressions is not empty. Lesson: § Validation.',
    "Validation > replicas cannot be negative, and a controller's pods must restart Always":
      'replicas must be a whole number of at least 0; the template\'s pod spec goes through checkPodSpec(spec.template.spec, "spec.template.spec", errors, ["Always"]). Lesson: § Validation.',
    'Validation > a workload without a spec needs a selector and a template with containers':
      "No spec: Required at spec.selector and spec.template.spec.containers, then stop. With one, check the template's labels with checkLabels at spec.template.metadata.labels. Lesson: § Validation.",
    'Validation > a service needs ports in 1-65535, and names for them when it has several':
      'No ports (or []) is Required at spec.ports; with more than one port, a missing name is Required and a repeated one Duplicate; each port is checked like a containerPort. Lesson: § Validation.',
    'Validation > an ExternalName service needs no ports; an unknown type is refused':
      'Check type first (NotSupported unless ClusterIP, NodePort, LoadBalancer or ExternalName), then stop for ExternalName; no spec at all is Required at spec.ports. Lesson: § Validation.',
    'Validation > the example objects are valid':
      "validateObject returns a list of FieldErrors, [] when all is well: the name rule, the labels, then each kind's own check. Lesson: § Validation.",
    'Validation > an object needs a name':
      'An empty or missing metadata.name is FieldValueRequired with detail "name or generateName is required" (create fills a generateName in before validating). Lesson: § Validation.',
    "Validation > each resource's names follow its own rule, and every kind's labels are checked":
      'checkName(name, resource.nameRule), and checkLabels(metadata.labels, "metadata.labels") for every kind, not only pods. Lesson: § Validation.',
    'Validation > each kind is held to its own rules':
      'A small table from resource name to check: pods → checkPodSpec(spec, "spec"), deployments and replicasets → checkWorkload, services → checkService. Lesson: § Validation.',
    "Validation > a deployment's selector cannot change after creation":
      'For deployments and replicasets, when !sameJson(next.spec.selector, current.spec.selector): FieldValueInvalid at spec.selector, detail "field is immutable". Lesson: § Validation.',
    "Validation > a resource's strategy puts it together: fields and defaults at create, the rules, and what an update may not change":
      'defaultStrategy(resource): prepareForCreate then applyDefaults; validate is validateObject; prepareForUpdate is applyDefaults on next, then prepareForUpdate; validateUpdate is validateObject then validateUpdate. Lesson: § Validation.',
    "Validation > a pod's spec cannot change after creation, except its images":
      'Compare the two specs with the images blanked out (in containers and initContainers); any other difference is FieldValueForbidden at spec. Lesson: § Validation.',
    "Validation > a pod's deadline, tolerations and grace period may change; its restartPolicy may not":
      'Before comparing, also leave out activeDeadlineSeconds, tolerations and terminationGracePeriodSeconds: everything else, restartPolicy included, must stay. Lesson: § Validation.',
    "Validation > a replica set's selector cannot change either; a service's spec may":
      'The selector rule is for replicasets as well as deployments; other kinds have no update rule, so answer []. Lesson: § Validation.',
    'Request bodies > a JSON body is parsed, also when no Content-Type is given':
      'mediaTypeOf(contentType) || "application/json", then JSON.parse of the bytes as UTF-8 (Buffer.from(raw).toString("utf8")). Lesson: § Request bodies.',
    'Request bodies > a YAML body is read as one document (Content-Type: application/yaml)':
      'parseDocument(source, { uniqueKeys: false }) from the yaml package, then document.toJS(). Lesson: § Request bodies.',
    'Request bodies > a body that is not JSON is a 400 that says why':
      "Catch JSON.parse's SyntaxError and throw badRequest(`the request body is not valid JSON: ${message}`). Lesson: § Request bodies.",
    'Request bodies > YAML that does not parse, or holds several documents, is a 400':
      "parseDocument does not throw: look at document.errors (several documents is one of them) and throw badRequest with the first one's message. Lesson: § Request bodies.",
    'Request bodies > a body in a format the server does not read is a 415 that lists the formats it reads':
      'Any media type but JSON and YAML: throw unsupportedMediaType(mediaType, BODY_MEDIA_TYPES). Lesson: § Request bodies.',
    'Request bodies > a body nested deeper than 100 levels is a 400, found without recursion':
      'Walk the parsed value with your own stack of [value, depth] pairs (no recursion: 50,000 levels would overflow it) and throw badRequest once a depth passes MAX_DEPTH. Lesson: § Request bodies.',
    'Request bodies > YAML aliases cannot blow a small body up into a huge one':
      'document.toJS({ maxAliasCount: 100 }) throws on a body that expands too much: catch it and throw badRequest. Lesson: § Request bodies.',
    'Request bodies > a body must be an object: an array, a string, null or a number is a 400':
      'typeof body === "object", not null, not Array.isArray: anything else is badRequest. Lesson: § Request bodies.',
    'Request bodies > metadata is an object, {} when left out; its name, namespace and resourceVersion are strings':
      'metadata ??= {}; then it must be a plain object, and each of name, generateName, namespace and resourceVersion undefined or a string, else badRequest. Lesson: § Request bodies.',
    "Request bodies > apiVersion and kind are filled in when left out, and must be those of the URL's resource":
      "With `expected`: a given apiVersion or kind that differs is badRequest with Kubernetes' message; answer { apiVersion, kind, ...object } so they come first. Lesson: § Request bodies.",
    "Request bodies > the body reader's errors: too large is a 413, an unknown charset a 415, the rest 400":
      'Switch on error.type: "entity.too.large" → requestEntityTooLarge(maxBodyBytes), "encoding.unsupported" or "charset.unsupported" → a 415 ApiError with the error\'s message, anything else badRequest. Lesson: § Request bodies.',
    'Create, get and list > at start, the store holds the namespaces every cluster has':
      "createApiServer: createContext (a new ObjectStorage, the options' defaults, the registry of strategies, the Express app), then await createInitialNamespaces: the namespaces' strategy.prepareForCreate and storage.create for each of initialNamespaces. Lesson: § Create, get and list.",
    'Create, get and list > each of them is stored as a create would store it: uid, creation time, defaults':
      "Give the namespaces' strategy a Namespace object { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } and the context's makers: its prepareForCreate (the server's fields, then the defaults) does the rest. Lesson: § Create, get and list.",
    'Create, get and list > started again on the same store, the server finds its namespaces there and writes nothing':
      "Catch the error of storage.create and let an AlreadyExists pass: the store may be an old one. The create's compare keeps it from writing. Lesson: § Create, get and list.",
    'Create, get and list > a store that refuses writes at start makes createApiServer fail with its error':
      'Rethrow every error but AlreadyExists, and await createInitialNamespaces before createApiServer resolves, so a server never comes up half made. Lesson: § Create, get and list.',
    "Create, get and list > the body reader's refusals are Statuses too: too large is a 413, an unknown encoding a 415":
      'app.use(express.raw({ type: () => true, limit: maxBodyBytes })), and an error handler (four parameters) that answers statusOf of bodyReaderError(error) when the error has a `type`, of the error itself otherwise. Lesson: § Create, get and list.',
    'Create, get and list > a path that names no resource is a 404 Status':
      'In routeRequest: split request.originalUrl into path and query, parseResourcePath; undefined is noSuchPath(). An unknown subresource is noSuchPath too (routeSubresource). Lesson: § Create, get and list.',
    'Create, get and list > a verb a path does not take is a 405 Status':
      'verbOf names the verb; look it up in verbHandlers.collection or verbHandlers.object (handlers.ts) as the path names one or not: no handler (PUT on a collection, POST on an object, OPTIONS) is methodNotAllowed(). Lesson: § Create, get and list.',
    "Create, get and list > each request has kube's verb: get, list, watch, create, update, patch, delete, deletecollection":
      'verbOf: switch on the method; GET is get with a name, else watch when isWatchRequest(query), else list; DELETE is delete with a name, else deletecollection; any other method undefined. Lesson: § Create, get and list.',
    'Create, get and list > GET of a missing object is a 404 Status':
      'getObject is storage.get: its notFound reaches the error handler, which answers the Status with its code. Lesson: § Create, get and list.',
    'Create, get and list > GET /api/v1/namespaces/<name> finds each of them':
      'A namespace is a cluster-scoped object: parseResourcePath gives { resource: namespaces, name }, and getObject reads it like any other. Lesson: § Create, get and list.',
    "Create, get and list > GET answers what is stored at the object's key, with its modRevision as resourceVersion":
      'getObject answers storage.get(info.resource, info.namespace, info.name) as it is: the storage already set the resourceVersion. Lesson: § Create, get and list.',
    'Create, get and list > when the store fails, the answer is a 500 InternalError Status, not a crash':
      'Every handler runs as routeRequest(...).catch(next): a rejection reaches the error handler, and statusOf makes a 500 of anything that is not an ApiError. Lesson: § Create, get and list.',
    'Create, get and list > every answer is JSON, with its length':
      'Answer through one helper: JSON.stringify, writeHead(code, { "content-type": "application/json", "content-length": Buffer.byteLength(json) }), end(json). The error handler uses it too. Lesson: § Create, get and list.',
    'Create, get and list > POST a pod: 201 with the stored pod':
      "createObject: objectOf (the body as an object, with the URL's namespace), admit, then the resource's strategy: prepareForCreate, validate, hooks.beginCreate, storage.create; the create handler answers it with 201. Lesson: § Create, get and list.",
    "Create, get and list > the stored pod has the server's fields: namespace, uid, creationTimestamp, generation, resourceVersion":
      'Set metadata.namespace from the URL before prepareForCreate; the uid, creationTimestamp and generation come from prepareForCreate, the resourceVersion from storage.create. Lesson: § Create, get and list.',
    "Create, get and list > the resourceVersion is the store's modRevision of the pod's key":
      'Answer what storage.create returns, not the object you sent it: only the storage knows the revision of the write. Lesson: § Create, get and list.',
    'Create, get and list > GET returns the object as stored':
      "Nothing new if createObject answers storage.create's result and getObject storage.get's: both are the stored JSON with its resourceVersion. Lesson: § Create, get and list.",
    'Create, get and list > generateName: the server picks the rest of the name':
      'strategy.prepareForCreate draws the name; validate after it, so a body with only generateName is not "name required". Lesson: § Create, get and list.',
    'Create, get and list > creating a name that is taken is a 409 AlreadyExists':
      'storage.create throws alreadyExists; let it through (after hooks.revertCreate), unless the name was generated: then draw again (prepareForCreate once more), up to 8 tries. Lesson: § Create, get and list.',
    "Create, get and list > a list is a PodList with the store's revision as its resourceVersion":
      'listObjects: storage.list, then { apiVersion: apiVersionOf(resource), kind: `${resource.kind}List`, metadata: { resourceVersion: String(revision) }, items }. routeRequest needs isWatchRequest to tell a list from a watch. Lesson: § Create, get and list.',
    'Create, get and list > an empty list still has items: []':
      'Always send items, even when storage.list found nothing: clients iterate over it without checking. Lesson: § Create, get and list.',
    'Create, get and list > /api/v1/pods lists pods in every namespace':
      'Pass info.namespace (undefined here) to storage.list: collectionKey without a namespace covers them all. Lesson: § Create, get and list.',
    'Create, get and list > named groups work the same way: a Deployment under /apis/apps/v1, with its defaults':
      'Nothing specific to pods may remain: apiVersionOf(resource) and resource.kind give apps/v1 and Deployment. Lesson: § Create, get and list.',
    'Create, get and list > creating in a namespace that does not exist is a 404 for the namespace':
      'That is admission: createObject awaits admit(context, { operation: "CREATE", info, object }), and NamespaceLifecycle calls checkNamespaceExists, which reads the namespace and answers notFound(namespaces, name) if it is missing. Lesson: § Create, get and list.',
    'Create, get and list > a new namespace can hold objects':
      'A namespace created by POST is stored like the initial ones, so the namespace check finds it. Lesson: § Create, get and list.',
    'Create, get and list > cluster-scoped objects live outside namespaces':
      'For a resource that is not namespaced, objectOf deletes metadata.namespace from the body, and NamespaceLifecycle checks no namespace. Lesson: § Create, get and list.',
    'Create, get and list > an invalid object is a 422 Invalid naming every bad field, and is not stored':
      'After strategy.prepareForCreate: const errors = strategy.validate(prepared); when there are any, throw invalid(resource, name, errors) before anything reaches the store. Lesson: § Create, get and list.',
    "Create, get and list > an object for another namespace than the URL's is a 400":
      'When the body names a namespace and the URL another: badRequest("the namespace of the provided object does not match the namespace sent on the request"). Lesson: § Create, get and list.',
    'Create, get and list > objects are created in a namespace, not in the list across namespaces: 405':
      'First thing in createObject: a namespaced resource without info.namespace is methodNotAllowed(). Lesson: § Create, get and list.',
    'Create, get and list > ?limit pages a list: metadata.continue fetches the next page, until none is left':
      "Read limit and continue from the query, pass them to storage.list, and copy continue and remainingItemCount into the List's metadata when there is a next page. A limit that is not a non-negative integer is a 400. Lesson: § Create, get and list.",
    "Create, get and list > kubectl's Accept asks for a Table: the columns to print, and a row per object":
      "In getObject and listObjects, check wantsTable(request.get('accept')); if so, answer tableOf: toTable(resource, objects, { now, includeObject, listMeta }) from harness/api/tables.ts. Lesson: § Create, get and list.",
    "Create, get and list > a Table of a list carries the list's resourceVersion; ?includeObject=None leaves the objects out":
      'Give tableOf the List\'s metadata as listMeta, and pass query.get("includeObject") through to toTable, which leaves rows without objects for None. Lesson: § Create, get and list.',
    'Create, get and list > listen(0) picks a free port and answers with its URL; close() stops serving':
      'listenOn: http.createServer, listen(port, host), resolve with http://<address>:<port> from server.address(); remember the server. closeServer: server.close() plus closeAllConnections(). Lesson: § Create, get and list.',
    'Create, get and list > over the network, a GET answers the same bytes as the app itself, found or not':
      "serveHotPath answers only a GET of one object with no query and no Table, and hands everything else, a missing object included, to context.app, so that the error answers are Express's own. Lesson: § Create, get and list.",
    'Update and delete > PUT with the current resourceVersion replaces the object and gives it a newer one':
      'replaceObject: objectOf with "UpdateOptions", then storage.update with a tryUpdate that hands a copy of it to strategy.prepareForUpdate and strategy.validateUpdate. Write that update once: PATCH uses it too. Lesson: § Update and delete.',
    'Update and delete > PUT with an old resourceVersion is a 409 Conflict, and changes nothing':
      'Keep the resourceVersion of the body on the object you hand back from tryUpdate: storage.update compares it. Lesson: § Update and delete.',
    'Update and delete > PUT without a resourceVersion is unconditional: the last writer wins':
      "Nothing to add: a body without a resourceVersion gives tryUpdate's result none, and storage.update then writes over whatever is current. Lesson: § Update and delete.",
    "Update and delete > PUT keeps the server's fields, whatever the body says":
      'strategy.prepareForUpdate(current, next) inside tryUpdate copies uid and creationTimestamp back from the stored object. Lesson: § Update and delete.',
    'Update and delete > generation counts changes to the spec, not to labels':
      'prepareForUpdate moves generation; make sure it sees the stored object as `current`, inside tryUpdate. Lesson: § Update and delete.',
    "Update and delete > PUT on a deployment cannot change its status: that is the controller's half":
      'prepareForUpdate without a subresource keeps the stored status when the resource has a status subresource. Lesson: § Object metadata.',
    'Update and delete > the name in the body must be the name in the URL':
      "When the URL names the object, a different metadata.name in the body is badRequest(`the name of the object (${body}) does not match the name on the URL (${url})`); a missing one becomes the URL's. Lesson: § Update and delete.",
    'Update and delete > PUT of a missing object is a 404':
      'storage.update reads first and throws notFound: let it through. Lesson: § Update and delete.',
    "Update and delete > an update is validated too: changing a deployment's selector is a 422":
      'In tryUpdate: strategy.validateUpdate(prepared, current) (validateObject plus validateUpdate), and throw invalid when the list is not empty. Lesson: § Update and delete.',
    'Update and delete > DELETE of a pod answers with the pod; then it is gone':
      "deleteObject is deleteWithOptions with the body's DeleteOptions: storage.delete with their preconditions, and the deleted object when resource.returnsDeletedObject (pods). A strategy with a gracePeriod (pods) reads the object first: gracePeriodOf decides whether it goes now. Lesson: § Update and delete.",
    'Update and delete > DELETE of a deployment answers with a Success Status naming it':
      'Other resources answer a Status with status "Success" and details { name, group (not for core), kind: the resource, uid }. The body is DeleteOptions: parse it when there is one. Lesson: § Update and delete.',
    'Update and delete > DELETE with preconditions deletes only that version of the object':
      'Pass body.preconditions (or {}) to storage.delete; it answers conflict when the uid or resourceVersion differ. Lesson: § Update and delete.',
    'Update and delete > DELETE of a missing object is a 404':
      'storage.delete (or the read of a pod) throws notFound: let it through. Lesson: § Update and delete.',
    'Update and delete > the default namespace cannot be deleted':
      'deleteWithOptions awaits admit(context, { operation: "DELETE", info }); NamespaceLifecycle calls checkNamespaceDeletable, which throws new ApiError(403, "Forbidden", `namespaces "<name>" is forbidden: this namespace may not be deleted`, details) for default, kube-system and kube-public. Lesson: § Update and delete.',
    "Update and delete > a pod on a node waits for its grace period: the request's, else its own, else 30 s":
      'gracePeriodOf: options.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30, never below 0. Lesson: § Update and delete.',
    'Update and delete > a pod on no node, or one that has finished, has nothing to stop: it goes at once':
      'Answer 0 when spec.nodeName is missing or status.phase is Succeeded or Failed: no kubelet has anything to stop. Lesson: § Update and delete.',
    'Update and delete > DELETE on a collection deletes every object in it and answers the List of them':
      'DELETE without a name: list the collection, keep what the selectors choose, delete each one, and answer a <Kind>List of the deleted objects. Lesson: § Update and delete.',
    'Update and delete > namespaces cannot be deleted all at once: DELETE on their collection is a 405':
      'First thing in deleteCollection: a resource whose strategy says deleteCollection: false (the namespaces, in builtinExtensions) is methodNotAllowed(). Lesson: § Update and delete.',
    'Update and delete > DELETE of a pod on a node marks it for its grace period; a second one with no grace removes it':
      'For a pod with spec.nodeName that has not finished, and a grace above 0, do not delete: storage.update it with metadata.deletionTimestamp (now + grace) and deletionGracePeriodSeconds, and answer it. Lesson: § Update and delete.',
    'Update and delete > a second DELETE with a shorter grace brings the deadline forward; a longer one does not':
      "In markForDeletion's tryUpdate: when the pod already has deletionGracePeriodSeconds no longer than this grace, return it unchanged (storage.update then writes nothing). Lesson: § Update and delete.",
    'Update and delete > DELETE on a collection deletes each object as a DELETE of it would: a pod on a node is marked for its grace period':
      "Delete each selected object with deleteWithOptions and the body's DeleteOptions (deleteOptionsOf) less their preconditions; put in the List what it answers, or the listed object when that answer is a Status. Lesson: § Update and delete.",
    'Update and delete > DELETE with propagationPolicy Orphan marks the object with the finalizer orphan; taking the last finalizer off removes it':
      'The orphan finalizer is a hook of every resource (finalizerExtension): hooks.beforeDelete marks with markForOrphaning (the finalizer "orphan" and a deletionTimestamp) instead of deleting; hooks.afterUpdate calls removeIfFinalized when the object had finalizers. Call both hooks from your handlers. Lesson: § Update and delete.',
    'Update and delete > DELETE of an object with finalizers marks it with a deletionTimestamp; taking the last finalizer off removes it':
      'Any finalizer holds an object: hooks.beforeDelete calls markIfFinalizing when the DELETE is not Orphan, which marks an object that has finalizers (a deletionTimestamp, no removal) and answers undefined for one without. Lesson: § Update and delete.',
    'Update and delete > an Orphan DELETE with a stale precondition is a 409 Conflict, and marks nothing':
      "Check the preconditions inside markForOrphaning's tryUpdate, against the object just read, and throw conflict before changing it. Lesson: § Update and delete.",
    'Update and delete > taking the finalizers off an object that is not being deleted keeps it':
      'removeIfFinalized deletes only an object that has a deletionTimestamp: without one, the finalizers were simply edited. Lesson: § Update and delete.',
    'Bad input > a body may be YAML (Content-Type: application/yaml)':
      'createObject must hand parseBody the request\'s Content-Type (request.get("content-type")), not assume JSON. Lesson: § Request bodies.',
    'Bad input > a body that is not JSON is a 400 BadRequest Status':
      "parseBody's badRequest travels up to the error handler like any ApiError: nothing to catch on the way. Lesson: § Bad input.",
    'Bad input > YAML that does not parse, or holds several documents, is a 400':
      'Nothing new if parseBody refuses them: check that the server reads bodies only through it. Lesson: § Bad input.',
    'Bad input > a body that is not an object is a 400':
      'objectFromBody refuses [], strings, null and numbers before anything reads .metadata from them. Lesson: § Bad input.',
    "Bad input > an object of another kind than the URL's resource is a 400":
      'Pass { apiVersion: apiVersionOf(resource), kind: resource.kind } to objectFromBody as `expected`. Lesson: § Request bodies.',
    'Bad input > a body in a format the server does not read is a 415':
      'A body decoder is only for its own media type; every other Content-Type goes to parseBody, which answers 415. Lesson: § Request bodies.',
    'Bad input > a body over 3 MiB is a 413':
      'express.raw({ limit }) throws an error whose `type` is "entity.too.large": turn it into requestEntityTooLarge in the error handler, through bodyReaderError. Lesson: § Bad input.',
    'Bad input > a body nested too deeply is a 400, not a crash':
      "parseBody's depth check must come before anything recursive (defaults, validation, structuredClone) sees the body. Lesson: § Bad input.",
    'Bad input > nothing a client sends is a 500, and refused writes change nothing':
      'Check the shape of what you read before you use it: a metadata that is a string, labels that are a list, containers that are not objects. Lesson: § Bad input.',
    'Watch > a request watches when ?watch has any value but "0" or "false"':
      'isWatchRequest: query.get("watch") is not null and is neither "0" nor "false" (an empty value watches). Lesson: § Watch.',
    'Watch > parseWatchParameters reads resourceVersion, timeoutSeconds and allowWatchBookmarks':
      'Numbers from the query with Number(...) once /^\\d+$/ accepts them; allowWatchBookmarks is the string "true". Lesson: § Watch.',
    'Watch > no resourceVersion, or "0", means: start from what is there now':
      'Leave resourceVersion out (not undefined) when the query has none, an empty one or "0": serveWatch then lists first. Lesson: § Watch.',
    'Watch > a resourceVersion or timeoutSeconds that is not a whole number is a 400':
      'Test each against /^\\d+$/ and throw badRequest naming the parameter and its value. Lesson: § Watch.',
    'Watch > an event goes out as one line of JSON':
      'JSON.stringify escapes newlines inside strings, so `${JSON.stringify(event)}\\n` is exactly one line. Lesson: § Watch.',
    'Watch > a watch lasts timeoutSeconds, or else a random 30 to 60 minutes':
      'timeoutSeconds * 1000 when given, else (1800 + Math.floor(random() * 1800)) * 1000. Lesson: § Watch.',
    'Watch > a BOOKMARK carries only the kind and a resourceVersion':
      '{ type: "BOOKMARK", object: { kind: resource.kind, apiVersion: apiVersionOf(resource), metadata: { resourceVersion: String(revision) } } }. Lesson: § Watch.',
    'Watch > ?watch=true answers 200 with a stream of JSON events':
      'writeHead(200, ...) then flushHeaders(): the client must know the watch started before anything changes. Lesson: § Watch.',
    'Watch > without a resourceVersion, the current objects come first, as ADDED':
      "Without parameters.resourceVersion, storage.list first: send each selected item as ADDED, then watch from the list's revision. Lesson: § Watch.",
    'Watch > then every change arrives as it happens, one JSON object per line':
      'storage.watch(resource, namespace, after, { onEvent: write a watchLine, ... }, selected): each ObjectEvent goes out as it comes. Lesson: § Watch.',
    "Watch > an update is MODIFIED; a delete is DELETED, at the delete's resourceVersion":
      "Write the events the storage's watch gives you as they are: it already turns store changes into MODIFIED and DELETED. Lesson: § Watch.",
    'Watch > from a resourceVersion, only changes after it: no ADDED for what was already there':
      'With parameters.resourceVersion, skip the list and watch from that revision: storage.watch starts just after it. Lesson: § Watch.',
    "Watch > a list's resourceVersion is where a watch continues without a gap":
      "Nothing new: the list's resourceVersion is a store revision, and a watch from it sees every write after it. Lesson: § Watch.",
    'Watch > a watch in a namespace sees only that namespace':
      'Pass info.namespace through watchCollection to serveWatch, and on to storage.watch. Lesson: § Watch.',
    "Watch > kubectl's watch asks for Tables: a row per event, the columns only in the first":
      'When the request wantsTable, give serveWatch a transform (watchTables): tableOf of the one object (listMeta with its resourceVersion), with columnDefinitions emptied after the first. Lesson: § Watch.',
    'Watch > a compacted resourceVersion gets one ERROR event with a 410 Expired Status, then the end':
      'The store watch ends with onEnd({ compactRevision }): write {"type":"ERROR","object":<Status>} and end the response. Lesson: § Watch.',
    'Watch > timeoutSeconds: the server ends the stream when that much time has passed':
      'Use the timers you were given (options.timers), not the global setTimeout, so the test can fire them. Lesson: § Watch.',
    'Watch > without timeoutSeconds a watch still ends, after 30 to 60 minutes':
      'timers.setTimeout(stop, watchTimeoutMs(parameters, random)) for every watch: with random 0.5 that is 45 minutes. Lesson: § Watch.',
    'Watch > with allowWatchBookmarks, a BOOKMARK tells how far the watch has got':
      'Remember the revision each onRevision reports; every bookmarkIntervalMs (timers.setTimeout, set again each time) write bookmarkEvent(resource, that revision). Lesson: § Watch.',
    'Watch > no bookmarks unless the client allows them':
      'Set the bookmark timer only when parameters.allowWatchBookmarks: otherwise only the timeout waits. Lesson: § Watch.',
    'Watch > watch=false or watch=0 is a plain list':
      'Nothing new if routeRequest asks isWatchRequest before it serves a watch. Lesson: § Watch.',
    'Watch > a watch whose parameters are not numbers is a 400 before it starts':
      'Call parseWatchParameters before writing any header: its 400 must still reach the error handler as a Status. Lesson: § Watch.',
    'Watch > closing the server ends every open watch':
      "Put each watch's stop() in context.watches (and take it out when the response closes); closeServer calls every one. Lesson: § Watch.",
    'Watch > every compaction interval, the server forgets history older than one interval':
      "startCompaction: a timer of intervalMs on context.timers; each time, compact the store to the revision noted last time (if any), note the current revision (a range's header), and set the timer again. Lesson: § Watch.",
    'Watch > compaction stops with the server, and a compactionIntervalMs of 0 turns it off':
      'Keep the timer in context.compactionTimer so closeServer can clear it, check context.closed before setting it again, and call startCompaction only for an interval above 0. Lesson: § Watch.',
    "On a real store > over chapter 02's store server and client: create, read, update, watch and delete":
      'Nothing new to write: if this fails while the in-process tests pass, look for an assumption about the StoreClient (answers are asynchronous; events arrive later). Lesson: § On a real store.',
    'On a real store > over the wire, a watch from a compacted resourceVersion is still a 410 Expired':
      "Over the wire the compaction is reported through the watch's onEnd, later than in process: write the ERROR event from onEnd, whenever it comes. Lesson: § On a real store.",
    'On a real store > on a real etcd, when one is on PATH: the same round':
      "Runs only with etcd on PATH. If only this fails, compare what your storage sends with etcd 3.4's JSON API (harness/store/client.ts documents it). Lesson: § On a real store.",
    'On a real store > on a real etcd, when one is on PATH: a compacted watch is a 410':
      "Runs only with etcd on PATH: etcd reports a compacted watch start with its compact_revision, which chapter 02's client hands to onEnd. Lesson: § On a real store.",
    "Collaborators > without chapter 03b's collaborators: a PATCH is a 415 and a selector a 400":
      'Without options.patcher every PATCH Content-Type is unsupportedMediaType(type, []); without options.selectors a labelSelector or fieldSelector is badRequest. Lesson: § Collaborators.',
    'Collaborators > a list keeps only what the labelSelector and fieldSelector select':
      'Compile each query parameter with options.selectors and keep the items every predicate accepts. Lesson: § Collaborators.',
    'Collaborators > a selector the collaborator refuses is its error, as a Status':
      'Do not catch what labelSelector or fieldSelector throws: it is an ApiError, and the error handler answers it. Lesson: § Collaborators.',
    'Collaborators > a watch with a selector sees only selected objects, from the first ADDED on':
      'watchCollection passes the same predicate to serveWatch as `selected`: it filters the initial list and the store watch. Lesson: § Collaborators.',
    'Collaborators > PATCH hands the stored object and the parsed body to the patcher, and stores the result':
      'patchObject: patchOf reads the body, then the update replaceObject uses, with a next state that patcher.apply(contentType, current, patch, resource) makes. Lesson: § Collaborators.',
    'Collaborators > a PATCH in a format the patcher does not take is a 415 that lists the ones it does':
      'Check mediaTypeOf(Content-Type) against patcher.contentTypes first: unsupportedMediaType(type, patcher.contentTypes). Lesson: § Collaborators.',
    'Collaborators > a patched object is checked like any update: no renaming, no invalid labels':
      'After patcher.apply: a result without a metadata object, or with another name or namespace, is badRequest; then prepareForUpdate and validation as for PUT. Lesson: § Collaborators.',
    'Collaborators > GET on a subresource shows what the subresource shows':
      'routeSubresource finds the collaborator of that name; serveSubresource picks the handler for the method; getSubresource: storage.get the parent and answer subresource.get(parent, { resource, clock }). Lesson: § Collaborators.',
    'Collaborators > PUT on /status changes the status and nothing else':
      'putSubresource: store subresource.update(current, body) through storage.update, with strategy.prepareForUpdate(current, next, subresource.name): a status write keeps generation. Lesson: § Collaborators.',
    'Collaborators > a write to a subresource with an old resourceVersion is a 409':
      "The parent you return from tryUpdate carries the body's resourceVersion (or none): storage.update compares it, as for a PUT. Lesson: § Collaborators.",
    "Collaborators > a write through /status keeps the server's fields, whatever the body says":
      'Every subresource write goes through the strategy: strategy.prepareForUpdate(current, next, subresource.name) copies uid and creationTimestamp back from the stored parent. Lesson: § Collaborators.',
    'Collaborators > a subresource of a missing object is a 404, on a GET and on a PUT':
      'getSubresource reads the parent with storage.get, putSubresource with storage.update: both throw notFound for a missing parent; let it through. Lesson: § Collaborators.',
    'Collaborators > PATCH on a subresource patches what GET shows, then writes it back through the subresource':
      'In storage.update: shown = get(current); patched = patcher.apply(type, shown, patch); next = update(current, patched). Lesson: § Collaborators.',
    'Collaborators > a PATCH through a subresource may not rename its parent: 400, and nothing changes':
      'The patched view must keep its identity: keepIdentity(patched, shown) inside the write, before update(current, patched); its badRequest stops the write. Lesson: § Collaborators.',
    'Collaborators > POST on a subresource stores the new parent and answers 201 with what it says':
      'create(current, body) gives { parent, answer }: store the parent through storage.update, then answer 201 with `answer`. Lesson: § Collaborators.',
    'Collaborators > a verb the subresource does not have is a 405; a subresource the resource does not have is a 404':
      'A method whose function the subresource lacks is methodNotAllowed; routeSubresource answers noSuchPath when resource.subresources does not list the name. Lesson: § Collaborators.',
    'Collaborators > a body in a format a body decoder reads goes through it; others still go to parseBody':
      "Before parseBody, look for the options.bodyDecoders entry whose mediaType is the request's, and decode with it. Lesson: § Collaborators.",
    'Collaborators > GETs the resources do not answer go to discovery; a string body is sent as text':
      'serveDiscovery: ask options.discovery(path, { resources, serverAddress }); send a string or bytes body as it is with its content type, anything else as JSON; answer false when it does not know the path. Lesson: § Collaborators.',
    'Collaborators > a read warning of pods goes with every read of pods as a Warning header, from what it lists; writes and other resources get none':
      'readWarningsOf picks the options.readWarnings of the resource; sendReadWarnings (in routeRequest, after authorize) runs them only for get, list and watch, with a list(group, resource) over the storage, and sets one Warning header of warningHeader(word) each. serveHotPath hands such a GET to Express. Lesson: § Collaborators.',
    'Collaborators > a ServiceAllocator gives each Service its address before it is stored, and takes it back on delete':
      'serviceAllocation: hooks of the services (beginCreate onCreate, revertCreate and afterDelete onDelete); createContext adds it with an allocator. startServiceAllocator: rebuild from the stored Services, then create default/kubernetes through onCreate. Lesson: § Collaborators.',
    'Collaborators > a DELETE on the services collection gives back the addresses of each Service it deletes; a dry run gives back none':
      "deleteCollection deletes each object with deleteWithOptions, whose last step is storage.delete, then, unless writeOptions.dryRun, the resource's hooks.afterDelete (serviceAllocation's onDelete). Kube's DeleteCollection calls Delete for each object. Lesson: § Update and delete, § Collaborators.",
    "Collaborators > a Service's update goes through the allocator; a refused one has it learn again what is taken":
      'beginUpdate is allocator.onUpdate(current, prepared); revertUpdate rebuilds the allocator from storage.list of the Services, and your update calls it when the write fails. Lesson: § Collaborators.',
    "Collaborators > pods/log passes the request on to the kubelet of the pod's node, and streams its answer":
      'serveLog: read the pod and its Node, then http.get http://<InternalIP>:<kubelet port>/containerLogs/<ns>/<pod>/<container> with only the log options the kubelet reads (follow, tailLines, previous, sinceSeconds, sinceTime, timestamps, limitBytes), and pipe a 200 into the response as text/plain. Lesson: § Collaborators.',
    'Collaborators > a pod with several containers needs ?container=, one of its own; only GET reads a log':
      "The container is ?container or the only one; check it against the pod's container names before asking any node. Anything but GET is methodNotAllowed. Lesson: § Collaborators.",
    'Collaborators > a pod on no node has no log yet, and a node without an InternalIP cannot be asked: 400':
      'No spec.nodeName: badRequest "is waiting to start: not scheduled". A Node whose status.addresses has no InternalIP: badRequest naming the node. Lesson: § Collaborators.',
    "Collaborators > the kubelet's own refusal is a 400 with its words; a kubelet that does not answer is a 500":
      'A non-200 answer: read its text and reject with badRequest(text.trim()); the request\'s own "error" event (nobody listening) rejects with internalError. Lesson: § Collaborators.',
    'Collaborators > with ?follow=true the log streams: each line arrives as the kubelet writes it':
      "Pipe the kubelet's answer into the response (answerFromNode.pipe(response)) instead of reading it whole: each chunk goes out as it comes, and the request ends when the kubelet's answer does. Lesson: § Collaborators.",
    // Field validation
    'Field validation > fieldValidation is Strict, Warn or Ignore; absent or empty means Warn':
      'query.get("fieldValidation") ?? "": the empty string is Warn, the three names are themselves. Lesson: § Field validation.',
    "Field validation > any other fieldValidation is a 422 Invalid of the verb's options":
      'Throw new ApiError(422, "Invalid", ...) with the options\' name in the message and in details.kind, group "meta.k8s.io", and one FieldValueNotSupported cause at fieldValidation. Lesson: § Field validation.',
    "Field validation > a JSON value fits its field's type: strings, whole numbers, booleans; null always":
      'A switch on field.type: typeof for strings and booleans, Number.isInteger for integers, Array.isArray for arrays; objects and maps want a non-null object that is not an array. null fits anything. Lesson: § Field validation.',
    'Field validation > lists, objects, maps and the named strings fit only their own JSON shapes':
      'Arrays want Array.isArray; objects and maps a non-null object that is not an array; int-or-string and quantity a string or a whole number; free-form anything. Lesson: § Field validation.',
    'Field validation > Go names the named strings by their packages: intstr.IntOrString, resource.Quantity, v1.Time':
      'int-or-string, quantity, time and micro-time each have one fixed Go name; a number is float64; an inline object is struct. Lesson: § Field validation.',
    "Field validation > Go names a field's type as decoding errors do: int32, int64, []v1.Container, map[string]string":
      'A switch on field.type; arrays and maps call goType again on their items or values; a named type is "v1." plus what follows the last dot of its ref. Lesson: § Field validation.',
    'Field validation > an unknown field is dropped from the object and named by its path, list positions and all':
      "dropUnknownFields: an object field's known fields are schemas[field.ref].fields; for each key of the value, recurse into a known one with path.key, or record the path and delete the key. A list recurses into each element with path[i]. Lesson: § Field validation.",
    'Field validation > several unknown fields, at every depth, in the order they come':
      'Walk the keys in the order Object.keys gives them and concatenate what each recursion returns: the paths come out in document order. Lesson: § Field validation.',
    'Field validation > inside maps (labels, annotations, data) and free-form fields any key is fine':
      "A map recurses into each value with its values' field (a string when none) and never drops a key; a free-form field or a scalar returns [] at once. Lesson: § Field validation.",
    'Field validation > a value of the wrong type cannot be decoded: Go says which field and which type':
      'Check fitsType first; when it fails, throw new WrongType with the JSON type of the value, the struct (the last named type entered; the kind at the root), the path without [i], and goType(field). Lesson: § Field validation.',
    'Field validation > a key given twice in one JSON object is a duplicate field, named by its path':
      'Scan the text once with a stack of frames: "{" pushes an object frame with a Set of keys, "[" a list frame with an index; a string read where a key is expected is a key (JSON.parse it); "," moves to the next key or index. Lesson: § Field validation.',
    'Field validation > Strict refuses unknown and duplicate fields with one 400 strict decoding error':
      'checkFields: kindTypeName → dropUnknownFields(typeField(name), object, "", kind); build the problems (duplicates first), and with Strict throw badRequest("strict decoding error: " + problems.join(", ")), prefixed for a whole object. Lesson: § Field validation.',
    'Field validation > Warn returns one warning per problem and Ignore none; both drop the unknown fields':
      'The fields were dropped by the walk already; Warn returns the problems, Ignore returns []. Leave out a duplicate whose path is an unknown field or inside one. Lesson: § Field validation.',
    'Field validation > a wrong type is a 400 whatever fieldValidation says; a kind without a description is not checked':
      'Catch WrongType around the walk and throw badRequest with its message (prefixed for a whole object) before looking at the directive; with no kindTypeName, skip the walk. Lesson: § Field validation.',
    'Field validation > a warning goes out in a Warning header: 299 - "<text>", quotes escaped':
      'JSON.stringify the text: it adds the quotes and escapes the ones inside. Lesson: § Field validation.',
    'Field validation on every write > POST with fieldValidation=Strict and imagee: is a 400, and nothing is stored':
      'In createObject, once the body is an object: fieldValidationOf(the query, "CreateOptions"), then checkFields(resource, object, { directive, duplicates, wholeObject: true }) before anything is stored. Lesson: § Field validation on every write.',
    'Field validation on every write > POST without fieldValidation stores the pod without the field, with a Warning header':
      'Set the warnings checkFields returns on the response before answering: request.res.setHeader("warning", warnings.map(warningHeader)). Lesson: § Field validation on every write.',
    'Field validation on every write > two unknown fields are two Warning headers, in the order they come':
      'Give setHeader the list of warnings (warnings.map(warningHeader)): Node sends one header line per element. Lesson: § Field validation on every write.',
    'Field validation on every write > POST reports a duplicate key of its JSON body; Ignore stores quietly':
      'For a JSON body, pass duplicateFields(the raw body text) as duplicates; JSON.parse alone keeps only the last value. Lesson: § Field validation on every write.',
    'Field validation on every write > PUT checks its body as POST does':
      'replaceObject makes its object from the body as createObject does: call the same check there, with "UpdateOptions". Lesson: § Field validation on every write.',
    'Field validation on every write > PATCH checks the object as patched: an unknown field it adds is refused with Strict':
      'In patchObject, check what patcher.apply returns (wholeObject: false, "PatchOptions"), inside tryUpdate, before defaults and validation. Lesson: § Field validation on every write.',
    'Field validation on every write > a value of the wrong type in a POST is a 400, even with fieldValidation=Ignore':
      'Nothing new if createObject calls checkFields: the WrongType becomes the 400 before the directive is looked at. Lesson: § Field validation on every write.',
    'Field validation on every write > a YAML body is checked as a JSON one is':
      'The check runs on the object, whatever format it came in; only the duplicate keys need the JSON text. Lesson: § Field validation on every write.',
    'Field validation on every write > an object of a kind the description does not know is stored as sent':
      'checkFields finds no kindTypeName for a Widget and checks nothing: nothing new. Lesson: § Field validation on every write.',
    'Field validation on every write > fieldValidation=Loose on a POST is a 422 Invalid of CreateOptions':
      'fieldValidationOf throws before anything is stored; nothing new if the check is in createObject. Lesson: § Field validation on every write.',
  },
};
