// Chapter 04's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter4: Chapter = {
  id: '04',
  slug: 'client',
  title: 'The controller toolkit',
  builds:
    'what every later component stands on: a typed REST client, a list-watch reflector, an informer cache with indexes, a rate-limited work queue, controllers and leader election',
  stages: [
    {
      title: 'Keys, paths, queries and errors',
      from: 'The REST client > keyOf is namespace/name, or the name alone for a cluster-scoped object',
      functions: ['keyOf', 'collectionPath', 'queryOf', 'errorFromStatus'],
    },
    {
      title: 'Requests over fetch: create and get, and the errors they bring back',
      from: 'The REST client > create sends the object to its collection and answers with what was stored',
      functions: [
        'HttpClient.send',
        'HttpClient.request',
        'HttpClient.resource',
        'createClient',
        'ResourceClient.get',
        'ResourceClient.create',
      ],
    },
    {
      title: 'Every verb: list, update, status, patch, delete, bind and scale',
      from: 'The REST client > list answers a List of the items with the resourceVersion to watch from',
      functions: [
        'ResourceClient.list',
        'ResourceClient.update',
        'ResourceClient.updateStatus',
        'ResourceClient.patch',
        'ResourceClient.delete',
        'HttpClient.bind',
        'ResourceClient.getScale',
        'ResourceClient.scale',
      ],
    },
    {
      title: 'A watch read as a stream of events',
      from: 'The REST client > watch yields ADDED, MODIFIED and DELETED events as they happen',
      functions: ['ResourceClient.watch'],
    },
    {
      title: 'A queue that hands each key to one worker at a time',
      from: 'The work queue > keys come out in the order they went in',
      functions: [
        'RateLimitedQueue.add',
        'RateLimitedQueue.get',
        'RateLimitedQueue.done',
        'RateLimitedQueue.length',
      ],
    },
    {
      title: 'Delays, back-off and shutting down',
      from: 'The work queue > addAfter holds a key back until its time has come',
      functions: [
        'RateLimitedQueue.addAfter',
        'RateLimitedQueue.addRateLimited',
        'RateLimitedQueue.forget',
        'RateLimitedQueue.numRequeues',
        'RateLimitedQueue.shutDown',
        'RateLimitedQueue.shutDownWithDrain',
        'RateLimitedQueue.isShuttingDown',
      ],
    },
    {
      title: 'List, then watch, forever: the reflector',
      from: 'List and watch > after a connection error it waits 800 ms, then 1.6 s, ... doubling up to 30 s, with jitter',
    },
    {
      title: 'Objects by key, with indexes',
      from: 'The informer cache > index functions file a pod under its namespace, its node and the uids of its owners',
      functions: [
        'indexByNamespace',
        'indexByNodeName',
        'indexByOwnerUid',
        'Indexer.put',
        'Indexer.remove',
        'Indexer.get',
        'Indexer.list',
        'Indexer.byIndex',
      ],
    },
    {
      title: 'An informer that lists into its cache',
      from: 'The informer cache > an informer lists into its cache; then hasSynced is true and waitForSync resolves',
      functions: [
        'SharedInformer constructor',
        'SharedInformer.run',
        'SharedInformer.hasSynced',
        'SharedInformer.waitForSync',
        'SharedInformer.get',
        'SharedInformer.list',
        'SharedInformer.replace',
      ],
    },
    {
      title: 'Indexes, handlers, relists and resyncs',
      from: 'The informer cache > every informer indexes by namespace',
      functions: [
        'SharedInformer.byIndex',
        'SharedInformer.lastSyncResourceVersion',
        'SharedInformer.add',
        'SharedInformer.update',
        'SharedInformer.delete',
        'SharedInformer.addEventHandlers',
        'SharedInformer.scheduleResync',
      ],
    },
    {
      title: 'A controller: informers, a work queue and workers',
      from: 'Controllers > reconcile gets the key of each object there at the start, and of each created later',
      functions: ['QueueController.watch', 'QueueController.run'],
    },
    {
      title: 'Writes that retry on conflict, and the Lease a candidate writes',
      from: 'Controllers > updateWithRetry reads again and redoes the change when someone else wrote first',
      functions: ['updateWithRetry', 'microTime', 'leaseSpecFor'],
    },
    {
      title: 'Acquiring, renewing and taking over a Lease',
      from: 'Leader election > tryAcquireOrRenew creates a missing Lease and holds it',
      functions: ['LeaseLeaderElector constructor', 'LeaseLeaderElector.tryAcquireOrRenew'],
    },
    {
      title: 'Leading, stepping down and handing over',
      from: 'Leader election > the first candidate creates the Lease and leads',
      functions: ['LeaseLeaderElector.isLeader', 'LeaseLeaderElector.run'],
    },
  ],
  hints: {
    // The REST client
    'The REST client > keyOf is namespace/name, or the name alone for a cluster-scoped object':
      'Cluster-scoped objects (nodes, namespaces) have no metadata.namespace: then the key is just the name. Lesson: § The REST client.',
    'The REST client > collectionPath: core resources under /api/v1, the others under /apis/<group>/<version>':
      'resource.group is \'\' for the core group (/api/<version>) and "apps" for deployments (/apis/apps/v1); then /namespaces/<namespace>, then the plural name. Lesson: § The REST client.',
    'The REST client > collectionPath leaves the namespace out for a cluster-scoped resource, or when none is given':
      "Add /namespaces/<ns> only when resource.namespaced is true and a namespace was given: a node ignores the namespace, and pods without one are every namespace's. Lesson: § The REST client.",
    'The REST client > queryOf writes the options that are set, encoded, after a "?"':
      'Skip undefined and "" values, set the others on a URLSearchParams (String(value)), and put "?" in front only when something is left. URLSearchParams writes a space as "+". Lesson: § The REST client.',
    "The REST client > errorFromStatus keeps a Status's code, reason, message and details":
      'A Status is an object with kind "Status": new ApiError(status.code ?? code, status.reason, status.message, status.details). A watch\'s ERROR event passes 500 as the code, but the Status\'s own code wins. Lesson: § The REST client.',
    'The REST client > errorFromStatus of a body that is not a Status takes the reason from the code':
      'When the body is not a Status, the reason is reasonForCode[code] (or "Unknown") and the message `${context}: the server answered ${code}`. Lesson: § The REST client.',
    'The REST client > create sends the object to its collection and answers with what was stored':
      "Three pieces: send (fetch with method, headers and a JSON body), request (send, then parse the answer's text as JSON), and resource (a RestResource for the type found in builtinResources). create is a POST to collectionPath. Lesson: § The REST client.",
    'The REST client > get reads an object back by its namespace and name':
      "An object's path is its collection's path plus /<name> (encodeURIComponent). request() parses the answer's JSON. Lesson: § The REST client.",
    'The REST client > a cluster-scoped resource has no namespace in its path: nodes':
      'Nothing new if collectionPath already leaves the namespace out for resource.namespaced false. Lesson: § The REST client.',
    "The REST client > a named group's resources live under /apis: deployments in apps/v1":
      'Nothing new if collectionPath puts named groups under /apis/<group>/<version>. Lesson: § The REST client.',
    'The REST client > an unknown resource name is refused before anything is sent':
      'Look the name up in builtinResources (by its `resource` field) in HttpClient.resource, and throw an Error that names it when it is not there. Lesson: § The REST client.',
    'The REST client > a missing object rejects with an ApiError: 404 NotFound':
      'In request: when response.ok is false, parse the body (it may not be JSON: then undefined) and throw errorFromStatus(body, response.status, `${method} ${path}`). Lesson: § The REST client.',
    'The REST client > creating an object that exists rejects with 409 AlreadyExists':
      "Nothing new if errorFromStatus keeps the Status's reason: AlreadyExists and Conflict are both 409, and only the reason tells them apart. Lesson: § The REST client.",
    'The REST client > an invalid object rejects with 422 Invalid, and the error keeps the causes':
      "Pass the Status's details on to the ApiError: the causes name the fields. Lesson: § The REST client.",
    'The REST client > a server that is not there rejects with the connection error, not an ApiError':
      'Only an answer becomes an ApiError; when fetch itself rejects, let its error through. Lesson: § The REST client.',
    'The REST client > an error answer that is not a Status still becomes an ApiError with the code':
      'Parse the body with a try/catch: "upstream unavailable" is not JSON, so the body is undefined and errorFromStatus takes the reason from the code. Lesson: § The REST client.',
    'The REST client > the bearer token and user agent go with every request':
      'Build the headers in send(): accept application/json always; authorization "Bearer <token>" and user-agent only when configured. Lesson: § The REST client.',
    'The REST client > list answers a List of the items with the resourceVersion to watch from':
      'GET on the collection itself answers the List as it is; return it unchanged. Lesson: § The REST client.',
    'The REST client > list sends labelSelector and fieldSelector to the server':
      'Append queryOf(options) to the collection path: it encodes the = and , inside the selectors. Lesson: § The REST client.',
    'The REST client > a client without a namespace lists across every namespace':
      'Without a namespace, collectionPath gives /api/v1/pods: every namespace at once. Lesson: § The REST client.',
    'The REST client > update with a stale resourceVersion rejects with 409 Conflict':
      "update is a PUT to the object's path with the whole object, resourceVersion included: the server compares it. The object's own namespace, when it has one, picks the path. Lesson: § The REST client.",
    'The REST client > updateStatus writes the status and leaves the spec alone':
      'PUT to <object path>/status. Lesson: § The REST client.',
    'The REST client > patch sends a merge patch by default, and a JSON patch when asked':
      'The patch type only changes the Content-Type header: patchMediaTypes has them; request passes options.contentType on to send. Lesson: § The REST client.',
    'The REST client > delete removes the object; getting it afterwards is NotFound':
      "DELETE on the object's path; a pod's DELETE answers the pod, others a Status: either way there is nothing to return. Lesson: § The REST client.",
    'The REST client > delete sends its options: a precondition on the uid that does not hold is a Conflict':
      'With options, DELETE carries a body: { kind: "DeleteOptions", apiVersion: "v1", ...options }. Without, no body at all. Lesson: § The REST client.',
    'The REST client > bind puts a pod on a node; binding it again is a Conflict':
      'POST the Binding to collectionPath(pods, its namespace) + /<name>/binding, with apiVersion v1 and kind Binding. Lesson: § The REST client.',
    "The REST client > scale reads and writes a deployment's replicas through its scale subresource":
      'GET <object path>/scale; to scale, PATCH the same path with the merge patch { spec: { replicas } }, as kubectl scale does. Lesson: § The REST client.',
    'The REST client > watch yields ADDED, MODIFIED and DELETED events as they happen':
      'An async generator: send GET collection + queryOf({ watch: true, ...options without signal }), then read response.body chunk by chunk (for await), and yield JSON.parse of each whole line. Lesson: § The REST client.',
    'The REST client > a watch from an older resourceVersion first replays what happened since':
      'Pass resourceVersion on in the query with watch=true. Lesson: § The REST client.',
    'The REST client > a watch from a compacted resourceVersion throws 410 Expired':
      'The server answers 200 and then one ERROR event whose object is a Status: throw errorFromStatus(event.object, 500, ...) instead of yielding it. Lesson: § The REST client.',
    'The REST client > aborting the signal ends a watch without an error':
      "Give fetch the signal; when it aborts, fetch or the body's reader throws. Catch that, and if signal.aborted, return instead of throwing. Lesson: § The REST client.",
    'The REST client > a watch event cut across two chunks of the answer still arrives whole':
      'Decode with one TextDecoder in stream mode, add to a buffer, and take out only whole lines (up to each "\\n"); what follows the last newline waits for the next chunk. Lesson: § The REST client.',
    // The work queue
    'The work queue > keys come out in the order they went in':
      'Keep the waiting keys in an array: add pushes, get shifts. get returns a promise; when a key is there, resolve it at once. Lesson: § The work queue.',
    'The work queue > a key that is already waiting is not added twice':
      'Keep a Set of dirty keys beside the array: add does nothing for a key already in it. Lesson: § The work queue.',
    'The work queue > get waits for a key when the queue is empty':
      'With nothing waiting, get returns a promise and keeps its resolve function; the next add hands its key straight to it. Lesson: § The work queue.',
    'The work queue > a key being processed is not handed to a second worker':
      'get moves the key to a processing Set. add of a busy key only marks it dirty; done(key) puts a dirty key back in line. Lesson: § The work queue.',
    'The work queue > a processed key that was not added again does not come back':
      'done(key) puts the key back in line only when it is dirty (added while it was busy). Lesson: § The work queue.',
    'The work queue > a flood of updates to one key collapses to one reconcile per idle moment':
      'Nothing new if a busy key added again is only marked dirty, and a dirty key is not added twice: 10,000 adds leave one key for after done. Lesson: § The work queue.',
    'The work queue > addAfter holds a key back until its time has come':
      'clock.setTimeout(() => add(key), delayMs): the FakeClock fires it when the test advances time. Lesson: § The work queue.',
    'The work queue > addAfter keeps the earlier time when a key is already due sooner':
      "Remember each delayed key's timer and due time (clock.now() + delay); replace the timer only when the new time is earlier. Lesson: § The work queue.",
    'The work queue > each failure doubles the wait: 5, 10, 20, 40 ms, until forget':
      'Count failures per key: the wait is baseDelayMs * 2 ** (failures so far), then count one more. forget deletes the count. Lesson: § The work queue.',
    'The work queue > the back-off never exceeds its maximum':
      'Math.min(wait, maxDelayMs). Lesson: § The work queue.',
    'The work queue > shutDown makes waiting workers and later gets answer undefined':
      'Resolve every waiting get with undefined, clear the delayed timers, and make add and get refuse from then on. Lesson: § The work queue.',
    'The work queue > shutDownWithDrain lets the work in hand finish before it resolves':
      'Refuse new keys but keep handing out waiting ones; in done, when nothing waits and nothing is busy, shut down and resolve. Lesson: § The work queue.',
    // List and watch
    'List and watch > after a connection error it waits 800 ms, then 1.6 s, ... doubling up to 30 s, with jitter':
      'Math.min(initial * 2 ** (failures - 1), max) * (1 + random()). Lesson: § List and watch.',
    'List and watch > a reflector lists first and hands the store what the list found':
      'run: client.list() with the selectors, then store.replace(list.items, list.metadata.resourceVersion), and remember that version. Lesson: § List and watch.',
    "List and watch > then it watches from the list's version: later writes arrive as add, update and delete":
      'After the list, for await over client.watch({ resourceVersion, allowWatchBookmarks: true, signal }), and map ADDED/MODIFIED/DELETED to add/update/delete. Lesson: § List and watch.',
    'List and watch > a watch cut in the middle resumes from the last version seen, losing and repeating nothing':
      "Keep each event's metadata.resourceVersion; when the for-await loop ends cleanly, loop round and watch again from it, without listing. Lesson: § List and watch.",
    'List and watch > a 410 Expired (the version was compacted away) makes it list again':
      'Catch the error of a watch: isExpired(error) (harness/client/errors.ts) means clear the version so the next turn of the loop lists. Lesson: § List and watch.',
    'List and watch > bookmarks move the version on without telling the store anything':
      'A BOOKMARK event updates the remembered version and nothing else. Lesson: § List and watch.',
    'List and watch > a server that cannot be reached is tried again after each wait, not in a busy loop':
      'On any other error, count it and await sleep(clock, backoffMs(failures), signal) before the next turn. Lesson: § List and watch.',
    // The informer cache
    'The informer cache > index functions file a pod under its namespace, its node and the uids of its owners':
      'Each index function answers a list of values: [namespace ?? ""], [spec.nodeName] or [] when unscheduled, and the uid of each ownerReference. Lesson: § The informer cache.',
    'The informer cache > an Indexer keeps objects by key; put answers what it replaced, remove what it removed':
      'The objects live in a Map by key; put returns the old value of the Map before setting, remove returns it before deleting (undefined when missing). Lesson: § The informer cache.',
    'The informer cache > byIndex answers the objects filed under a value; none for a value or index it does not know':
      "In put, for each index and each value its function gives, add the key to indexes.get(name).get(value) (a Set, made when missing). byIndex maps the Set's keys to objects; a missing index or value is an empty list. Lesson: § The informer cache.",
    'The informer cache > putting a newer version refiles it: a pod bound to a node moves to that entry':
      'Before filing the new version, take the key out of every entry the old version was filed under. Lesson: § The informer cache.',
    'The informer cache > removing an object takes it out of every index':
      "remove takes the key out of the old version's entries (drop a Set that becomes empty) as well as out of the Map. Lesson: § The informer cache.",
    'The informer cache > an informer lists into its cache; then hasSynced is true and waitForSync resolves':
      'Make an Indexer (with the namespace index) and a Reflector in the constructor, with the informer itself as the store; run() starts the reflector; replace() puts every listed object in the Indexer and marks the informer synced, waking whoever waits. Lesson: § The informer cache.',
    'The informer cache > objects are kept under their keys: namespace/name':
      'Store each object under keyOf(object): a node has no namespace, so its key is its name. Lesson: § The informer cache.',
    'The informer cache > every informer indexes by namespace':
      'Give the Indexer { namespace: indexByNamespace, ...options.indexers }; byIndex asks it. Lesson: § The informer cache.',
    'The informer cache > the ownerUid index finds the objects an owner owns':
      "Nothing new if the options' indexers reach the Indexer. Lesson: § The informer cache.",
    'The informer cache > running an informer twice starts one reflector':
      'Remember that run() was called; the second call returns at once. Lesson: § The informer cache.',
    'The informer cache > waitForSync rejects if the informer is stopped before it syncs':
      "Keep the waiters' resolve functions; when the signal aborts first, reject with an Error (and remove the abort listener once synced). Lesson: § The informer cache.",
    'The informer cache > handlers hear add, update and delete in the order things happened':
      "add/update store the object and call each handler's update(old, new) if it was cached, else add; delete removes it and calls delete. Lesson: § The informer cache.",
    'The informer cache > a handler added after the sync is first told about everything already cached':
      "In addEventHandlers, if synced, call the new handler's add for each cached object. Lesson: § The informer cache.",
    'The informer cache > the nodeName index follows a pod when it is bound to a node':
      'Nothing new if update puts the new version in the Indexer, which refiles it. Lesson: § The informer cache.',
    'The informer cache > a label selector narrows what the informer holds':
      "Pass the options' labelSelector and fieldSelector to the Reflector: it lists and watches with them. Lesson: § The informer cache.",
    'The informer cache > compaction forces a relist that ends in the same cache as a fresh list, deletes included':
      'replace must diff: cached keys missing from the list are deleted (tell handlers), listed objects with a new resourceVersion are updates, unknown ones are adds, unchanged ones are left alone. Lesson: § The informer cache.',
    'The informer cache > every resyncMs, each cached object is handed to update again, unchanged':
      'With resyncMs > 0, run() calls scheduleResync: a timer on the clock that calls update(object, object) for every cached object and sets itself again; clear it when the signal aborts. Lesson: § The informer cache.',
    // Controllers
    'Controllers > reconcile gets the key of each object there at the start, and of each created later':
      'watch() adds handlers that queue.add(key); run() runs the informers, awaits waitForSync, then starts workers that get a key, reconcile it and call done. Lesson: § Controllers.',
    'Controllers > a failing reconcile is retried with back-off until it succeeds, then forgotten':
      'In the worker: on success queue.forget(key); on error onError(key, error) and queue.addRateLimited(key); done(key) in both cases. Lesson: § Controllers.',
    "Controllers > keysFor maps an object to other keys: a pod to its owner's":
      "Queue keysFor(object) instead of the object's own key; on update, the keys of old and new together. Lesson: § Controllers.",
    'Controllers > workers never reconcile one key at the same time, however often it changes':
      'Nothing new if the workers share one queue: the queue never hands a busy key to a second worker. Lesson: § Controllers.',
    'Controllers > stopping the controller stops its workers, and run resolves':
      'When the signal aborts, shut the queue down: each waiting get resolves undefined and the worker returns. Lesson: § Controllers.',
    'Controllers > updateWithRetry reads again and redoes the change when someone else wrote first':
      'Loop: get, mutate, update; if the update fails with isConflict, go round again. Lesson: § Controllers.',
    'Controllers > updateWithRetry gives up after five conflicts in a row and rejects with the last':
      'Count attempts; on the fifth conflict, throw it. Lesson: § Controllers.',
    'Controllers > updateWithRetry writes nothing when the change says there is nothing to change':
      'If mutate returns false, return the object as read. Lesson: § Controllers.',
    'Controllers > updateWithRetry with { status: true } writes the status subresource':
      'With options.status, write with client.updateStatus instead of client.update. Lesson: § Controllers.',
    'Controllers > the toolkit gathers these parts, as the later chapters receive them':
      'index.ts is given: nothing new if createController, createInformer and the index functions work. Lesson: § Controllers.',
    // Leader election
    "Leader election > a Lease's times are MicroTime: six fractional digits":
      'new Date(ms).toISOString() ends in .sssZ: add three zeros before the Z. Lesson: § Leader election.',
    'Leader election > leaseSpecFor: creating the Lease holds it from now, for the lease duration in seconds':
      'holderIdentity, leaseDurationSeconds: Math.ceil(ms / 1000), acquireTime and renewTime: microTime(now), leaseTransitions: 0 when there is no current spec. Lesson: § Leader election.',
    'Leader election > leaseSpecFor: a renewal keeps acquireTime and the transitions; a takeover counts one more':
      'Renewing means current.holderIdentity === identity: keep current.acquireTime and leaseTransitions. Anyone else\'s (or nobody\'s, ""): acquireTime now and (current.leaseTransitions ?? 0) + 1. Lesson: § Leader election.',
    'Leader election > tryAcquireOrRenew creates a missing Lease and holds it':
      'The constructor keeps the options, the Lease client (client.resource("leases", namespace)) and the times with their defaults. tryAcquireOrRenew: get; on isNotFound create { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata, spec }, note it as seen (onNewLeader), return true. Lesson: § Leader election.',
    'Leader election > while another holds the Lease and renews it, a try fails, however long it goes on':
      "Remember the spec you last saw and when (clock.now()) you saw it change (holder or renewTime). Someone else's Lease may be taken only once now >= that moment + leaseDurationMs. Lesson: § Leader election.",
    "Leader election > a Lease unrenewed for the lease duration, by the candidate's own clock, is taken over":
      'Nothing changed since you saw it, and the lease duration has passed by your clock: update the Lease (it carries the resourceVersion you read) with leaseSpecFor(its spec, ...), and note it as seen. Lesson: § Leader election.',
    'Leader election > of two candidates trying for an expired Lease at once, exactly one wins; an unreachable server is a failed try':
      'Catch every error of the get (other than NotFound) and of the write, and return false: a 409 means another candidate wrote first. Lesson: § Leader election.',
    'Leader election > the first candidate creates the Lease and leads':
      'run: loop until the signal aborts; when tryAcquireOrRenew succeeds, lead: isLeader() true, onStartedLeading(a signal of your own); otherwise sleep retryPeriodMs on the clock. Lesson: § Leader election.',
    'Leader election > the leader renews every retry period; a second candidate waits':
      'While leading, sleep retryPeriodMs on the clock and call tryAcquireOrRenew again: it renews. The others keep trying and failing. Lesson: § Leader election.',
    'Leader election > a leader that stops releases the Lease, and the other takes over on its next try':
      'When the run\'s signal aborts while leading: stop (onStoppedLeading), then update the Lease with holderIdentity "". An empty holder may be taken at once. Lesson: § Leader election.',
    'Leader election > a leader cut off steps down after the renew deadline; the other leads only after the lease duration':
      'Remember the time of the last successful renewal; when now minus that reaches renewDeadlineMs, stop leading. Lesson: § Leader election.',
    'Leader election > two candidates never both lead, through starts, stops and partitions':
      'Nothing new if a leader steps down after renewDeadlineMs without a renewal, and the others take over only after leaseDurationMs by their own clocks: the deadline is the shorter. Lesson: § Leader election.',
  },
};
