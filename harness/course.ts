// The course manifest: the one place that says which chapters exist, in what order, what each is
// called, and the hints for its tests. The `kata` CLI, the integrity check and the docs check all
// read it; nothing else lists chapters.

/**
 * A stage: a unit of progress and of time a learner can finish in one sitting. Its id is the
 * chapter's id and its place, counted from 1: "01.3". Its tests are a run of the chapter's tests in
 * the chapter's order (test files by name, tests as written): from its first test up to the next
 * stage's first.
 */
export interface Stage {
  /** What the learner has working once it passes: "Revisions and ranges". */
  title: string;
  /** The full name ("Section > test name") of the stage's first test. */
  from: string;
  /**
   * The stub functions this stage asks for, named as their NotImplemented names them ("Store.put",
   * "encode"), when the stage covers only part of a lesson section. A function no stage names
   * belongs to the first stage that covers the lesson section its NotImplemented names.
   */
  functions?: string[];
  /**
   * Why this stage runs past a sitting, when it cannot be cut: the functions behind its first test
   * pass nothing until all of them are written. The integrity check accepts a long stage only
   * with its reason.
   */
  long?: string;
}

export interface Chapter {
  /** Two digits, stable once published: "01". Parts of a long chapter are "03a", "03b". */
  id: string;
  /** The folder name after the id: chapters/01-store. */
  slug: string;
  title: string;
  /** One line: what the learner builds. */
  builds: string;
  /**
   * The chapter cut into stages, in order: each one sitting for a newcomer (30 to 60 minutes). How
   * long each takes is computed from the work behind it (harness/kata/course/stages.ts), never typed.
   */
  stages: Stage[];
  /**
   * Hints, keyed by a test's full name: its lesson section (the top-level `describe`), " > ", then
   * the test's name. Shown when that test is the learner's next failing one.
   */
  hints: Record<string, string>;
  /**
   * The rare tests allowed to pass on the pristine stubs, keyed by full name like `hints`, each with
   * the reason it checks something anyway. The integrity check fails any other test that passes
   * on a stub.
   */
  passOnStubs?: Record<string, string>;
}

/**
 * Headings every lesson has, besides one heading per test section. The integrity check enforces
 * them; docs/authoring.md explains what goes under each.
 */
export const requiredLessonSections = [
  'What you will build',
  'In Kubernetes',
  'Certification notes',
  'Try it',
  'Review questions',
];

export const course: Chapter[] = [
  {
    id: '01',
    slug: 'store',
    title: 'The store',
    builds:
      'an MVCC key-value store with etcd semantics: revisions, ranges, transactions, watches, leases',
    stages: [
      {
        title: 'The key index: every version of every key',
        from: "Revisions > the key index gives a key's state at a revision: its newest version at or before it",
        functions: ['KeyIndex.get', 'KeyIndex.put', 'Store.revision'],
      },
      {
        title: 'Puts: one revision each',
        from: 'Revisions > a put adds one to the revision and answers with the new revision',
        functions: ['Store.put', 'checkPut', 'checkKey', 'ChangeLog.append'],
      },
      {
        title: 'Reading keys back, and ranges',
        from: 'Revisions > a range reads back the value that was put',
        functions: ['Store.range', 'KeyIndex.range', 'keyInterval', 'inInterval'],
      },
      {
        title: 'Limits, the past, and deletes',
        from: 'Ranges > limit returns the first keys, sets more, and count still counts the whole range',
        functions: ['Store.deleteRange', 'KeyIndex.remove'],
      },
      {
        title: 'What a txn may ask: the checks made before it runs',
        from: 'Transactions > checkTxn refuses more than 128 compares, or more than 128 operations in one branch',
        functions: ['checkTxn', 'keyId'],
      },
      {
        title: 'Transactions: many operations, one revision',
        from: 'Transactions > a txn with no compares succeeds and runs its success operations',
        functions: ['Store.txn', 'Lessor.get'],
      },
      {
        title: 'Compares, compare-and-swap, and what a watcher hears of a change',
        from: 'Transactions > when a compare fails, the failure operations run instead',
        functions: ['compareKeyValue', 'watchedEvents'],
      },
      {
        title: 'Watches: live, replayed, in order',
        from: 'Watches > a watch hears a later put: one response with its revision and a PUT event',
        functions: ['ChangeLog.notify', 'ChangeLog.watch', 'Store.watch'],
      },
      {
        title: 'Granting leases and attaching keys',
        from: 'Leases > granting a lease returns its ID and TTL, lists it, and leaves the revision alone',
        functions: [
          'Store.leaseGrant',
          'Lessor.grant',
          'Store.leases',
          'Lessor.all',
          'Lessor.attach',
          'Store.leaseTimeToLive',
          'Lessor.remaining',
          'Lessor.keys',
        ],
      },
      {
        title: 'Revokes, keep-alives and expiry',
        from: 'Leases > revoking a lease deletes every key attached to it, in one revision',
        functions: [
          'Store.leaseRevoke',
          'Lessor.remove',
          'Lessor.detach',
          'Store.leaseKeepAlive',
          'Lessor.renew',
          'Store.expireLeases',
          'Lessor.expiredLeases',
        ],
      },
      {
        title: 'Compaction',
        from: 'Compaction > compact records the compact revision and answers with the current revision',
        functions: [
          'Store.compact',
          'Store.compactRevision',
          'KeyIndex.compact',
          'ChangeLog.compact',
          'ChangeLog.after',
        ],
      },
      {
        title: 'Snapshots',
        from: "Snapshots > a fresh store's snapshot restores to a fresh store: revision 1, no keys",
      },
    ],
    hints: {
      "Revisions > the key index gives a key's state at a revision: its newest version at or before it":
        'Write KeyIndex.put and KeyIndex.get: keep, per key, its versions oldest first ({ modRevision, kv }); get looks from the newest end for the first version whose modRevision is at or below the revision asked. Lesson: § Revisions.',
      'Revisions > before its first version a key is missing, and so is a key never written':
        'When every version of a key is newer than the revision asked, get answers undefined; so it does for a key the index holds no history for. Lesson: § Revisions.',
      'Revisions > every key keeps its own versions, whatever order the keys were written in':
        'Keep one history per key in an array sorted with compareBytes, find a key with a binary search, and insert a new key in its sorted place (splice), never at the end. Lesson: § Revisions.',
      'Revisions > a key that sorts between two others is missing until it is written, then found':
        "A binary search lands on the first key at or after the one asked for: check that it is the same key (equalBytes) before you answer, or b gets c's versions. Lesson: § Revisions.",
      'Revisions > a fresh store is at revision 1':
        'Give Store a field for the current revision that starts at 1, and return it from the `revision` getter. Lesson: § Revisions.',
      'Revisions > a put adds one to the revision and answers with the new revision':
        'A put is one write: add one to the revision, record the key, and answer with the new revision in the header. Lesson: § Revisions.',
      'Revisions > prevKv returns the key as it was before the put':
        'Look the key up in the index before you write it; with prevKv, answer that old state. Lesson: § Revisions.',
      'Revisions > there is no prevKv unless asked for, and none for a key that did not exist':
        'Set prevKv on the response only when the request asked for it and the key had a live version before the put. Lesson: § Revisions.',
      'Revisions > a put with an empty key is refused with etcd\'s "key is not provided" and changes nothing':
        'Check the request before touching anything: checkKey throws errors.keyNotProvided() for an empty key, and put calls it (through checkPut) before it takes a revision. Lesson: § Revisions.',
      'Revisions > every put is a new revision, even one that writes the same value again':
        "Never compare values: every put is a write, takes the next revision and becomes the key's newest version, even with the same value. Lesson: § Revisions.",
      'Revisions > a range reads back the value that was put':
        'Write Store.range for one key: turn key and rangeEnd into an interval with keyInterval (no rangeEnd: the key alone) and ask KeyIndex.range for the keys in it at the current revision. Lesson: § Ranges.',
      'Revisions > a new key is created at the revision of its put, with version 1':
        'A put to a key with no live version starts a generation: createRevision and modRevision are both the new revision, version is 1 and lease 0n. Lesson: § Revisions.',
      'Revisions > writing a key again keeps its createRevision, moves its modRevision and adds one to its version':
        'Look the key up before you write it: a live key carries its createRevision over and gets version + 1; a missing one starts at version 1. Lesson: § Revisions.',
      'Revisions > the revision counts writes to every key; each key keeps its own modRevision':
        "The revision belongs to the store, not to a key: each put takes the store's next revision, and only the key it writes gets it as its modRevision. Lesson: § Revisions.",
      'Revisions > the store keeps its own copy of the key and value it was given':
        "A Uint8Array is passed by reference: if you keep the caller's array, the caller can change your data later. Keep a copy. Lesson: § Revisions.",
      'Ranges > a range over a key that does not exist finds nothing':
        'A range always answers kvs, more and count, even when it finds nothing, with the current revision in the header. Lesson: § Ranges.',
      'Ranges > without a rangeEnd a range reads that key alone, not the keys that start with it':
        'No rangeEnd means the key alone: the interval [key, key followed by one zero byte) holds the key and nothing else, so foo/bar and fooo stay out. Lesson: § Ranges.',
      'Ranges > [key, rangeEnd) holds the keys from key up to, not including, rangeEnd, in order':
        'Keep the keys sorted with compareBytes; find the first key at or after `key` with a binary search, then walk forward until you reach rangeEnd. Lesson: § Ranges.',
      'Ranges > keys are ordered byte by byte, not as numbers: pod-10 comes before pod-9':
        'Compare keys with compareBytes from harness/store/bytes.ts: byte by byte, and a shorter key before its extensions. Lesson: § Ranges.',
      'Ranges > a prefix range (rangeEnd = prefixEnd(prefix)) holds exactly the keys under the prefix':
        'prefixEnd(prefix) is an ordinary rangeEnd. If this fails, your walk does not stop at the first key at or after rangeEnd. Lesson: § Ranges.',
      'Ranges > a rangeEnd of one zero byte means every key from key on; key \\0 with it means all keys':
        'A rangeEnd of exactly one zero byte is not a key: it means "no upper bound". Lesson: § Ranges.',
      'Ranges > limit returns the first keys, sets more, and count still counts the whole range':
        'Find the whole range first: count is its size. Then cut it to `limit` and set `more` when something was cut. Lesson: § Ranges.',
      'Ranges > keysOnly returns the keys with empty values':
        'With keysOnly, answer copies of the key-values with an empty value; never empty the stored ones, later reads still need them. Lesson: § Ranges.',
      'Ranges > countOnly returns the count and no keys':
        'With countOnly, answer an empty kvs and the count of the whole range. Lesson: § Ranges.',
      'Ranges > a range at an older revision sees the store as it was at that revision':
        "Keep every version of a key, not just the latest: a read at revision R takes each key's newest version whose modRevision is at most R. Lesson: § Revisions and § Ranges.",
      "Ranges > the header carries the store's current revision, even for a read at an older one":
        "A read of the past still answers header.revision = the store's current revision; only the kvs come from the older revision. Lesson: § Ranges.",
      'Ranges > a revision above the current one is refused with "required revision is a future revision"':
        'Check the revision asked for before reading: 0 or absent means now, and one above the current revision throws errors.futureRevision(). Lesson: § Ranges.',
      'Ranges > a range with an empty key is refused with "key is not provided"':
        'range checks its key with checkKey first, as put does. Lesson: § Ranges.',
      'Deletes > deleting a key removes it, adds one revision and says how many keys went':
        "Don't erase the key's history: record a deletion (a tombstone) at the new revision, so reads at older revisions still find the key. Lesson: § Deletes.",
      'Deletes > deleting a key that does not exist deletes nothing and keeps the revision':
        'Only a write that changes something takes a revision. Lesson: § Deletes.',
      'Deletes > deleting a range removes every key in it in one revision':
        'Find the live keys of [key, rangeEnd) at the current revision, then record a tombstone for each, all at the same new revision. Lesson: § Deletes.',
      'Deletes > prevKv returns the deleted keys as they were':
        'The keys you found before deleting them are what prevKvs holds: return them when prevKv is set. Lesson: § Deletes.',
      'Deletes > a put after a delete starts a new generation: a new createRevision and version 1':
        'After a tombstone the key is missing, so the next put treats it as a new key. Lesson: § Deletes.',
      'Deletes > a read at a revision before the delete still sees the key':
        "KeyIndex.remove adds a tombstone version and erases nothing, so a read at an earlier revision still finds the key's state then. Lesson: § Deletes.",
      'Deletes > a delete with an empty key is refused with "key is not provided"':
        'deleteRange checks its key with checkKey before anything else. Lesson: § Deletes.',
      'Transactions > checkTxn refuses more than 128 compares, or more than 128 operations in one branch':
        'Write checkTxn: count the compares, the success operations and the failure operations separately; any count above MAX_TXN_OPS (128) throws errors.tooManyOps(). Lesson: § Transactions.',
      'Transactions > checkTxn refuses a branch that puts a key twice, or puts a key it also deletes':
        'Per branch, collect the intervals it deletes and the keys it puts, in a Map keyed by keyId(key) (a Map compares Uint8Arrays by identity); a put whose key is already there, or inside a deleted interval, throws errors.duplicateKey(). Lesson: § Transactions.',
      'Transactions > the two branches of a nested txn may put the same key, but the txn around it may not put it too':
        'A nested txn adds the keys of both its branches to the branch around it, but a key its success and failure both put counts once, since only one branch runs. A put of that key beside it is a duplicate. Lesson: § Transactions.',
      'Transactions > checkTxn checks every key: in compares, in operations, and in nested txns':
        "checkTxn checks each compare's key, then each operation: a range or a delete needs a key (checkKey), a put passes checkPut, a nested txn passes checkTxn itself. Lesson: § Transactions.",
      'Transactions > a txn with no compares succeeds and runs its success operations':
        'With no compares, every compare holds. Run the success operations with the same code as put, range and deleteRange. Lesson: § Transactions.',
      'Transactions > each operation gets its response, in the order of the operations':
        'Run the chosen branch in order and answer one response per operation, of the matching kind: responsePut, responseRange, responseDeleteRange, responseTxn. Lesson: § Transactions.',
      'Transactions > all the writes of a txn share one revision':
        "Open one write for the whole txn: every put and delete in it uses the same new revision, and the store's revision moves once, at the end, if anything changed. Lesson: § Transactions.",
      'Transactions > a txn that changes nothing keeps the revision':
        'A write that changed nothing is not committed: the store keeps its revision, and the header carries it. Lesson: § Transactions.',
      'Transactions > an operation sees the writes made before it in the same txn':
        "Apply each operation to the index as you go, at the txn's revision; a range inside the txn reads at that revision, so it sees the puts made before it. Lesson: § Transactions.",
      'Transactions > more than 128 operations is refused with "too many operations" and changes nothing':
        'Call checkTxn at the start of txn, before the write begins: a refused txn leaves the revision alone. Lesson: § Transactions.',
      'Transactions > a txn may not put a key twice, nor put a key it also deletes: "duplicate key"':
        'Before running anything, collect the keys each branch puts and the ranges it deletes; a key that turns up twice is refused. Lesson: § Transactions.',
      'Transactions > an operation that cannot run fails the whole txn, and nothing changes':
        'Check everything the chosen branch will do (leases exist, revisions are readable) before the first write, not while writing. Lesson: § Transactions.',
      'Transactions > when a compare fails, the failure operations run instead':
        "Write compareKeyValue: read the compare's key, compare its target field with the operand, and run `failure` as soon as one compare does not hold. Lesson: § Transactions.",
      'Transactions > a missing key compares as zeros: CREATE = 0 means "the key does not exist yet"':
        'Compare a missing key as if every number in it were 0 (except for VALUE, which fails). Lesson: § Transactions.',
      'Transactions > MOD = the modRevision you read is compare-and-swap: of two writers, only the first wins':
        "MOD compares the key's modRevision: the second writer's compare still holds the revision both read, which the first writer's put has moved on. Lesson: § Transactions.",
      "Transactions > GREATER, LESS and NOT_EQUAL compare the key's field with the operand":
        "Work out once how the key's field orders against the operand (negative, zero, positive), then map EQUAL, NOT_EQUAL, GREATER and LESS onto that. Lesson: § Transactions.",
      'Transactions > VALUE compares bytes; on a missing key it always fails, even NOT_EQUAL':
        'VALUE compares bytes with compareBytes. A missing key has no value at all, so every VALUE compare on it is false, NOT_EQUAL included. Lesson: § Transactions.',
      "Transactions > LEASE compares the key's lease, where 0 means none":
        "LEASE compares the key's lease ID (a bigint, 0n for none) with compare.lease. Lesson: § Transactions.",
      'Transactions > every compare must hold, and with a rangeEnd every key in the range must':
        'All compares must hold. With a rangeEnd, read every key of the range and require the compare on each; an empty range compares as one missing key. Lesson: § Transactions.',
      'Transactions > a nested txn decides on its own compares, against the store as it was before the outer txn':
        'Decide every branch, including those of nested txns, before the first write. Lesson: § Transactions.',
      "Watches > the events a watcher hears of a change are those on its keys, in the change's order":
        "Write watchedEvents: keep the change's events whose key is in filter.interval (inInterval), in the order the change holds them. Lesson: § Watches.",
      'Watches > a filter leaves out PUT events (noPut) or DELETE events (noDelete)':
        'Drop PUT events when filter.noPut is set, DELETE events when filter.noDelete is set. Lesson: § Watches.',
      'Watches > with prevKv each event carries the key as it was the revision before; a key the change created has none':
        'With filter.prevKv, add prevKv = readBefore(key, change.revision) to each event, except a PUT whose createRevision equals its modRevision: the change created that key. Lesson: § Watches.',
      'Watches > a watch hears a later put: one response with its revision and a PUT event':
        'Keep the listeners; when a write commits, call each one with the revision and the events for its keys. Without a startRevision a watch starts at the next revision. Lesson: § Watches.',
      'Watches > the event carries the key as the put left it':
        "A PUT event's kv is the key-value exactly as the put stored it: value, createRevision, modRevision, version and lease. Lesson: § Watches.",
      'Watches > a watch hears only the keys it asked for':
        "Turn the watch's key and rangeEnd into an interval with keyInterval, as range does, and let watchedEvents keep only the events inside it. Lesson: § Watches.",
      "Watches > a delete arrives as a DELETE event holding only the key and the delete's revision":
        "A DELETE event's kv has the key and the delete's revision as modRevision; everything else is zero or empty. Lesson: § Watches.",
      'Watches > all the events of one txn arrive in one response, in the order they were made':
        "One response per revision: a txn's change holds all of its events, in the order the txn made them. Lesson: § Watches.",
      'Watches > a startRevision in the past replays history from that revision on, before watch returns':
        'Keep a log of changes, one entry per revision. A watch from an older revision replays the log from there before it returns. Lesson: § Watches.',
      'Watches > after the replay, live changes follow with no gap and no repeat':
        'Give each watcher the next revision it expects. Add it to the live watchers after its replay, and skip any change older than that revision. Lesson: § Watches.',
      'Watches > a startRevision in the future waits until the store reaches it':
        'A watcher that starts at revision 4 skips every change below 4: the same next-revision check does it. Lesson: § Watches.',
      'Watches > prevKv adds the previous state of the key to updates and deletes, not to creations':
        "An event's previous state is the key read at the revision just before it. Lesson: § Watches.",
      'Watches > filters leave out PUT or DELETE events, and a revision with nothing left is not delivered':
        'Turn request.filters (NOPUT, NODELETE) into the watch filter; when no event is left for a watcher, do not call its listener at all. Lesson: § Watches.',
      'Watches > cancel stops the events; canceling twice is harmless':
        'cancel() marks the watcher canceled and removes it from the live watchers; a second call has nothing left to remove. Lesson: § Watches.',
      'Watches > a listener that writes to the store does not disturb the order: every watcher hears each revision once, in order':
        'A listener that writes calls back into your delivery code while it is still running. Queue the new change and let the running loop deliver it next. Lesson: § Watches.',
      'Leases > granting a lease returns its ID and TTL, lists it, and leaves the revision alone':
        'The lessor keeps leases in a Map from ID to lease. A grant is not a write, so the revision stays. Lesson: § Leases.',
      'Leases > a TTL below the minimum is raised to it: 2 seconds unless the store was told otherwise':
        'Raise a TTL below the minimum (StoreOptions.minLeaseTtl, 2 by default) to it. Lesson: § Leases.',
      'Leases > without an ID the store picks a positive one that fits in 63 bits, from its random source':
        'Build the ID as a bigint from the injected random source (31 bits, then 32 more), and never return 0. Lesson: § Leases.',
      'Leases > an ID already in use is refused with "lease already exists"; a TTL above 9,000,000,000 s with "too large lease TTL"':
        'Check the TTL against MAX_LEASE_TTL (errors.leaseTtlTooLarge()), and a chosen ID against the leases you hold (errors.leaseExists()). Lesson: § Leases.',
      'Leases > a put with a lease attaches the key to it':
        "A put with a lease stores the lease ID in the key's kv and attaches the key to the lease (Lessor.attach, by keyId); timeToLive with keys lists the lease's keys. Lesson: § Leases.",
      'Leases > a put with a lease that does not exist is refused with "requested lease not found"':
        'Before writing, a put with a non-zero lease checks that the lease exists, and throws errors.leaseNotFound() when it does not. Lesson: § Leases.',
      'Leases > revoking a lease deletes every key attached to it, in one revision':
        'Track the keys on each lease: attach on put, detach on delete or when the key moves to another lease. A revoke deletes them all in one write. Lesson: § Leases.',
      'Leases > revoking a lease with no keys keeps the revision; revoking an unknown lease is refused':
        'A revoke that deletes no key changes nothing, so it takes no revision. A lease the lessor does not hold is errors.leaseNotFound(). Lesson: § Leases.',
      'Leases > writing a key again without its lease takes it off the lease':
        'When a put moves a key to another lease or to none, detach it from its old lease; otherwise revoking the old lease deletes it. Lesson: § Leases.',
      'Leases > ignoreLease keeps the lease while changing the value; ignoreValue keeps the value while changing the lease':
        "ignoreLease takes the lease from the key's current kv, ignoreValue its value; everything else in the put goes on as usual. Lesson: § Leases.",
      'Leases > ignoreValue and ignoreLease need an existing key, and no new value or lease beside them':
        'checkPut refuses ignoreValue with a value (errors.valueProvided()) and ignoreLease with a lease (errors.leaseProvided()); the store refuses either on a missing key (errors.keyNotFound()). Lesson: § Leases.',
      'Leases > timeToLive reports the seconds left, the granted TTL and, when asked, the keys; -1 for an unknown lease':
        'Seconds left are Math.floor((deadline - now) / 1000), never below 0; the keys come in byte order when asked; an unknown lease answers ttl -1, not an error. Lesson: § Leases.',
      'Leases > keepAlive gives the lease its full TTL again; an unknown lease gets 0':
        'A keep-alive moves the deadline to now + ttl × 1000 and answers the TTL; an unknown lease answers ttl 0. Lesson: § Leases.',
      'Leases > expireLeases revokes the leases whose time is up, one revision each, and nothing earlier':
        "A lease's deadline is its grant (or last keep-alive) time plus ttl × 1000 ms on the injected clock. It has expired once the deadline is at or before now. Lesson: § Leases.",
      'Compaction > compact records the compact revision and answers with the current revision':
        'Compaction is a number the store remembers, plus history it may now forget. Lesson: § Compaction.',
      'Compaction > a read below the compact revision is refused with "required revision has been compacted"':
        'Every read checks the revision it asks for: one below the compact revision throws errors.compacted(); the compact revision itself can still be read. Lesson: § Compaction.',
      'Compaction > the compact revision itself, and everything after it, can still be read':
        'Compacting at C keeps, for every key, the version that was current at C and everything newer. Lesson: § Compaction.',
      'Compaction > compacting at or below the compact revision again is refused, and so is compacting the future':
        'compact refuses a revision at or below the compact revision (errors.compacted()) and one above the current revision (errors.futureRevision()). Lesson: § Compaction.',
      'Compaction > a watch from below the compact revision is refused; from it on, the watch replays what is left':
        'Trim the change log along with the index. A deletion at the compact revision has left nothing to replay. Lesson: § Compaction.',
      'Compaction > a put at the compact revision is still replayed, without a prevKv (the revision before is gone)':
        "After compacting at C, the change log's entry for C keeps only the keys written then that still exist. Their prevKv would be read at C - 1, which is gone: leave it out. Lesson: § Compaction.",
      'Compaction > a txn that reads below the compact revision fails whole':
        'Before the first write, check every range the chosen branch will run the way range does: a compacted or future revision refuses the whole txn. Lesson: § Compaction.',
      "Snapshots > a fresh store's snapshot restores to a fresh store: revision 1, no keys":
        'snapshot() returns plain values; the constructor rebuilds a store from them when given `snapshot`. Lesson: § Snapshots.',
      'Snapshots > a restored store answers ranges at every revision as the original does':
        'Restore the base, then replay every change in order into the index and the change log, as the original recorded them. Lesson: § Snapshots.',
      'Snapshots > a restored store replays watches as the original does':
        'Record every replayed change in the change log as well, its events as they were (without prevKv: a watcher that asks reads it again). Lesson: § Snapshots.',
      'Snapshots > a compacted store restores with its compact revision, and the same reads and watches':
        'Set the compact revision first: the base holds each key as of that revision, and the change log starts with what survives of it. Lesson: § Snapshots.',
      'Snapshots > leases come back with their full TTL counted from now, and their keys still attached':
        'Grant each lease again with its TTL, then attach every live key that names it. Lesson: § Snapshots.',
      'Snapshots > a restored store carries on from its revision':
        "Set the store's revision to the snapshot's, so the next write takes the one after. Lesson: § Snapshots.",
    },
  },
  {
    id: '02',
    slug: 'store-server',
    title: 'The store on the wire',
    builds:
      "the store behind etcd 3.4's JSON API on port 2379, a write-ahead log that makes it durable, and the client the API server uses",
    stages: [
      {
        title: "Encoding etcd's JSON",
        from: 'The wire format > a key-value is written with base64 bytes, 64-bit integers as strings and snake_case names',
        functions: ['encode'],
      },
      {
        title: "Decoding etcd's JSON",
        long: 'the decoder is one recursive walk over the schema: no test of it passes before the whole walk does',
        from: 'The wire format > input may use the proto names or their lowerCamel JSON names',
        functions: ['decode'],
      },
      {
        title: 'Routing, and the header every answer carries',
        long: "the server's skeleton (routing, the header, createStoreServer) answers its first request only once all of it is there",
        from: 'The gateway > routeOf sends each POST endpoint to its kind: unary calls, the watch stream, the keep-alive stream',
        functions: ['routeOf', 'memberHeader', 'createStoreServer'],
      },
      {
        title: 'Put, range and delete over HTTP',
        from: 'The gateway > a put answers with the header: cluster_id, member_id, revision and raft_term, as strings',
        functions: ['serveUnary'],
      },
      {
        title: 'Transactions and compaction over HTTP',
        from: 'The gateway > a txn runs its success branch when every compare holds',
        functions: ['checkRequestOps', 'errorAnswer'],
      },
      {
        title: "etcd's errors, and input that must not hurt",
        from: "Errors > errorAnswer keeps a StoreError's gRPC code and message, with the HTTP status etcd's gateway maps the code to",
        functions: ['requestBytes'],
      },
      {
        title: 'Splitting a stream into messages',
        from: 'Watch streams > JsonSplitter hands over each message when its outermost brace closes, back to back or one per line',
        functions: ['JsonSplitter.push', 'JsonSplitter.end'],
      },
      {
        title: "A watch stream's messages",
        from: 'Watch streams > a WatchStream answers a create_request "created", at the current revision; watch 0 has no watch_id',
        functions: ['WatchStream.handle', 'WatchStream.create', 'WatchStream.close'],
      },
      {
        title: 'Watches over HTTP',
        long: "a watch stream's writer, its messages and serveWatch answer the first watch together",
        from: 'Watch streams > the first message says the watch is created, with the current revision and no watch_id',
        functions: [
          'serveWatch',
          'StreamWriter.start',
          'StreamWriter.isStarted',
          'StreamWriter.send',
          'StreamWriter.fail',
          'StreamWriter.end',
          'WatchStream.replay',
        ],
      },
      {
        title: 'Refused watches, progress, cancels, and streams that end',
        from: 'Watch streams > a watch_id already in use is refused with watch_id -1 and a cancel_reason',
        functions: [
          'WatchStream.refuse',
          'WatchStream.progress',
          'WatchStream.startProgressTimer',
          'WatchStream.cancel',
          'WatchStream.compacted',
          'streamErrorLine',
        ],
      },
      {
        title: 'Leases and keep-alives over HTTP',
        from: 'Leases > grant answers with the lease ID the store chose and the TTL, both as strings',
      },
      {
        title: 'Frames, and opening the log',
        long: 'opening a log reads its files, cuts a torn tail and replays frames in one path: its first test needs all of it',
        from: 'The write-ahead log > a frame is the record length, its CRC-32, then the record, little-endian',
        functions: [
          'frame',
          'readFrames',
          'logFileName',
          'logFileNumbers',
          'WriteAheadLog.open',
          'WriteAheadLog.close',
          'WriteAheadLog.synced',
        ],
      },
      {
        title: 'Appends, group commit, and replay',
        from: 'The write-ahead log > records appended and synced are replayed, in order, after a restart',
        functions: ['WriteAheadLog.append', 'WriteAheadLog.size'],
      },
      {
        title: 'Torn tails and snapshots',
        from: 'The write-ahead log > a torn tail is cut on open: the whole records before it survive',
        functions: [
          'cutTornTail',
          'readSnapshot',
          'WriteAheadLog.saveSnapshot',
          'WriteAheadLog.nextSegment',
        ],
      },
      {
        title: 'Every change in the log',
        long: 'every write of the durable store logs the same way; the store answers like the one it wraps only once each does',
        from: 'Durability > a durable store answers like the store it wraps',
        functions: [
          'DurableStore.open',
          'DurableStore.truncatedBytes',
          'DurableStore.revision',
          'DurableStore.compactRevision',
          'DurableStore.put',
          'DurableStore.deleteRange',
          'DurableStore.txn',
          'DurableStore.compact',
          'DurableStore.leaseGrant',
          'DurableStore.leaseRevoke',
          'DurableStore.expireLeases',
          'DurableStore.range',
          'DurableStore.watch',
          'DurableStore.leaseKeepAlive',
          'DurableStore.leaseTimeToLive',
          'DurableStore.leases',
          'DurableStore.snapshot',
          'DurableStore.synced',
          'DurableStore.close',
        ],
      },
      {
        title: 'Replay after a restart',
        from: 'Durability > replayLog applies logged records to a store again, in order, and checks each revision',
        functions: ['replayLog'],
      },
      {
        title: 'Answers that wait for the disk',
        from: 'Durability > durableThrough(revision) resolves only once that revision is on disk',
        functions: ['DurableStore.durableThrough', 'StreamWriter.pump'],
      },
      {
        title: 'Snapshots of a durable store',
        from: 'Durability > serializeSnapshot and parseSnapshot carry a store snapshot through JSON unchanged',
        functions: ['serializeSnapshot', 'parseSnapshot'],
      },
      {
        title: 'Calls over HTTP from the client',
        from: "The client > errorFrom turns etcd's error body into a StoreError with its code and message",
        functions: [
          'errorFrom',
          'HttpStoreClient',
          'HttpStoreClient.put',
          'HttpStoreClient.range',
          'HttpStoreClient.close',
        ],
      },
      {
        title: 'Every call, and keep-alives',
        from: 'The client > deleteRange and txn',
        functions: [
          'HttpStoreClient.deleteRange',
          'HttpStoreClient.txn',
          'HttpStoreClient.compact',
          'HttpStoreClient.leaseGrant',
          'HttpStoreClient.leaseRevoke',
          'HttpStoreClient.leaseKeepAlive',
          'revisionsOf',
        ],
      },
      {
        title: 'Watches from the client',
        long: "the client's watch and the ResumingWatch it builds on deliver their first revision only together",
        from: 'The client > a watch hands over each revision once, in order, history first',
        functions: [
          'HttpStoreClient.watch',
          'ResumingWatch',
          'ResumingWatch.cancel',
          'ResumingWatch.connect',
          'ResumingWatch.lost',
          'ResumingWatch.receive',
          'ResumingWatch.end',
        ],
      },
      {
        title: 'Watches that resume; the same answers as etcd, and a store that survives a crash',
        from: 'The client > after a dropped connection the watch resumes where it stopped: nothing lost, nothing twice',
      },
    ],
    hints: {
      'The wire format > a key-value is written with base64 bytes, 64-bit integers as strings and snake_case names':
        'Write `encode`: walk `schema.fields` in order, read `value[field.property]`, write it under `field.name`. bytes become base64, int64 and id become strings. Lesson: § The wire format.',
      'The wire format > fields are written in the order rpc.proto declares them':
        'Walk schema.fields in order and add each field to the output object as you go: JSON.stringify keeps insertion order. Lesson: § The wire format.',
      'The wire format > zero values are left out: no lease, no empty value':
        'Skip a field whose value is its zero: 0, 0n, false, "", empty bytes, an empty list, the first enum name. Lesson: § The wire format.',
      'The wire format > enums are written as names, and the zero enum is left out (PUT events have no type)':
        'An enum field holds its name already; it is zero when it is the first name of field.kind.enum, and zero is left out. Lesson: § The wire format.',
      'The wire format > a oneof member is written even when it is zero':
        'A oneof member (`field.oneof`) is written whenever it is set, even to 0: that is how "create_revision == 0" survives the trip. Lesson: § The wire format.',
      'The wire format > input may use the proto names or their lowerCamel JSON names':
        'Write `decode`: for each field look up `json[field.name]`, then `json[field.jsonName]`. Lesson: § The wire format.',
      'The wire format > 64-bit integers are read from numbers or strings, lease IDs exactly as bigint':
        'Parse strings with BigInt, never with Number: 7587869577374112527 does not fit in a double. Convert to number only for `int64` fields. Lesson: § The wire format.',
      'The wire format > fields that were not sent are read as their zero values':
        'Protobuf has no "missing": a field that was not sent is its zero value. Fill them in, except oneof members and messages. Lesson: § The wire format.',
      'The wire format > enums are read by name or by number':
        'Accept a string that is one of field.kind.enum, or an integer that indexes it; anything else is invalidArgument naming the field. Lesson: § The wire format.',
      'The wire format > a txn decodes into nested operations, one oneof member each':
        'A message field decodes recursively with field.kind.message(); a oneof field is set only when sent, and two members of one oneof in the same object are refused. Lesson: § The wire format.',
      'The wire format > unknown fields are ignored and null means "not set"':
        'Read only the fields the schema names; a value of null is treated as if the field were absent (its zero value). Lesson: § The wire format.',
      'The wire format > malformed input is refused with InvalidArgument, naming the field':
        'Check every value before you use it and throw `invalidArgument(path + ": ...")`. Buffer.from(text, "base64") accepts anything, so check base64 yourself. Lesson: § The wire format.',
      'The wire format > requests nested absurdly deep are refused, not followed until the stack runs out':
        'Count how deep `decode` has recursed (the `depth` parameter) and refuse past a few dozen levels. Lesson: § Errors.',
      'The gateway > routeOf sends each POST endpoint to its kind: unary calls, the watch stream, the keep-alive stream':
        "Write routeOf: keep a Set of the unary paths; /v3/watch is 'watch', /v3/lease/keepalive 'keepalive'; GET /health and GET /version are their own kinds. Lesson: § The gateway.",
      'The gateway > routeOf reads /v3beta/ paths as /v3/ ones, /v3/kv/lease/ paths as lease endpoints, and ignores a query string':
        "Cut the URL at '?', then rewrite a /v3beta/ prefix to /v3/ before you look the path up; the /v3/kv/lease/ aliases are in the Set too. Lesson: § The gateway.",
      'The gateway > routeOf refuses the wrong method with 405, and says GET is the one allowed on /health':
        "A known path with the wrong method is { kind: 'refused', status: 405, text: 'Method Not Allowed' }; for /health and /version add allow: 'GET'. Lesson: § Errors.",
      'The gateway > routeOf refuses an unknown path with 404: "Not Found" under /v3/, "404 page not found" elsewhere':
        'Check for an unknown path before the method: 404 with the gateway\'s "Not Found" under /v3/, Go\'s "404 page not found" anywhere else. Lesson: § Errors.',
      'The gateway > memberHeader names the cluster and the member from the name, the same every time, with raft term 1':
        'Hash the name (node:crypto\'s sha256 of "cluster:<name>" and "member:<name>", first 8 bytes with readBigUInt64BE) once, and return a function that builds { clusterId, memberId, revision, raftTerm: 1 }. Lesson: § The gateway.',
      'The gateway > GET /health answers {"health":"true"}':
        'Write createStoreServer with node:http: every request goes through routeOf; /health answers the text {"health":"true"}; listen resolves with http://host:port. Lesson: § The gateway.',
      'The gateway > GET /version names the etcd API version the server speaks':
        'GET /version answers VERSION as JSON (sendJson is given). Lesson: § The gateway.',
      'The gateway > listen(0) picks a free port and resolves with the URL clients use; close() stops listening':
        'listen creates an http.Server, listens, and resolves with http://127.0.0.1:<address().port>; close() closes every server it made (server.close, closeAllConnections). Lesson: § The gateway.',
      'The gateway > a put answers with the header: cluster_id, member_id, revision and raft_term, as strings':
        "Write serveUnary: read the body, decode it with the endpoint's request schema, call the store, encode the answer with the response schema and header state.header(revision). Lesson: § The gateway.",
      'The gateway > a server listens on as many addresses as it is asked to, as etcd does for --listen-client-urls':
        'Each listen() call makes one more http.Server with the same request handler; keep them all in a list so close() stops each. Lesson: § The gateway.',
      'The gateway > a range returns keys and values in base64 and revisions as strings':
        'The range endpoint is RangeRequestMessage in, store.range, RangeResponseMessage out: the codec does base64 and the strings. Lesson: § The gateway.',
      'The gateway > zero values are left out: a range that finds nothing has no kvs, count or more':
        'Nothing to add if encode leaves zero values out: [], 0 and false disappear. Lesson: § The wire format.',
      'The gateway > input names may be camelCase: a prefix range with rangeEnd and a limit':
        'decode already accepts either name; if this fails, check the range endpoint passes rangeEnd, limit and keysOnly on to the store. Lesson: § The gateway.',
      'The gateway > prev_kv returns what a put replaced':
        "The put endpoint's response schema (PutResponseMessage) has prev_kv: pass the store's answer through whole. Lesson: § The gateway.",
      'The gateway > a range at an older revision sees the store as it was':
        'revision travels in the range request like any other field; the store does the rest. Lesson: § The gateway.',
      'The gateway > deleterange says how many keys it deleted, and returns them when asked':
        'Add the /v3/kv/deleterange endpoint: DeleteRangeRequestMessage in, store.deleteRange, DeleteRangeResponseMessage out. Lesson: § The gateway.',
      'The gateway > deleting nothing leaves the revision as it was':
        "deleted: 0 and no prev_kvs are zero values, left out; the header's revision is the store's, unchanged. Lesson: § The gateway.",
      'The gateway > a txn runs its success branch when every compare holds':
        "The txn endpoint is decode, store.txn, encode, like put; run checkRequestOps first, and leave a nested txn's own header empty, as etcd does. Lesson: § The gateway.",
      'The gateway > otherwise it runs its failure branch, and leaves out succeeded (false)':
        "Nothing new if encode leaves false out; the failure branch's responses come back in `responses`. Lesson: § The wire format.",
      'The gateway > every write of one txn shares one revision':
        'The store already gives one revision to a txn; the endpoint only passes the request and answer through. Lesson: § The gateway.',
      'The gateway > compaction answers with the header; revisions before it can no longer be read':
        "Add /v3/kv/compaction (CompactionRequestMessage in, store.compact, CompactionResponseMessage out); a range below it is the store's compacted error, answered by errorAnswer with HTTP 400. Lesson: § The gateway and § Errors.",
      'The gateway > /v3beta/ paths answer as /v3/ ones do, as in etcd 3.4':
        'Rewrite a /v3beta/ prefix to /v3/ before routing. Lesson: § The gateway.',
      "Errors > errorAnswer keeps a StoreError's gRPC code and message, with the HTTP status etcd's gateway maps the code to":
        "Write errorAnswer: a table from gRPC code to HTTP status (3 and 11 -> 400, 5 -> 404, 9 -> 412, 14 -> 503, ...), and the StoreError's own code and message. Lesson: § Errors.",
      "Errors > anything else thrown is a bug, not the client's mistake: Internal, code 13, HTTP 500":
        'Anything that is not a StoreError is code 13 with the message "internal error: " and the error\'s own message. Lesson: § Errors.',
      'Errors > requestBytes counts the bytes of every key, value and range end, however deep':
        'Write requestBytes recursively: a Uint8Array counts its length, an array or object the sum of its values, anything else 0. Lesson: § Errors.',
      "Errors > an empty key is refused with etcd's error body and HTTP 400":
        'createStoreServer catches what serving throws and answers {"error": message, "message": message, "code": code} from errorAnswer, with its HTTP status. Lesson: § Errors.',
      'Errors > a body that is not JSON is InvalidArgument (HTTP 400, code 3) and changes nothing':
        'Wrap JSON.parse: its SyntaxError becomes invalidArgument("request body is not valid JSON: ..."). An empty body is an empty message. Lesson: § Errors.',
      'Errors > a field of the wrong type is InvalidArgument, and the message names the field':
        "decode's errors already name the field; make sure serveUnary lets them reach errorAnswer, before anything calls the store. Lesson: § The wire format.",
      'Errors > a lease that does not exist is NotFound: HTTP 404, code 5':
        'The store throws errors.leaseNotFound() (code 5); errorAnswer maps 5 to 404. Lesson: § Errors.',
      'Errors > a future revision is OutOfRange: HTTP 400, code 11':
        "OutOfRange is code 11, and etcd 3.4's gateway answers it with 400. Lesson: § Errors.",
      'Errors > GET on a POST endpoint is 405 Method Not Allowed, in plain text':
        'A known path with the wrong method is 405 with the body "Method Not Allowed\\n" as text/plain; charset=utf-8. Lesson: § Errors.',
      'Errors > POST on GET /health is 405 too, and says which method is allowed':
        "routeOf's refusal carries allow: 'GET' for /health; createStoreServer writes it as the Allow header (sendText takes it). Lesson: § Errors.",
      'Errors > an unknown path is 404 in plain text: "Not Found" under /v3/, "404 page not found" elsewhere':
        "Two different 404s: the gateway's own under /v3/, Go's router elsewhere. Lesson: § Errors.",
      'Errors > a request over 1.5 MiB is refused with "request is too large" and changes nothing':
        'In serveUnary, when the body is longer than maxRequestBytes, count requestBytes of the decoded request and refuse it before the store sees it. Lesson: § Errors.',
      'Errors > a body far over the limit is refused before it is all read':
        'Count bytes as the body arrives and stop reading past a few times the limit; close the connection after answering. Lesson: § Errors.',
      'Errors > a txn with more than 128 operations in a branch is refused':
        "The store's checkTxn refuses it; the server only has to answer the error before anything is written. Lesson: § Errors.",
      'Errors > a txn may not put the same key twice':
        'The store refuses a duplicate key with InvalidArgument; serveUnary passes the error to errorAnswer. Lesson: § Errors.',
      'Errors > a txn operation with no request in it is refused, as etcd does ("key not found")':
        'Call checkRequestOps from codec.ts before the txn reaches the store. Lesson: § Errors.',
      'Errors > a txn refused part-way through changes nothing':
        'The store checks the whole txn before its first write; the server must not catch the error and carry on. Lesson: § Errors.',
      'Errors > hostile input is answered with an error, never a crash and never a 500':
        'Every request goes through one try/catch that turns errors into answers; JSON.parse errors are InvalidArgument. Lesson: § Errors.',
      'Watch streams > JsonSplitter hands over each message when its outermost brace closes, back to back or one per line':
        'Write JsonSplitter.push: keep the text not yet handed over and a depth counter; { and [ add one, } and ] take one; at depth 0 cut the message out. Lesson: § Watch streams.',
      'Watch streams > a message may arrive in pieces cut anywhere, even inside a string or a character':
        "Decode bytes with node:string_decoder's StringDecoder (it holds back half a character), and keep the scanning state (depth, inside a string) between pushes. Lesson: § Watch streams.",
      'Watch streams > braces inside strings do not count, and an escaped quote does not end a string':
        'Track whether you are inside a string and whether the previous character was a backslash; braces only count outside strings. Lesson: § Watch streams.',
      'Watch streams > what is not an object is handed over as it is, to be reported; end() returns an unfinished message':
        'At depth 0, a character that is not white space and not { or [ starts junk: hand the whole rest over, so parsing it fails. end() returns what is left, or undefined when only white space is. Lesson: § Watch streams.',
      'Watch streams > a WatchStream answers a create_request "created", at the current revision; watch 0 has no watch_id':
        "Write WatchStream.handle (decode with WatchRequestMessage) and create: send encode(WatchResponseMessage, { header: state.header(revision), watchId, created: true }) with the store's revision. Lesson: § Watch streams.",
      'Watch streams > each later revision goes out as one message of its events, at that revision':
        "In create, call store.watch with a listener that sends { header, watchId, events } for each WatchResponse, stamped with that response's revision. Lesson: § Watch streams.",
      'Watch streams > the watches of one stream are numbered 0, 1, 2, ...; a watch_id asked for is used as given':
        "Keep the stream's watches in a Map by ID; a request with watch_id 0 gets the lowest ID not in the Map, counting up from the last one given. Lesson: § Watch streams.",
      'Watch streams > a message that is none of create, cancel or progress is ignored':
        'After decoding, check which of createRequest, cancelRequest, progressRequest is in the message; with none, do nothing (decode turns null into an empty message). Lesson: § Watch streams.',
      'Watch streams > closing a WatchStream cancels its watches in the store':
        'close() calls cancel() on every store Watcher of the stream and forgets them. Lesson: § Watch streams.',
      'Watch streams > the first message says the watch is created, with the current revision and no watch_id':
        'Write serveWatch: a StreamWriter for the response, a WatchStream sending through it, and the request body split with JsonSplitter, each message parsed and handed to handle. Lesson: § Watch streams.',
      'Watch streams > a put is streamed as one {"result":...} line; PUT events have no type':
        'StreamWriter.send writes JSON.stringify({ result }) and a newline on the 200 response it started (writeHead, flushHeaders). Lesson: § Watch streams.',
      "Watch streams > a delete is a DELETE event whose kv holds only the key and the delete's revision":
        "The store's DELETE event already holds just the key and mod_revision; the codec leaves the zeros out. Lesson: § Watch streams.",
      'Watch streams > prev_kv adds the state of the key before each change':
        "Pass the create_request's prevKv on to store.watch. Lesson: § Watch streams.",
      'Watch streams > start_revision replays history first, in one message stamped with the current revision':
        'The store replays history before watch() returns: collect those responses, then hand them to WatchStream.replay, which sends their events as one message at the current revision. Lesson: § Watch streams.',
      'Watch streams > a range_end watches every key in [key, range_end)':
        'Pass key and rangeEnd on to store.watch; an empty key means the smallest key (one zero byte). Lesson: § Watch streams.',
      'Watch streams > the events of one txn arrive together, in one message':
        'One store WatchResponse per revision becomes one message: all the events of a txn share its revision. Lesson: § Watch streams.',
      'Watch streams > more watches on one stream are numbered 1, 2, ...; a chosen watch_id is used as given':
        'Several create_requests on one body each get their own ID; the events of each carry its watch_id. Lesson: § Watch streams.',
      'Watch streams > a watch_id already in use is refused with watch_id -1 and a cancel_reason':
        'Write WatchStream.refuse: one message { header, watchId: -1, created: true, canceled: true, cancelReason }; create calls it for an ID already in the Map. Lesson: § Watch streams.',
      'Watch streams > a range whose end is not after its key is refused: "mvcc: watcher range is empty"':
        'In create, before anything else: a range_end that is not \\0 and does not sort after the key (compareBytes) is refused with "mvcc: watcher range is empty". Lesson: § Watch streams.',
      'Watch streams > progress_request is answered with the current revision and watch_id -1':
        'Write WatchStream.progress: one message { header: state.header(store.revision), watchId: -1 }. Lesson: § Watch streams.',
      'Watch streams > progress_notify: a watch that heard nothing for an interval is told the current revision':
        'Write startProgressTimer: one setInterval per stream (unref it); each tick, a watch with progressNotify that sent nothing since the last tick gets { header, watchId }. Lesson: § Watch streams.',
      'Watch streams > cancel_request stops a watch and is answered with canceled':
        'Write WatchStream.cancel: cancel the store Watcher, forget the ID, send { header, watchId, canceled: true }; an unknown ID is ignored. Lesson: § Watch streams.',
      'Watch streams > filters leave out the events asked for: NODELETE':
        "Pass the create_request's filters on to store.watch. Lesson: § Watch streams.",
      'Watch streams > a start_revision below the compaction is canceled with compact_revision; that header has no revision':
        'store.watch throws the compacted error: answer created, then WatchStream.compacted sends canceled with compact_revision and a header whose revision is 0 (so left out). Lesson: § Watch streams.',
      'Watch streams > watches go on after the request body ends, until the client goes away':
        'When the request body ends, only start() the writer: the watches stay, and the response stays open. Lesson: § Watch streams.',
      'Watch streams > when the client goes away, its watches are canceled':
        'Listen for the response\'s "close" event and cancel every watcher of that stream. Lesson: § Watch streams.',
      'Watch streams > a first message that is not JSON gets an error answer (HTTP 400), not a stream':
        'Send the 200 and the first line only once the first message was read; until then an error is an ordinary error answer. Lesson: § Watch streams.',
      'Watch streams > a malformed message later in the stream ends it with an error line':
        'Once the 200 has been sent, an error goes in the stream: StreamWriter.fail writes streamErrorLine(error) ({"error":{grpc_code, http_code, message, http_status}}) and ends the response. Lesson: § Watch streams.',
      'Leases > grant answers with the lease ID the store chose and the TTL, both as strings':
        'Decode with LeaseGrantRequestMessage and encode with LeaseResponseMessage: the proto names are ID and TTL, in capitals. Lesson: § Leases.',
      'Leases > a client may choose the ID; asking for one in use is FailedPrecondition (HTTP 412, code 9)':
        "The store throws errors.leaseExists() (code 9); etcd 3.4's gateway maps 9 to 412. Lesson: § Leases and § Errors.",
      'Leases > a key put with a lease carries its ID; time-to-live lists the key when asked':
        'Add /v3/lease/timetolive: LeaseIdRequestMessage in (ID and keys), store.leaseTimeToLive, LeaseResponseMessage out. Lesson: § Leases.',
      'Leases > time-to-live of an unknown lease is TTL -1, not an error':
        'The store answers ttl -1 for an unknown lease; encode writes it (-1 is not zero). Lesson: § Leases.',
      'Leases > leases lists every lease':
        'Add /v3/lease/leases: store.leases() gives IDs; LeaseLeasesResponseMessage wants { leases: [{ id }] }. Lesson: § Leases.',
      'Leases > the /v3/kv/lease/ paths are the same endpoints, as in etcd 3.4':
        'leaseEndpoint answers /v3/kv/lease/revoke, timetolive and leases with the same endpoints as under /v3/lease/. Lesson: § Leases.',
      'Leases > keep-alive answers one {"result":...} line per request and ends with the request body':
        'Keep-alive is a stream like watch, but it ends when the request body ends. Lesson: § Leases.',
      'Leases > keep-alive for an unknown lease answers without a TTL, not with an error':
        'store.leaseKeepAlive answers ttl 0 for an unknown lease; 0 is left out by encode. Lesson: § Leases.',
      'Leases > revoke deletes every key of the lease, in one revision':
        'Add /v3/lease/revoke: LeaseIdRequestMessage in, store.leaseRevoke, LeaseResponseMessage out. Lesson: § Leases.',
      'Leases > revoking an unknown lease is NotFound (HTTP 404, code 5)':
        'The store throws errors.leaseNotFound(); errorAnswer maps code 5 to 404. Lesson: § Leases.',
      "Leases > a lease nobody keeps alive expires, and the server's timer deletes its keys":
        'Start a setInterval that calls store.expireLeases() every leaseExpiryIntervalMs (500 by default); unref it and clear it in close(). Lesson: § Leases.',
      'Leases > malformed lease requests and stream messages are answered with an error, never a 500':
        "Everything a lease endpoint or a stream reads goes through decode, whose errors are InvalidArgument (400); a stream's first message is answered before any 200 is sent. Lesson: § Leases and § Errors.",
      'The write-ahead log > a frame is the record length, its CRC-32, then the record, little-endian':
        'Buffer.allocUnsafe(8 + length), writeUInt32LE(length, 0), writeUInt32LE(crc32(record), 4), then the bytes. crc32 comes from node:zlib. Lesson: § The write-ahead log.',
      'The write-ahead log > frames read back as the records written, in order':
        'Write readFrames: at each offset read the length and checksum (readUInt32LE), take that many bytes, and move on. Lesson: § The write-ahead log.',
      'The write-ahead log > reading stops at a frame cut short, a wrong checksum, or a run of zero bytes':
        'Before you trust a frame: is there room for its length? does the checksum match? is the length not 0? Lesson: § The write-ahead log.',
      'The write-ahead log > log files are named by their number in sixteen digits, and listed in number order':
        "logFileName pads the number with padStart(16, '0'); logFileNumbers keeps the names matching /^(\\d{16})\\.wal$/ (or .snap) and sorts their numbers. Lesson: § The write-ahead log.",
      'The write-ahead log > a new data directory opens empty, with its log under member/wal':
        'Write WriteAheadLog.open: mkdir member/wal and member/snap (recursive), read what is there, and with no segment start segment 1. Lesson: § The write-ahead log.',
      'The write-ahead log > a new segment is created at its full size, 8 MiB of zeros':
        "Open a new segment file with 'w', truncate it to 8 MiB (it reads as zeros), sync it, and sync its directory. Lesson: § The write-ahead log.",
      'The write-ahead log > opening the log a second time finds the same segment, and adds none':
        "Continue in the last segment there is: open it with 'r+' at the end of its last whole frame; create a segment only when there is none. Lesson: § The write-ahead log.",
      'The write-ahead log > a half-written snapshot (a .tmp file) left by a crash is removed on open':
        'On open, remove every .tmp file in member/snap: it is a snapshot a crash interrupted. Lesson: § The write-ahead log.',
      'The write-ahead log > records appended and synced are replayed, in order, after a restart':
        'open() reads every segment with readFrames; append() buffers a frame; a flush writes the buffer and calls datasync(). Lesson: § The write-ahead log.',
      'The write-ahead log > synced() resolves only once the records are in the file':
        "Write the frames at the segment's offset (a positioned write, every byte of them) before you resolve. Lesson: § The write-ahead log.",
      'The write-ahead log > appends made together share one fdatasync (group commit)':
        'Do not flush in append(): schedule one flush with setImmediate, and let appends made meanwhile join the next one. Lesson: § The write-ahead log.',
      'The write-ahead log > records appended after a restart go after the old ones, in the same segment':
        "open sets the write offset to the validBytes of the last segment's frames, so a new frame goes right after the last good one. Lesson: § The write-ahead log.",
      'The write-ahead log > close() waits for the records appended so far to reach the disk':
        'close() awaits synced() (ignoring a failure), then closes the file. Lesson: § The write-ahead log.',
      'The write-ahead log > size counts the bytes of the frames appended since the log was opened':
        "Add each frame's length to a counter in append; saveSnapshot sets it back to 0. Lesson: § The write-ahead log.",
      'The write-ahead log > a torn tail is cut on open: the whole records before it survive':
        'After the last good frame of the last segment everything must be zeros; if it is not, count those bytes in truncatedBytes and cutTornTail before writing there. Lesson: § The write-ahead log.',
      'The write-ahead log > a corrupt last record is cut, never misread':
        'A frame whose checksum does not match ends the good part, exactly like a frame cut short; cut the last segment there. Lesson: § The write-ahead log.',
      'The write-ahead log > a snapshot replaces the segments before it: a restart reads it, then only later records':
        'Write the snapshot to a .tmp file, fsync it, rename it, fsync the directory; only then delete the segments it replaces. Lesson: § The write-ahead log.',
      'The write-ahead log > records appended while a snapshot is written go after it':
        'saveSnapshot queues a marker among the pending frames: frames before it stay in the old segment, the flush starts a new segment there (nextSegment), later frames go in the new one. Lesson: § The write-ahead log.',
      'The write-ahead log > a snapshot left half-written by a crash is ignored':
        'Only files named <16 digits>.snap are snapshots; a .tmp one is a leftover and is removed. Lesson: § The write-ahead log.',
      'The write-ahead log > damage before the last segment stops the open instead of losing writes':
        'Bytes that are not zero after the last whole frame of a segment that is not the last: throw an error that says the segment is corrupt. Lesson: § The write-ahead log.',
      'Durability > a durable store answers like the store it wraps':
        'Write DurableStore.open (WriteAheadLog.open, then createStore) and the writes: each calls the wrapped store and answers what it answered. Lesson: § Durability.',
      'Durability > reads, keep-alives and snapshots go straight to the store it wraps':
        'range, watch, leaseKeepAlive, leaseTimeToLive, leases, snapshot and the revision getters call the wrapped store and log nothing. Lesson: § Durability.',
      'Durability > synced() resolves once every change made so far is on disk':
        "synced() is the log's synced(): every record appended so far has been fdatasync'ed. Lesson: § Durability.",
      "Durability > a put is logged as one record: the op, the revision it made, and its request in etcd's JSON":
        "After store.put, append Buffer.from(JSON.stringify({ op: 'put', revision: store.revision, request: encode(PutRequestMessage, request) })) to the log. Lesson: § Durability.",
      'Durability > a delete and a txn are logged when they change something, and only then':
        "Log a deleteRange only when it deleted something, a txn only when the store's revision moved. Lesson: § Durability.",
      'Durability > a compaction is logged, though it makes no revision':
        'compact makes no revision but changes what survives a restart: always log it. Lesson: § Durability.',
      'Durability > a lease grant is logged with the ID and TTL the store chose, not those asked for':
        "Log encode(LeaseGrantRequestMessage, { id: response.id, ttl: response.ttl }) from the store's answer, not from the request. Lesson: § Durability.",
      'Durability > revoking a lease is logged even when it held no keys and made no revision':
        "Log every successful revoke as { op: 'lease_revoke', revision, ids: [String(id)] }: the lease is gone even if no key went. Lesson: § Durability.",
      'Durability > the leases that expire together are logged as one revoke of them all':
        'expireLeases returns the IDs it revoked: when there are any, log one lease_revoke record with all of them, as strings. Lesson: § Durability.',
      'Durability > reads, and writes that change nothing, add nothing to the log':
        'Reads and keep-alives go straight to the store; a delete of nothing and a txn that did not move the revision are not logged. Lesson: § Durability.',
      'Durability > replayLog applies logged records to a store again, in order, and checks each revision':
        'Write replayLog: JSON.parse each record, decode its request with the schema its op names, call the store, then compare store.revision with record.revision. Lesson: § Durability.',
      'Durability > everything written comes back after a restart: keys, history, revision, compaction':
        'Apply each write to the store, then append a record saying what it was; on open, apply the records again. Lesson: § Durability.',
      'Durability > a lease comes back with the ID the store chose, and its keys':
        'Log the ID the store granted, not the 0 the client asked for: replay must not pick a new random ID. Lesson: § Durability.',
      'Durability > an expired lease is logged as a revoke, so replay does not depend on the clock':
        'expireLeases() returns the IDs it revoked: log them as revokes. Lesson: § Durability.',
      'Durability > a log that does not replay to the revisions it recorded stops the open':
        'replayLog throws on the first record whose revision the store does not reach; open closes the log and passes the error on. Lesson: § Durability.',
      'Durability > durableThrough(revision) resolves only once that revision is on disk':
        'Keep the highest revision known to be on disk; after each synced() of the log, move it up and resolve the waiters it passed. Lesson: § Durability.',
      'Durability > watch events from a durable store are sent once they are on disk':
        'Write StreamWriter.pump: take the queued lines in order, await durability.durableThrough(revision) for each, then write it. Lesson: § Durability.',
      'Durability > when the disk fails, the store stops answering rather than answer with what it could not log':
        "When the log's synced() rejects, remember a StoreError(Unavailable, ...) and reject every call to synced() and durableThrough() from then on; /health answers false. Lesson: § Durability.",
      'Durability > the server answers a write only once it is on disk':
        'In the server, await durability.synced() before sending any answer, reads included. Lesson: § Durability.',
      'Durability > serializeSnapshot and parseSnapshot carry a store snapshot through JSON unchanged':
        "Encode the base with KeyValueMessage and each change's events with EventMessage; lease IDs become strings. parseSnapshot decodes the same way back. Lesson: § Durability.",
      'Durability > past snapshotBytes the store is snapshotted and the log starts again; a restart reads both':
        'After logging, if log.size >= snapshotBytes and no snapshot is running, hand serializeSnapshot(store.snapshot()) to log.saveSnapshot in the same synchronous step. Lesson: § Durability.',
      'Durability > leases, revokes and compaction survive a snapshot and a restart':
        'On open, build the store from parseSnapshot(replay.snapshot) with createStore, then replay only the records after it. Lesson: § Durability.',
      "The client > errorFrom turns etcd's error body into a StoreError with its code and message":
        'Write errorFrom: JSON.parse the body inside a try; when it has a string message and a number code, return new StoreError(code, message). Lesson: § The client.',
      'The client > any other answer becomes an Error that quotes the HTTP status':
        "When the body is not etcd's error JSON, return new Error(`store answered HTTP ${status}: ...`) with the start of the body. Lesson: § The client.",
      'The client > put, then range, over the wire':
        'POST the encoded request with node:http and a keep-alive Agent; decode the answer with the response schema. Lesson: § The client.',
      'The client > a range that finds nothing has empty kvs, count 0 and more false':
        'decode fills in every field that was not sent with its zero value, so the client gets kvs [], count 0, more false for free. Lesson: § The client.',
      "The client > errors come back as StoreError with etcd's code and message":
        'A non-200 answer goes through errorFrom, and the call rejects with what it returns. Lesson: § The client.',
      'The client > a store that cannot be reached fails the call':
        "Pass the request's 'error' event (ECONNREFUSED) on as the call's rejection. Lesson: § The client.",
      'The client > deleteRange and txn':
        'Each unary method is the same call with its path and schemas: /v3/kv/deleterange, /v3/kv/txn. Lesson: § The client.',
      'The client > compact':
        'compact(revision) posts { revision } to /v3/kv/compaction with CompactionRequestMessage. Lesson: § The client.',
      'The client > leases: grant, keep-alive, revoke, with 64-bit IDs as bigint':
        'Grant and revoke are unary calls; leaseKeepAlive posts one {"ID"} to /v3/lease/keepalive and reads the one {"result":...} line back. Lesson: § The client.',
      'The client > revisionsOf hands over the events of one message one revision at a time, in order':
        'Write revisionsOf: walk the events and start a new { revision, events } whenever kv.modRevision changes. Lesson: § The client.',
      'The client > revisionsOf leaves out the revisions already handed over':
        'Skip events whose kv.modRevision is below `from`. Lesson: § The client.',
      'The client > a watch hands over each revision once, in order, history first':
        'One message may hold several revisions (history): split its events by kv.modRevision and call onResponse once per revision. Lesson: § The client.',
      'The client > created settles once the store has confirmed the watch':
        'Resolve `created` when the first result with created: true arrives; a watch from now remembers header.revision + 1 as where a reconnect starts. Lesson: § The client.',
      'The client > a watch with prevKv gets the state of the key before each change':
        'Send the whole WatchRequest, prevKv included, in the create_request (WatchCreateRequestMessage). Lesson: § The client.',
      'The client > a watch the store refuses ends with an error that gives the reason':
        'A result with canceled and no compact_revision ends the watch with onEnd({ error }) whose message has the cancel_reason. Lesson: § The client.',
      'The client > close() ends every watch of the client, without calling onEnd':
        "Keep the client's watches in a Set (each removes itself when done); close() cancels each, then destroys the agent. Lesson: § The client.",
      'The client > a watch from a compacted revision ends with compactRevision':
        'A result with compact_revision ends the watch: onEnd({ compactRevision }), and `created` rejects. Lesson: § The client.',
      'The client > cancel stops a watch without calling onEnd':
        'cancel() marks the watch done and destroys its request; a done watch ignores every later line and never calls onEnd. Lesson: § The client.',
      'The client > after a dropped connection the watch resumes where it stopped: nothing lost, nothing twice':
        'Remember the last revision you delivered; when the stream ends without a cancel, reconnect with start_revision = that + 1. Lesson: § The client.',
      'The client > a watch that cannot reconnect for reconnectTimeoutMs ends with an error':
        'Remember when the connection first failed; a reconnect attempt after reconnectTimeoutMs of failing ends the watch with onEnd({ error }) instead. Lesson: § The client.',
      'Conformance with etcd > health and version':
        "Compare GET /health and /version with etcd's: same status, same Content-Type, and bodies that differ only in the version numbers. Lesson: § Conformance with etcd.",
      'Conformance with etcd > put and range: encoding, prefixes, limits, revisions':
        'The failure message shows both answers: look for a field written differently (a zero value that should be left out, a number that should be a string). Lesson: § Conformance with etcd and § The wire format.',
      'Conformance with etcd > deleterange':
        "Compare deleted, prev_kvs and the header with etcd's: zero values are left out the same way. Lesson: § Conformance with etcd.",
      'Conformance with etcd > txn: compares, both branches, nested txns, the headers of each response':
        "Inside a txn each response has a header with only its revision, except a nested txn's own, which is empty ({}). Lesson: § The gateway.",
      'Conformance with etcd > compaction':
        'A range below the compaction is code 11 with HTTP 400, and the compaction answer is only a header. Lesson: § Conformance with etcd.',
      'Conformance with etcd > errors: messages, codes, HTTP statuses':
        "Messages must be etcd's, word for word (harness/store/errors.ts); statuses follow the gateway's table, FailedPrecondition 412 included. Lesson: § Errors.",
      'Conformance with etcd > leases: grant, time-to-live, leases, revoke':
        'Lease answers use the names ID, TTL and grantedTTL, capitals included, as LeaseResponseMessage writes them. Lesson: § Leases.',
      'Conformance with etcd > keep-alive streams':
        'Each keep-alive message is answered by one {"result":...} line, and the response ends with the request body. Lesson: § Leases.',
      'Conformance with etcd > watch: created, puts, deletes with prev_kv, txns':
        'Compare the lines one by one: watch 0 has no watch_id, PUT events no type, and each revision is one message at its own revision. Lesson: § Watch streams.',
      'Conformance with etcd > watch: history from a start revision, filters, ids, progress, cancel':
        'History is one message stamped with the current revision; progress answers carry watch_id -1. Lesson: § Watch streams.',
      'Conformance with etcd > watch: a start revision that was compacted':
        'A compacted start revision is answered created, then canceled with compact_revision, in a header without a revision. Lesson: § Watch streams.',
      'Conformance with etcd > the client gets the same answers from both, 63-bit lease IDs and watch history included':
        'The client must read lease IDs as bigint and split history into one response per revision: run it against etcd and compare. Lesson: § The client.',
      'Crash recovery > the store runs as a program and logs what etcd logs: name, data dir, where it serves':
        'harness/components/store.ts runs your DurableStore and server; if it fails to start, the output in the failure message says which of them threw. Lesson: § Crash recovery.',
      'Crash recovery > a busy port is one line that names --listen-client-urls, and exit code 1':
        "listen must reject with the server's 'error' (EADDRINUSE) instead of leaving it unhandled; the program turns it into that one line. Lesson: § Crash recovery.",
      'Crash recovery > after a clean stop (SIGTERM) a restart finds every write':
        'On SIGTERM the program closes the server, then the durable store (which waits for the log): make sure close() of both waits for what is pending. Lesson: § Crash recovery.',
      'Crash recovery > killed mid-write (SIGKILL), it loses no acknowledged write and its revision never goes back':
        'An answer may go out only after the fdatasync that covers it. Check every path that answers: unary calls, watch lines, keep-alives. Lesson: § Crash recovery.',
    },
  },
  {
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
        from: 'Create, get and list > POST a pod: 201 with the stored pod',
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
        ],
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
        title: 'Body decoders, discovery and Services',
        from: 'Collaborators > a body in a format a body decoder reads goes through it; others still go to parseBody',
        functions: ['serveDiscovery', 'serviceAllocation', 'startServiceAllocator'],
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
        'deleteCollection passes writeOptionsOf(query, "DeleteOptions") to each storage.delete. Lesson: § Dry run.',
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
      'Update and delete > DELETE with propagationPolicy Orphan marks the object with the finalizer orphan; taking the last finalizer off removes it':
        'The orphan finalizer is a hook of every resource (finalizerExtension): hooks.beforeDelete marks with markForOrphaning (the finalizer "orphan" and a deletionTimestamp) instead of deleting; hooks.afterUpdate calls removeIfFinalized when the object had finalizers. Call both hooks from your handlers. Lesson: § Update and delete.',
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
      'Collaborators > a ServiceAllocator gives each Service its address before it is stored, and takes it back on delete':
        'serviceAllocation: hooks of the services (beginCreate onCreate, revertCreate and afterDelete onDelete); createContext adds it with an allocator. startServiceAllocator: rebuild from the stored Services, then create default/kubernetes through onCreate. Lesson: § Collaborators.',
      'Collaborators > a DELETE on the services collection gives back the addresses of each Service it deletes; a dry run gives back none':
        "deleteCollection removes each object as deleteWithOptions's last step does: storage.delete, then, unless writeOptions.dryRun, the resource's hooks.afterDelete (serviceAllocation's onDelete). Kube's DeleteCollection calls Delete for each object. Lesson: § Update and delete, § Collaborators.",
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
  },
  {
    id: '03b',
    slug: 'api-machinery',
    title: 'Answering kubectl',
    builds:
      'the API machinery real clients need: label and field selectors, merge, JSON and strategic merge patches, status/scale/binding subresources, discovery',
    stages: [
      {
        title: 'A selector read as words and requirements',
        from: 'Label selectors > a selector is read as words: names, operators and parentheses, spaces dropped',
        functions: ['tokenizeLabelSelector', 'splitRequirements'],
      },
      {
        title: 'Every form of label requirement parsed',
        from: 'Label selectors > key=value is one requirement',
        functions: ['parseLabelRequirement', 'parseLabelSelector'],
      },
      {
        title: 'Labels matched against a selector',
        from: 'Label selectors > every requirement must hold',
        functions: ['matchesLabels', 'createSelectors'],
      },
      {
        title: 'Selectors as text: object-form selectors and field selectors',
        from: 'Label selectors > an object-form selector as text, as the scale subresource reports it',
        functions: ['labelSelectorText', 'parseFieldSelector'],
      },
      {
        title: 'Lists and watches filtered by labels and fields',
        from: 'Field selectors > a missing field reads as "": spec.nodeName= selects pods not yet scheduled',
        functions: ['matchesFields', 'checkFields'],
      },
      {
        title: 'Merge patches, and reading by JSON pointer',
        from: 'Patches > a merge patch merges objects key by key',
        functions: ['mergePatch', 'parsePointer', 'valueAt'],
      },
      {
        title: 'Adding and removing by JSON pointer',
        from: 'Patches > addAt sets a key of an object, in the document itself',
        functions: ['addAt', 'removeAt'],
      },
      {
        title: 'JSON patches, all or nothing',
        from: 'Patches > a JSON patch adds, replaces and removes by pointer',
        functions: ['jsonPatch'],
      },
      {
        title: 'Lists merged by key',
        from: "Patches > strategic merge knows each list's key: env by name, container ports by number, service ports by port",
        functions: ['listStrategy', 'mergeByKey'],
      },
      {
        title: "kubectl apply's directives",
        from: 'Patches > setElementOrder puts a list in the given order by merge key; the others go last',
        functions: ['setElementOrder', 'applyDirectives'],
      },
      {
        title: 'Strategic merge patches',
        from: 'Patches > strategic merge: containers merge by name, so patching one keeps the others',
        functions: ['strategicMergePatch'],
      },
      {
        title: 'PATCH over HTTP, and the status subresource',
        from: 'Patches > PATCH with application/merge-patch+json changes only what it names',
        functions: ['createPatcher', 'statusSubresource.get', 'createSubresources'],
      },
      {
        title: 'The scale subresource',
        from: "Subresources > scale shows a Deployment's replicas as an autoscaling/v1 Scale",
        functions: ['scaleSubresource.get'],
      },
      {
        title: 'Binding pods to nodes',
        from: 'Subresources > binding puts a pod on a node and marks it PodScheduled',
        functions: ['bindingSubresource.create'],
      },
      {
        title: 'Discovery documents: groups, versions and resources',
        from: "Discovery > /api lists the core group's one version, v1, and where the server is",
        functions: ['apiVersions', 'apiGroupList', 'apiResourceList'],
      },
      {
        title: '/version and the index of the OpenAPI documents',
        from: 'Discovery > /version says which Kubernetes this is: 1.32',
        functions: ['versionInfo', 'openApiIndex'],
      },
      {
        title: 'The description of the kinds, as OpenAPI schemas',
        from: 'Discovery > a field as OpenAPI: a named type is a $ref in allOf, a list has items, a map additionalProperties',
        functions: ['openApiSchema', 'openApiComponents'],
      },
      {
        title: 'The OpenAPI documents kubectl reads',
        from: "Discovery > /openapi/v3/apis/apps/v1 lists each kind's PATCH with its fieldValidation parameter",
        functions: ['openApiDocument', 'openApiV2'],
      },
      {
        title: 'kubectl and the JavaScript client against your server',
        from: 'Discovery > createDiscovery answers its paths and no others',
        functions: ['createDiscovery'],
      },
      {
        title: 'Disruption budgets worked out',
        from: 'Eviction and disruption budgets > a budget covers the pods its selector selects; {} selects every pod, no selector none',
        functions: ['budgetSelects', 'scaledBound', 'budgetStatus'],
      },
      {
        title: 'Evictions that keep the budget',
        from: 'Eviction and disruption budgets > an eviction of a pod no budget covers deletes it as a DELETE would: 201 and a Success Status',
        functions: ['checkBudgets', 'evictionSubresource.act'],
      },
    ],
    hints: {
      'Discovery > pods/eviction is a policy/v1 Eviction, and policy/v1 serves pdb: what kubectl drain looks for':
        'subresourceDiscovery gives eviction its kind, group and version; poddisruptionbudgets is in harness/api/resources.ts, so the policy group appears by itself. Lesson: § Discovery.',
      'Eviction and disruption budgets > a budget covers the pods its selector selects; {} selects every pod, no selector none':
        "budgetSelects: no spec.selector selects nothing; otherwise turn it into text (labelSelectorText), parse it and match the pod's labels. Lesson: § Eviction and disruption budgets.",
      'Eviction and disruption budgets > a bound is a number of pods, or a percentage of the expected pods rounded up':
        'scaledBound: a number as it is; "N%" is ceil(N * expected / 100). Lesson: § Eviction and disruption budgets.',
      'Eviction and disruption budgets > minAvailable: the Ready pods not being deleted are counted against it':
        'budgetStatus: expected pods are the selected ones not being deleted; healthy ones are also Ready and not in disruptedPods; allowed is healthy minus desired, at least 0. Lesson: § Eviction and disruption budgets.',
      'Eviction and disruption budgets > maxUnavailable: the pods that must stay healthy are the expected ones less those allowed down':
        'With maxUnavailable, desiredHealthy is expectedPods minus scaledBound(maxUnavailable, expectedPods), at least 0. Lesson: § Eviction and disruption budgets.',
      'Eviction and disruption budgets > an eviction of a pod no budget covers deletes it as a DELETE would: 201 and a Success Status':
        "evictionSubresource.act: checkBudgets, then actions.deleteParent(the Eviction's deleteOptions or {}), then a Success Status; createSubresources must list it. Lesson: § Eviction and disruption budgets.",
      "Eviction and disruption budgets > an eviction the budget cannot afford is a 429 TooManyRequests naming the budget's need":
        "checkBudgets: list the namespace's budgets and pods, work out budgetStatus, and with no disruption allowed throw an ApiError 429 TooManyRequests with a DisruptionBudget cause. Lesson: § Eviction and disruption budgets.",
      "Eviction and disruption budgets > a granted eviction is written in the budget's status: one disruption fewer, the pod noted":
        'When the budget allows it, actions.updateStatus the budget: disruptionsAllowed minus one, the pod in disruptedPods at now, the DisruptionAllowed condition. Lesson: § Eviction and disruption budgets.',
      'Eviction and disruption budgets > two evictions at the same moment cannot both spend the last disruption':
        "A 409 from checkBudgets (the budget's status changed since it was read) is not the end: run checkBudgets again, a few times, and it sees the other eviction's pod disrupted. Lesson: § Eviction and disruption budgets.",
      "Eviction and disruption budgets > the Eviction's deleteOptions are the delete's: its grace period and preconditions":
        "Hand the Eviction's deleteOptions to actions.deleteParent as they are: the server's DELETE honours grace periods and preconditions. Lesson: § Eviction and disruption budgets.",
      'Eviction and disruption budgets > a dry-run eviction checks the budget but deletes nothing and writes no status':
        'actions.dryRun says so: check the budget as always, but skip updateStatus; deleteParent already does a dry run. Lesson: § Eviction and disruption budgets.',
      'Eviction and disruption budgets > a pod that two budgets cover cannot be evicted: kube-apiserver supports only one':
        "More than one budget selecting the pod is a 500 InternalError with kube's message. Lesson: § Eviction and disruption budgets.",
      // Label selectors: words, then requirements, then matching
      'Label selectors > a selector is read as words: names, operators and parentheses, spaces dropped':
        'Walk the text with an index: skip spaces; "==" and "!=" are two-character words; each of = ! ( ) , < > is a word alone; anything else runs up to the next space or sign. Lesson: § Label selectors.',
      'Label selectors > == and != are one word each; =, !, < and >, words of their own even without spaces':
        'Check for the two-character words (text.startsWith("==", i), "!=") before the one-character signs, or "a==b" reads as a, =, =, b. A name stops at the first sign, so "v>2" is v, >, 2. Lesson: § Label selectors.',
      'Label selectors > the words are cut into requirements at each comma outside parentheses':
        'Start with one empty requirement; count "(" up and ")" down; a "," at depth 0 starts the next requirement, every other word goes into the current one. No words at all: no requirements. Lesson: § Label selectors.',
      'Label selectors > an empty requirement, from a comma too many, is a 400 BadRequest':
        'After cutting, any requirement with no words means a comma first, last or twice: throw new ApiError(400, "BadRequest", `unable to parse labelSelector "<text>": ...`). Lesson: § Label selectors.',
      'Label selectors > key=value is one requirement':
        'parseLabelRequirement: the first word is the key, the second the operator; for "=" the value is the third word. parseLabelSelector chains tokenizeLabelSelector, splitRequirements and parseLabelRequirement. Lesson: § Label selectors.',
      'Label selectors > == means the same as =, and != is NotEquals':
        '"=" and "==" both give Equals; "!=" gives NotEquals; the value is the one word after the operator. Lesson: § Label selectors.',
      'Label selectors > in and notin take a list of values in parentheses':
        'After in or notin the words must be "(" ... ")": take the names between them, skipping the commas, and refuse an empty list. Lesson: § Label selectors.',
      'Label selectors > a bare key is Exists; !key is DoesNotExist':
        'A requirement of one word is Exists; one that starts with "!" is DoesNotExist of the next word. Both have values []. Lesson: § Label selectors.',
      'Label selectors > > and < take a whole number':
        'After > or < comes exactly one word, and it must match /^-?\\d+$/; keep it as a string in values. Lesson: § Label selectors.',
      'Label selectors > spaces around words are fine; an empty value is a value':
        'The tokenizer already dropped the spaces. "tier=" has no word after "=": the value is "", not an error. Lesson: § Label selectors.',
      'Label selectors > a selector that does not parse is a 400 BadRequest':
        'Each case fails in a different place: no key, a missing operator ("app web"), a value that is not a name ("app=(x)"), an unclosed or empty list, a number that is not one. Every one throws ApiError 400 BadRequest. Lesson: § Label selectors.',
      'Label selectors > every requirement must hold':
        'matchesLabels: requirements.every(...), one test per operator in a switch. Lesson: § Label selectors.',
      'Label selectors > = needs the key; != also holds when the key is missing':
        'Object.hasOwn(labels, key) tells "missing" from "empty". Equals needs the key; NotEquals holds when the key is missing or the value differs. Lesson: § Label selectors.',
      'Label selectors > in needs the key and one of its values; notin also holds when the key is missing':
        'In is Equals with several values (values.includes); NotIn is NotEquals with several. Lesson: § Label selectors.',
      'Label selectors > a bare key holds for any value, even ""; !key only when the key is missing':
        'Exists is Object.hasOwn(labels, key), whatever the value; DoesNotExist is its opposite. Lesson: § Label selectors.',
      'Label selectors > > and < compare whole numbers, and need the key':
        'Without the key, or with a value that is not an integer, the requirement fails; otherwise compare Number(value) with Number(values[0]). Lesson: § Label selectors.',
      'Label selectors > an empty selector selects everything':
        'No requirements: every() of an empty list is true. Lesson: § Label selectors.',
      'Label selectors > createSelectors().labelSelector compiles a selector into a test on objects':
        'Parse once in labelSelector(text) and return (object) => matchesLabels(requirements, object.metadata.labels ?? {}). Lesson: § Label selectors.',
      'Label selectors > an object-form selector as text, as the scale subresource reports it':
        'Collect [key, text] pairs: key=value from matchLabels, "key in (a,b)" (values sorted), "key notin (a,b)", "key", "!key" from matchExpressions; sort the pairs by key and join the texts with ",". Lesson: § Label selectors.',
      // Field selectors
      'Field selectors > field=value, field==value and field!=value, joined by commas':
        'Split on commas that are not escaped, then match each term against /^(field)\\s*(==|!=|=)(value)$/. The empty selector has no terms. Lesson: § Field selectors.',
      'Field selectors > a backslash escapes a comma, an equals sign or a backslash in a value':
        'While splitting, a backslash keeps the next character with it (so "\\," does not split); afterwards replace each backslash-and-character in the value with the character. Lesson: § Field selectors.',
      'Field selectors > a term without an operator is a 400':
        'A term the pattern does not match throws ApiError 400 BadRequest, `unable to parse fieldSelector "<text>": ...`. Lesson: § Field selectors.',
      'Field selectors > a missing field reads as "": spec.nodeName= selects pods not yet scheduled':
        'Walk the dotted path through the object; undefined or null reads as "". Then Equals is actual === value, NotEquals the opposite. Lesson: § Field selectors.',
      'Field selectors > every resource has metadata.name and metadata.namespace; pods also spec.nodeName and status.phase':
        'checkFields: metadata.name and metadata.namespace always pass; any other field must be in selectableFields[resource.resource]. Lesson: § Field selectors.',
      "Field selectors > any other field is a 400 in Kubernetes' words":
        'Two messages: "field label not supported: <field>" for a resource with its own list in selectableFields, and "\\"<field>\\" is not a known field selector: only \\"metadata.name\\", \\"metadata.namespace\\"" for one without. Lesson: § Field selectors.',
      "Field selectors > events are selected by every field of kube's event strategy; source is the component, else reportingComponent":
        'selectableFields.events lists them all already; matchesFields takes the resource as a third argument and, for a field in derivedFields[resource], reads each of its paths and keeps the first that is not "". fieldSelector passes resource.resource. Lesson: § Field selectors.',
      'Field selectors > a list with ?labelSelector= has only the selected objects':
        "Nothing new if createSelectors().labelSelector works: the API server calls it and keeps the list's resourceVersion. Lesson: § Label selectors.",
      'Field selectors > a list with ?fieldSelector= has only the selected objects':
        'createSelectors().fieldSelector(text, resource): parse, checkFields, then return (object) => matchesFields(requirements, object). Lesson: § Field selectors.',
      'Field selectors > a bad selector on a list is a 400 Status':
        'Throw the ApiError while compiling the selector (in fieldSelector, before any object is read): the server turns it into a Status. Lesson: § Field selectors.',
      'Field selectors > a watch of one object by metadata.name, as clients watch a single object':
        'The server applies the same compiled test to watch events: nothing new if fieldSelector works for metadata.name. Lesson: § Field selectors.',
      'Field selectors > a watch with a selector sees objects enter the selection as ADDED and leave it as DELETED':
        "Chapter 03a's watch compares the old and the new object against your test: nothing new if labelSelector's test looks only at the object it is given. Lesson: § Field selectors.",
      // Patches
      'Patches > a merge patch merges objects key by key':
        'Recursive: a patch that is not an object replaces; otherwise copy the target and, per key, delete on null or merge into the old value. Lesson: § Patches.',
      'Patches > in a merge patch, null deletes a key and a list replaces the whole list':
        "A list is not an object (isObject is false for arrays): it is a value like a string, and replaces the target's list whole. Lesson: § Patches.",
      'Patches > a merge patch leaves the original alone':
        'Start from structuredClone(target), never from the target itself. Lesson: § Patches.',
      'Patches > a JSON pointer names a place in a document: "/" separates, ~1 is "/" and ~0 is "~"':
        'Drop the leading "/", split on "/", then replace ~1 before ~0 in each token (the other order turns "~01" into "/"). "" is []. Lesson: § Patches.',
      'Patches > valueAt follows a pointer through objects and lists':
        'Step through the tokens: in a list the token must be an index ("0", no leading zeros, below the length); in an object it must be an own key. The empty pointer is the document itself. Lesson: § Patches.',
      'Patches > valueAt of a key or an index that is not there is a 422':
        'Every failed step throws ApiError 422 Invalid: a missing key, "2" in a list of 2, "01", "x" in a list, or stepping into a string. Lesson: § Patches.',
      'Patches > addAt sets a key of an object, in the document itself':
        'Find the parent (every token but the last) as valueAt does, then set the last token on it with setField. Pointer "": return the value, which becomes the whole document. Lesson: § Patches.',
      'Patches > addAt inserts into a list before an index, or appends with -':
        'In a list: "-" is the length; otherwise the index may go up to the length (not beyond); insert with splice(index, 0, value). Lesson: § Patches.',
      'Patches > removeAt takes a key out of an object, or an element out of a list':
        'Find the parent, then delete the key from an object or splice(index, 1) from a list. Lesson: § Patches.',
      'Patches > adding past the end of a list, or removing what is not there, is a 422':
        'addAt refuses an index above the length and a parent that is not there; removeAt refuses a missing key, an index not in the list, and "". All ApiError 422 Invalid. Lesson: § Patches.',
      'Patches > a JSON patch adds, replaces and removes by pointer':
        'Clone the target, then for each operation: add is addAt, remove is removeAt, replace is valueAt (it must exist), removeAt, then addAt. Lesson: § Patches.',
      'Patches > a JSON patch can move, copy and test':
        'move: read the value at from, removeAt(from), addAt(path). copy: addAt(path, a clone of the value at from). test: sameJson(valueAt(path), value), else 422. Lesson: § Patches.',
      'Patches > a JSON patch that cannot apply is a 422, and applies nothing':
        "Work on structuredClone(target) and throw at the first failure: the caller's document is never touched, so nothing applies. Lesson: § Patches.",
      'Patches > a JSON patch that is not a list of operations is a 400':
        'Check the shape before applying: a list; each op an object with string op and path; value for add, replace and test; from for move and copy; a known op. Otherwise ApiError 400 BadRequest. Lesson: § Patches.',
      "Patches > strategic merge knows each list's key: env by name, container ports by number, service ports by port":
        "Read the list's description: if its patchStrategy (split on commas) includes 'merge', answer { mergeKey: patchMergeKey }, or 'union' when it has no key; anything else, undefined. Lesson: § Patches.",
      'Patches > mergeByKey merges the elements whose keys match, and appends the new ones':
        'Clone current; for each patch element find the index of the element with the same mergeKey value (sameJson); merge into it with merge(old, element), or push merge(undefined, element). Lesson: § Patches.',
      'Patches > mergeByKey: $patch: delete removes an element, and $patch: replace makes the list the patch':
        'Check for a {"$patch": "replace"} element first: then return the other elements, each merge(undefined, element). An element with $patch: delete splices out its match. Lesson: § Patches.',
      'Patches > setElementOrder puts a list in the given order by merge key; the others go last':
        "An element's rank is the index of its key among the order's keys, or order.length when absent; sort by rank, then by the old index so the sort keeps ties in place. Lesson: § Patches.",
      'Patches > applyDirectives: $setElementOrder orders a list on the merge key listStrategy gives':
        'For each "$setElementOrder/<list>" key of the patch, get the list from the merged object, its merge key from listStrategy(fieldOf(object, list)), and setField the reordered list. Return the object. Lesson: § Patches.',
      'Patches > applyDirectives: $deleteFromPrimitiveList removes values; $retainKeys drops unnamed keys':
        '"$deleteFromPrimitiveList/<list>": filter out the values the patch names (sameJson). "$retainKeys": delete every key of the merged object not in the list. Lesson: § Patches.',
      'Patches > strategic merge: containers merge by name, so patching one keeps the others':
        "Like mergePatch, but carry the description along: start at typeField(type), and for each key take fieldOf(field, key). When the patch value is a list and listStrategy of that field gives a merge key, use mergeByKey with a merge that recurses strategically on the field's items. Lesson: § Patches.",
      "Patches > strategic merge: a Service's ports merge by port number":
        "Pass the description down as you recurse (fieldOf(field, key), and a list's items for its elements): the Service's spec.ports and a container's ports differ only in where they sit, so only the walk from the kind's type tells them apart. Lesson: § Patches.",
      'Patches > strategic merge: $patch: delete removes a list element, $patch: replace replaces the list':
        "These are mergeByKey's rules: nothing new if the strategic merge hands keyed lists to it. Lesson: § Patches.",
      'Patches > strategic merge: null deletes, finalizers are unioned, and lists without a key are replaced':
        "A 'union' list gets each patch value it does not have yet, at the end; a list listStrategy does not know is replaced whole, as in a merge patch. Lesson: § Patches.",
      "Patches > strategic merge follows kubectl apply's directives: $setElementOrder, $retainKeys, $deleteFromPrimitiveList":
        'Skip keys that start with "$" while merging, then call applyDirectives(result, patch, field) on every object you merged, with that object\'s description. Lesson: § Patches.',
      'Patches > a patch cannot reach Object.prototype':
        'Never `object[key] = value` with a key from a client: use the given setField (Object.defineProperty), and read with own(). Lesson: § Patches.',
      'Patches > PATCH with application/merge-patch+json changes only what it names':
        'createPatcher: contentTypes are the three PATCH_TYPES values; apply(contentType, current, patch) calls mergePatch for merge-patch+json. Lesson: § Patches.',
      'Patches > PATCH with application/json-patch+json, as client libraries send by default':
        'apply calls jsonPatch for json-patch+json, before any check that the patch is an object (a JSON patch is a list). Lesson: § Patches.',
      'Patches > PATCH with application/strategic-merge-patch+json, as kubectl sends':
        "apply calls strategicMergePatch for strategic-merge-patch+json, with the type of the resource's kind: kindTypeName(resource.group, resource.version, resource.kind). Lesson: § Patches.",
      'Patches > a patch whose result is invalid is a 422; one with an old resourceVersion a 409':
        'Nothing new: the server validates the patched object and stores it with a compare on the resourceVersion the patch carries. Lesson: § Patches.',
      'Patches > a merge patch that is not an object is a 400; server-side apply is a 415':
        'In apply, a merge or strategic merge patch that is not an object throws ApiError 400. apply-patch+yaml is not in contentTypes, so the server answers 415 on its own. Lesson: § Patches.',
      // Subresources
      "Subresources > status: a write takes only the body's status":
        "GET shows the parent as it is. update: a copy of the parent with the body's status (or none, when the body has none): everything else stays as stored. Lesson: § Subresources.",
      'Subresources > GET and PUT /status over HTTP: spec and status stay apart, generation moves only with spec':
        'createSubresources returns [statusSubresource, scaleSubresource, bindingSubresource]; the server finds each by its name. Lesson: § Subresources.',
      "Subresources > PATCH /status, as a kubelet reports a pod's phase":
        'The server applies the patch to what GET /status shows, then calls update: nothing new if both work. Lesson: § Subresources.',
      "Subresources > scale shows a Deployment's replicas as an autoscaling/v1 Scale":
        'Build the Scale from the parent: its name, namespace, uid, resourceVersion and creationTimestamp; spec.replicas; status.replicas (0 if none); status.selector = labelSelectorText(spec.selector). Lesson: § Subresources.',
      'Subresources > writing a Scale changes only spec.replicas; a negative count is a 422':
        'Number.isInteger(replicas) && replicas >= 0, else ApiError 422 Invalid; then a copy of the parent with spec.replicas set, nothing else. Lesson: § Subresources.',
      'Subresources > GET, PUT and PATCH /scale, as kubectl scale does':
        'Nothing new: the server reads the deployment, shows its Scale, applies the change with update and stores it; generation moves because spec changed. Lesson: § Subresources.',
      'Subresources > a Scale from an old resourceVersion is a 409; replica sets scale too':
        "Keep the parent's resourceVersion in the Scale's metadata: the server compares it when it stores. Lesson: § Subresources.",
      'Subresources > binding puts a pod on a node and marks it PodScheduled':
        'create returns { parent, answer }: the pod with spec.nodeName = target.name and a PodScheduled condition (status True, lastTransitionTime from context.clock, seconds precision), and a Success Status with code 201. Lesson: § Subresources.',
      'Subresources > POST /binding assigns the pod: 201 with a Success Status':
        'Nothing new if create works: the server stores the parent and answers with the answer. Replace any old PodScheduled condition rather than adding a second. Lesson: § Subresources.',
      'Subresources > binding a pod that is already on a node is a 409 Conflict':
        'Check spec.nodeName of the stored pod before you set it: a scheduler must never move a pod. The message is Kubernetes\': Operation cannot be fulfilled on pods/binding "<name>": pod <name> is already assigned to node "<node>". Lesson: § Subresources.',
      'Subresources > a binding without a target is a 422; a pod cannot be bound by a PUT of its spec':
        'A Binding whose target.name is missing or "" throws ApiError 422 Invalid. The PUT half is chapter 03a\'s rule: spec.nodeName can change only through binding. Lesson: § Subresources.',
      'Subresources > with ?dryRun=All, a scale or a binding answers as it would and stores nothing':
        "Nothing to add here if chapter 03a's server passes ?dryRun to storage for subresource writes: your subresources only say what the parent becomes. Lesson: § Subresources.",
      // Discovery
      "Discovery > /api lists the core group's one version, v1, and where the server is":
        'Discovery documents are plain objects: APIVersions with versions ["v1"] and one serverAddressByClientCIDRs entry for 0.0.0.0/0. Lesson: § Discovery.',
      'Discovery > /apis lists every other group with its versions and the preferred one':
        'Group the resources by group (skip "", the core group), keeping the first-seen order and each version once; the preferred version is the first. Lesson: § Discovery.',
      'Discovery > /api/v1 is an APIResourceList: each resource with its kind, scope, verbs and short names':
        'Filter the resources by apiVersionOf(resource) === groupVersion; one entry each, leaving shortNames and categories out when empty, and no deletecollection for namespaces. Lesson: § Discovery.',
      'Discovery > subresources are listed as <resource>/<subresource>':
        "After each resource, one entry per name in resource.subresources: kind and verbs from subresourceDiscovery, the resource's kind when it gives none. Lesson: § Discovery.",
      'Discovery > deployments/scale is an autoscaling/v1 Scale: what kubectl scale looks for':
        'When subresourceDiscovery gives a group and version (scale: autoscaling, v1), put them in the entry. Lesson: § Discovery.',
      'Discovery > a group version the server does not serve has no list':
        'No resource in that group version: return undefined, not an empty list. Lesson: § Discovery.',
      'Discovery > /version says which Kubernetes this is: 1.32':
        'A plain object: major "1", minor "32", gitVersion "v1.32.0+kata", and the build fields as you like. Lesson: § Discovery.',
      'Discovery > /openapi/v3 is an index of one document per group version':
        'For each resource, the key is "api/v1" for the core group or "apis/<group>/<version>", with serverRelativeURL "/openapi/v3/" + key. Lesson: § Discovery.',
      'Discovery > components: a type reached by many fields is written once; a name not described is left out':
        'Skip a name that is already in components or that schemas does not have: the work list then ends even when types refer to each other. Lesson: § Discovery.',
      "Discovery > /openapi/v3/apis/apps/v1 lists each kind's PATCH with its fieldValidation parameter":
        'One path per resource of the group version, /api/v1 or /apis/<gv>, then /namespaces/{namespace} when namespaced, then /<resource>/{name}; each with a patch operation naming the kind and the fieldValidation query parameter. Lesson: § Discovery.',
      'Discovery > a field as OpenAPI: a named type is a $ref in allOf, a list has items, a map additionalProperties':
        'openApiSchema: start with the description (when not ""), then switch on field.type: a ref becomes allOf: [{ $ref: "#/components/schemas/" + ref }] with default {}, an array gets items, a map additionalProperties, a scalar its type and format. Lesson: § Discovery.',
      'Discovery > named strings, inline objects, free-form fields, enums, and the strategic merge facts':
        'int-or-string, quantity and the times are $refs to namedScalars; an inline object gets properties and required; free-form says x-kubernetes-preserve-unknown-fields. Copy enum, patchMergeKey and patchStrategy into enum and the two x-kubernetes-patch- keys. Lesson: § Discovery.',
      "Discovery > components.schemas: every type a kind reaches, by Kubernetes' name; the kind's own says which kind":
        'A work list of type names: take one, skip it if done, write { description, type: "object", properties, required } (and x-kubernetes-group-version-kind: [type.kind] for a kind), then push every ref its fields reach, through items, values and inline fields. Lesson: § Discovery.',
      "Discovery > the document of a group version carries its kinds' schemas, and PATCH takes a strategic merge":
        'Collect kindTypeName of each resource of the group version, pass them to openApiComponents, add the Patch type, and give each patch operation a requestBody with one content entry per patch type. Lesson: § Discovery.',
      'Discovery > /openapi/v2 is an empty Swagger 2.0 document, in protobuf':
        'A length-delimited protobuf field is one byte (field << 3 | 2), one byte of length, then the bytes: build info from its two fields, then the document from swagger and info. Buffer.concat helps. Lesson: § Discovery.',
      'Discovery > createDiscovery answers its paths and no others':
        'Strip one trailing slash, then match: health paths, /version, /api, /apis, /openapi/v3, /openapi/v3/..., /openapi/v2, /api/v1, /apis/<group>/<version>. Return undefined for any path you do not own, so the server can go on to resources. Lesson: § Discovery.',
      'Discovery > over HTTP: /api, /apis, /api/v1, /apis/apps/v1 and /version are JSON':
        'Answer { body } without a contentType: the server sends it as JSON. The serverAddress comes from the context the server passes. Lesson: § Discovery.',
      'Discovery > over HTTP: /healthz, /livez and /readyz answer "ok"':
        'These answer { contentType: "text/plain", body: "ok" }. Lesson: § Discovery.',
      'Discovery > resources are still served beside discovery':
        'A path like /api/v1/namespaces/default is not yours: return undefined and the server serves the resource. Lesson: § Discovery.',
      // kubectl
      'Answering kubectl > kubectl get namespaces: discovery, then a list':
        'Run the same command with -v=8 to see every request kubectl sends and every answer: /api, /apis, /api/v1, then the list. Lesson: § Answering kubectl.',
      'Answering kubectl > kubectl create -f creates from a manifest':
        "kubectl reads /openapi/v3 and the group version's document first, to see whether the server checks fields itself; then it POSTs. Lesson: § Answering kubectl.",
      'Answering kubectl > kubectl get pods: default, -o wide, -o yaml, -l and -A':
        '-l sends ?labelSelector=, -A lists /api/v1/pods: both need your selectors and discovery. Lesson: § Answering kubectl.',
      "Answering kubectl > kubectl get of a missing object prints the server's Status":
        'kubectl prints the reason and message of the Status: nothing of yours if discovery finds pods. Lesson: § Answering kubectl.',
      'Answering kubectl > kubectl apply -f twice: created, then configured (a strategic merge patch)':
        'The second apply sends a strategic merge patch with $setElementOrder directives; kubectl -v=8 shows it. Lesson: § Patches.',
      'Answering kubectl > kubectl create deployment (sent as protobuf) and kubectl scale deployment (a patch on /scale)':
        'kubectl scale finds deployments/scale in /apis/apps/v1 (group autoscaling, kind Scale), then PATCHes it with a merge patch. Lesson: § Answering kubectl.',
      'Answering kubectl > kubectl delete: a Status for a deployment, the object for a pod':
        'kubectl waits until a GET is 404: nothing of yours if discovery and the resources work. Lesson: § Answering kubectl.',
      'Answering kubectl > kubectl get --watch prints each change as it happens, in the pod columns':
        "A list, then ?watch=true&resourceVersion=<the list's>: chapter 03a's watch with your discovery in front. Lesson: § Answering kubectl.",
      // The JavaScript client
      'The JavaScript client > typed calls: create, read, list, replace and delete a pod':
        'CoreV1Api calls fixed paths without discovery: if this fails, look at the request it sends and the answer in the error. Lesson: § The JavaScript client.',
      'The JavaScript client > a typed error carries the status code and the Status body':
        'The error carries code 404 and the Status body as text: nothing new if errors are Status objects. Lesson: § The JavaScript client.',
      'The JavaScript client > a typed patch is a JSON patch, unless told otherwise':
        'patchNamespacedPod sends application/json-patch+json: your createPatcher must pass it to jsonPatch. Lesson: § The JavaScript client.',
      'The JavaScript client > the generic object API finds resources by discovery: create, read, patch and delete a Deployment':
        'KubernetesObjectApi reads /apis/apps/v1 to find the resource for kind Deployment, then patches with a strategic merge patch. Lesson: § The JavaScript client.',
      'The JavaScript client > Watch reads the stream line by line':
        "One event per line, each ending in a newline: chapter 03a's watch, with your discovery and selectors in place. Lesson: § The JavaScript client.",
      'The JavaScript client > an informer lists, then watches; after a 410 it lists again and carries on':
        'The informer needs an ERROR event with code 410, then the end of the stream. Lesson: § Watch (chapter 03a) and § The JavaScript client.',
    },
  },
  {
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
  },
  {
    id: '05',
    slug: 'scheduler',
    title: 'The scheduler',
    builds:
      'the component that places pods: filters (resources, selectors and affinity, taints, ports), scores, a cache that assumes, and binding',
    stages: [
      {
        title: 'What a pod asks for and what a node offers',
        from: "Filters > a pod's requests are its containers' sum, and at least its largest init container's",
        functions: ['podRequests', 'allocatableOf', 'hostPortsOf', 'scoringRequests'],
      },
      {
        title: 'A node and the pods counted on it',
        from: 'Filters > a NodeInfo adds up the requests of the pods on it',
        functions: ['NodeInfo.addPod', 'NodeInfo.removePod', 'NodeInfo.setNode'],
      },
      {
        title: 'Resources, cordons and taints',
        from: 'Filters > tolerations: Equal needs key and value; Exists only the key; an empty key tolerates all',
        functions: [
          'tolerates',
          'nodeResourcesFit',
          'nodeUnschedulable',
          'nodeReady',
          'taintToleration',
        ],
      },
      {
        title: 'Node selectors and node affinity',
        from: 'Filters > NodeAffinity: every nodeSelector label must match',
        functions: ['nodeAffinity'],
      },
      {
        title: 'Host ports, and why no node fits',
        from: 'Filters > NodePorts: a host port is used once per node',
        functions: ['nodePorts', 'filterNode', 'unschedulableMessage'],
      },
      {
        title: 'Scoring the nodes that fit',
        from: 'Scores > least allocated: the share left free of CPU and memory, averaged, out of 100',
      },
      {
        title: 'The cache and its assumed pods',
        from: 'The scheduling cache > nodes come and go; bound pods are counted on their node',
      },
      {
        title: 'Choosing a node for a pod',
        from: 'Scheduling pods > in a big cluster the search stops once enough nodes fit: from 50% down to 5%',
        functions: [
          'numFeasibleNodesToFind',
          'Scheduler.responsibleFor',
          'Scheduler.findFeasibleNodes',
          'Scheduler.schedulePod',
          'Scheduler.observe',
        ],
      },
      {
        title: 'Bindings, events and the informers feeding the cache',
        from: 'Scheduling pods > a Binding names the pod and targets the node',
        functions: ['bindingFor', 'schedulerEvent', 'Scheduler.addEventHandlers'],
      },
      {
        title: 'Pods bound on a live API server',
        from: 'Scheduling pods > a pod is bound to the node that can take it',
        functions: ['Scheduler.run', 'Scheduler.scheduleOne'],
      },
      {
        title: 'Pods no node can take',
        from: 'Scheduling pods > markUnschedulable sets PodScheduled=False with the message, keeping the other conditions',
        functions: ['markUnschedulable', 'Scheduler.reportUnschedulable'],
      },
    ],
    hints: {
      "Filters > a pod's requests are its containers' sum, and at least its largest init container's":
        "Add milliCpu(...) and quantityValue(...) (harness/api/quantity.ts) of each container's resources.requests; then take the max with each init container's. Lesson: § Filters.",
      'Filters > a node offers its status.allocatable: CPU in millicores, memory in bytes, pods as a count':
        'Read node.status?.allocatable (an empty object when missing) and convert cpu with milliCpu, memory and pods with quantityValue: a missing quantity is 0. Lesson: § Filters.',
      'Filters > host ports read as protocol/port, TCP when no protocol is given':
        'flatMap over the containers, keep only the ports that have a hostPort, and write each as `${protocol ?? "TCP"}/${hostPort}`. Lesson: § Filters.',
      'Filters > for scoring, a request of zero counts as 100m of CPU and 200Mi of memory':
        'Start from podRequests(pod) and replace each zero with DEFAULT_MILLI_CPU or DEFAULT_MEMORY (`||` does it). Lesson: § Filters.',
      'Filters > a NodeInfo adds up the requests of the pods on it':
        'addPod stores the pod under its namespace/name key and adds its podRequests to `requested` (and one pod), its scoringRequests to `nonZeroRequested`, its host ports to usedPorts. Lesson: § Filters.',
      'Filters > a pod removed gives back its requests and its host ports, not the other pods':
        'removePod looks the key up and subtracts what the stored copy added (a pod never counted: do nothing), then frees its host ports while the ports of the pods that stay remain in use. Lesson: § Filters.',
      'Filters > a pod added again replaces its first count instead of adding to it':
        'In addPod, when the key is already in `pods`, removePod it first: an informer update hands you the same pod again. Lesson: § Filters.',
      'Filters > setNode keeps the changed node and reads what it offers again':
        'setNode replaces `node` and recomputes `allocatable` with allocatableOf; the pods counted stay. Lesson: § Filters.',
      'Filters > tolerations: Equal needs key and value; Exists only the key; an empty key tolerates all':
        "Check the effect first (if the toleration names one), then Exists (key or no key) or Equal (key and value, a missing value being ''). Lesson: § Filters.",
      'Filters > NodeResourcesFit: requests beyond what is left are Insufficient cpu or memory':
        "Compare requested + the pod's request with node.allocatable, per resource; list every resource that does not fit. Lesson: § Filters.",
      'Filters > NodeResourcesFit: a node holds no more pods than its allocatable pods':
        'requested.pods + 1 > allocatable.pods is "Too many pods". Lesson: § Filters.',
      'Filters > NodeUnschedulable: a cordoned node takes no pods':
        'node.node.spec?.unschedulable true, and the pod does not tolerate the taint node.kubernetes.io/unschedulable:NoSchedule: answer ["node(s) were unschedulable"]. Lesson: § Filters.',
      'Filters > a node that is not Ready takes no pods, unless they tolerate not-ready':
        "Find the condition of type Ready; anything but status 'True' (missing included) refuses the pod, unless one of its tolerations tolerates node.kubernetes.io/not-ready:NoSchedule. Lesson: § Filters.",
      'Filters > TaintToleration: untolerated NoSchedule and NoExecute taints keep a pod out; PreferNoSchedule does not':
        'Find the first taint whose effect is not PreferNoSchedule and that none of the pod\'s tolerations tolerates; name it as "{key: value}", with an empty value printed as nothing. Lesson: § Filters.',
      'Filters > NodeAffinity: every nodeSelector label must match':
        "Every [key, value] of pod.spec.nodeSelector must equal the node's label; a missing nodeSelector matches every node. Lesson: § Filters.",
      'Filters > NodeAffinity: required terms with In, NotIn, Exists and DoesNotExist':
        'Write one function for one requirement against the labels: a switch on the operator. NotIn and DoesNotExist hold when the label is missing. Lesson: § Filters.',
      'Filters > NodeAffinity: Gt and Lt compare the label as an integer':
        "Parse both the label and values[0] with Number.parseInt(..., 10): as strings, '10' < '9'. A missing label never matches. Lesson: § Filters.",
      'Filters > NodeAffinity: the node needs to match one of the terms, not all':
        'nodeSelectorTerms are ORed (some), the matchExpressions inside one term ANDed (every); no terms at all means no constraint. Lesson: § Filters.',
      'Filters > NodePorts: a host port is used once per node':
        'Any of hostPortsOf(pod) already in node.usedPorts refuses the pod; a pod without host ports always fits. Lesson: § Filters.',
      'Filters > a node fails at the first filter that has reasons':
        'filterNode walks the filters in order and returns the reasons of the first one that has any; none: an empty list. Lesson: § Filters.',
      'Filters > the message counts each reason over the nodes, sorted as Kubernetes prints it':
        'Count each reason in a Map, format "count reason", sort those strings, join with ", ", and wrap as "0/N nodes are available: ... .". Lesson: § Filters.',
      'Filters > with no nodes at all, the message says no nodes are available':
        'With nodeCount 0 there is nothing to count: answer "no nodes available to schedule pods" before anything else. Lesson: § Filters.',
      'Scores > least allocated: the share left free of CPU and memory, averaged, out of 100':
        "Add nonZeroRequested on the node and this pod's scoringRequests, per resource; free share = 1 - used / allocatable (never below 0); average the two, times 100, Math.floor. Lesson: § Scores.",
      'Scores > a pod that requests nothing counts as 100m and 200Mi for scoring':
        'Use scoringRequests, not podRequests, for the pod being scored, and nonZeroRequested, not requested, for the node. Lesson: § Scores.',
      'Scores > balanced allocation: CPU and memory used alike score 100; lopsided use scores lower':
        'Take the two used fractions (capped at 1); the score is (1 - |cpu - memory| / 2) × 100, rounded down. Lesson: § Scores.',
      'Scores > the score is the weighted sum of both':
        'scoreNode = weights.leastAllocated × leastAllocated + weights.balancedAllocation × balancedAllocation, with defaultWeights when none are given. Lesson: § Scores.',
      'Scores > the best score wins; equal scores are broken by the random source':
        'Keep only the entries with the top score, then take index Math.floor(random() * count). Lesson: § Scores.',
      'The scheduling cache > nodes come and go; bound pods are counted on their node':
        'Keep a Map from node name to NodeInfo, a set of the names the informer has shown, and the list nodes() returns; addPod counts a pod on the NodeInfo of its spec.nodeName. Lesson: § The scheduling cache.',
      'The scheduling cache > a pod seen bound before its node is counted once the node arrives':
        'Make a NodeInfo on first need, even for a node the informer has not shown (infoFor), but let node() and nodes() answer only the nodes it has shown; setNode then fills that NodeInfo in. Lesson: § The scheduling cache.',
      'The scheduling cache > an assumed pod counts at once; the watch confirming it does not count it twice':
        'assume counts the pod on the node like addPod and remembers its key; addPod of the same key replaces the count instead of adding, and clears the assumption. Lesson: § The scheduling cache.',
      'The scheduling cache > forgetting an assumption frees what it held':
        'forget removes the pod only if it is still assumed: a pod the watch has confirmed stays. Lesson: § The scheduling cache.',
      'The scheduling cache > a deleted pod frees its node':
        'Remember for each pod key the node it is counted on; removePod takes it off that NodeInfo and forgets the key. Lesson: § The scheduling cache.',
      'Scheduling pods > in a big cluster the search stops once enough nodes fit: from 50% down to 5%':
        'Under 100 nodes: all of them. Otherwise the percentage (when 0: max(5, 50 - nodes / 125)), Math.floor(nodes × share / 100), then at least 100 and at most nodes. Lesson: § Scheduling pods.',
      'Scheduling pods > a scheduler takes the pods that name it, and default-scheduler those that name none':
        "Compare (pod.spec.schedulerName ?? 'default-scheduler') with this scheduler's name. Lesson: § Scheduling pods.",
      'Scheduling pods > findFeasibleNodes answers the nodes that fit and why each other one does not':
        'Walk cache.nodes(), run filterNode (with options.filters or defaultFilters) on each: no reasons, feasible; otherwise push the reasons. Count what you examined. Lesson: § Scheduling pods.',
      'Scheduling pods > in a cluster of 200 nodes, a search stops once 100 fit':
        'Loop while examined < nodes.length and feasible.length < numFeasibleNodesToFind(nodes.length, options.percentageOfNodesToScore). Lesson: § Scheduling pods.',
      'Scheduling pods > each search starts where the last one stopped, so pods go round the nodes':
        'Keep a nextStart field: start at nextStart % nodes.length, take nodes[(start + i) % length], and afterwards set nextStart = start + examined. Lesson: § Scheduling pods.',
      'Scheduling pods > schedulePod picks the feasible node with the best score, and only decides':
        'Map the feasible nodes to { name, score: scoreNode(pod, node, weights) } and return selectHost(scored, this.random). Do not touch the cache here. Lesson: § Scheduling pods.',
      "Scheduling pods > when no node fits, schedulePod throws Unschedulable with Kubernetes' message":
        'No feasible node: throw new Unschedulable(unschedulableMessage(cache.nodes().length, reasons)), counting every node in the cache, not only those examined. Lesson: § Scheduling pods.',
      'Scheduling pods > the cache counts each pod the informer shows with a node, until it finishes':
        'observe: no spec.nodeName, return; phase Succeeded or Failed, cache.removePod; otherwise cache.addPod. Lesson: § Scheduling pods.',
      'Scheduling pods > a Binding names the pod and targets the node':
        "Return a plain object: apiVersion 'v1', kind 'Binding', metadata with the pod's name and namespace, target { apiVersion: 'v1', kind: 'Node', name }. Lesson: § Scheduling pods.",
      'Scheduling pods > an Event names the pod it is about, the scheduler that writes it and the time':
        "metadata.generateName is the pod's name and a dot, so the API server adds a suffix; involvedObject copies the pod's apiVersion v1, kind Pod, namespace, name and uid. Lesson: § Scheduling pods.",
      'Scheduling pods > addEventHandlers: the cache follows the nodes and the bound pods the informers show':
        'pods.addEventHandlers: add and update call observe, delete calls cache.removePod. nodes.addEventHandlers: add and update call cache.setNode, delete cache.removeNode(name). Lesson: § Scheduling pods.',
      'Scheduling pods > addEventHandlers: a node added puts the pods no node could take back in the queue at once':
        'In the node add and update handlers, after setNode, queue.add every key of this.unschedulable and clear the set; skip an update whose old and new objects are the same (a resync). Lesson: § Scheduling pods.',
      'Scheduling pods > a pod is bound to the node that can take it':
        "The constructor makes two informers with the clock; run: a controller (queue with the back-off options, reconcile scheduleOne, 16 workers), addEventHandlers, watch pods keyed only when unbound and this scheduler's. scheduleOne: schedulePod, cache.assume, then client.bind(bindingFor(...)). Lesson: § Scheduling pods.",
      'Scheduling pods > a bound pod gets a Scheduled event that names its node':
        'After a successful bind, create schedulerEvent(pod, "Normal", "Scheduled", `Successfully assigned ${key} to ${node}`, ...) in the pod\'s namespace; do not await it in the way of the next pod, and ignore its errors. Lesson: § Scheduling pods.',
      'Scheduling pods > equal pods spread evenly over equal nodes':
        'Each pod must see the ones placed before it: assume it in the cache before the bind is awaited, so the next decision scores that node as fuller. Lesson: § The scheduling cache.',
      'Scheduling pods > pods for another scheduler are left alone; a scheduler with that name takes them':
        'Key only pods with no nodeName for which responsibleFor holds, and check responsibleFor again in scheduleOne. Lesson: § Scheduling pods.',
      'Scheduling pods > markUnschedulable sets PodScheduled=False with the message, keeping the other conditions':
        "Filter out any old PodScheduled, append the new one (status 'False', reason 'Unschedulable', message, lastProbeTime null, lastTransitionTime now), keep the phase or set Pending; return true. Lesson: § Scheduling pods.",
      'Scheduling pods > markUnschedulable changes nothing when the pod says so already, and replaces an older message':
        "Look for PodScheduled first: status 'False' with the same message means return false before touching the pod, so updateWithRetry sends nothing. Lesson: § Scheduling pods.",
      "Scheduling pods > a pod no node can take gets PodScheduled=False with Kubernetes' message, and an event":
        'scheduleOne catches Unschedulable: add the key to unschedulable, await reportUnschedulable (updateWithRetry on pods with markUnschedulable and { status: true }, then a Warning FailedScheduling event), then throw it again so the queue retries. Lesson: § Scheduling pods.',
      'Scheduling pods > an unschedulable pod is placed as soon as a node that fits is added':
        "The key must be in `unschedulable` before the error reaches the queue, so addEventHandlers' node handler finds it when the new node arrives. Lesson: § Scheduling pods.",
      'Scheduling pods > a burst of pods never puts two on the last free slot of a node':
        "Assume the pod on its node in the cache before you bind: the next pod's filters must already see the slot as taken. Lesson: § The scheduling cache.",
      'Scheduling pods > a pod that has finished frees its place on a full node':
        'The pod update handler goes through observe, which removes a Succeeded or Failed pod from the cache; the next pod then finds the node free. Lesson: § Scheduling pods.',
    },
  },
  {
    id: '06',
    slug: 'kubelet',
    title: 'The kubelet',
    builds:
      'the node agent: registration and Lease heartbeats, pods on a container runtime (real processes), pod status, restarts with crash back-off, probes',
    stages: [
      {
        title: 'The Node and its Lease',
        from: 'Registering the node > the Node names its addresses, what it offers, its pod range and its kubelet port',
        functions: ['healthyConditions', 'goPlatform', 'nodeObject', 'nodeLease'],
      },
      {
        title: 'Registration and heartbeats',
        from: 'Registering the node > repeatEvery runs its work every period on the clock, the next one a period after the last ended',
        functions: ['repeatEvery', 'Kubelet.register', 'Kubelet.heartbeat', 'Kubelet.keepAlive'],
      },
      {
        title: 'Container states',
        from: 'Pod status > a container not started yet is waiting, ContainerCreating',
        functions: ['containerStatus'],
      },
      {
        title: "The pod's phase and conditions",
        from: 'Pod status > the phase: Pending until every container starts, Running while any runs',
        functions: ['podPhase', 'podConditions'],
      },
      {
        title: 'The whole status; restart policy and crash back-off',
        from: "Pod status > the whole status: phase, conditions, the pod's and the node's IP, the start time",
        functions: [
          'podStatus',
          'shouldRestart',
          'CrashBackoff.remainingMs',
          'CrashBackoff.currentMs',
          'CrashBackoff.next',
          'CrashBackoff.forget',
        ],
      },
      {
        title: 'The next step for a container; its sandbox',
        from: 'Restarts > a container never started is started as attempt 0; one that runs is left alone',
        functions: ['nextStep', 'crashLoopMessage', 'podLabels', 'sandboxConfig', 'newestAttempt'],
      },
      {
        title: 'Container configs and the relist',
        from: 'Running pods > a Service named web-api gives WEB_API_SERVICE_HOST and WEB_API_SERVICE_PORT',
        functions: ['serviceEnvironment', 'containerConfig', 'changedPods'],
      },
      {
        title: 'A sandbox and a first start',
        from: "Running pods > ensureSandbox makes a pod's sandbox once, with an IP from the node's range, then finds it",
        functions: ['Kubelet.ensureSandbox', 'Kubelet.startContainer'],
      },
      {
        title: "Writing the pod's status",
        from: "Running pods > writeStatus reports what runs: Running, the pod's IP and the node's, the container ready",
        functions: ['Kubelet.writeStatus'],
      },
      {
        title: 'One pod in step with its spec',
        from: "Running pods > syncPod starts a new pod's containers in its sandbox, and writes that it runs",
        functions: ['Kubelet.syncContainer', 'Kubelet.syncPod'],
      },
      {
        title: 'The kubelet loop',
        from: 'Running pods > a pod bound to this node gets a sandbox and its containers, and is Running with its IPs',
        functions: ['Kubelet.run', 'Kubelet.reconcile'],
      },
      {
        title: 'Adopting and deleting pods; real processes',
        from: 'Running pods > a kubelet that restarts adopts the containers that run instead of starting them again',
        functions: ['Kubelet.killPod', 'Kubelet.terminatePod'],
      },
      {
        title: 'Probing once',
        from: 'Probes > httpGet: 200 to 399 is a success',
        functions: ['runProbe', 'probeOnce'],
      },
      {
        title: "A probe's verdict",
        from: 'Probes > the verdict turns after failureThreshold failures in a row, and back after successThreshold successes',
        functions: [
          'ProbeTracker',
          'ProbeTracker.record',
          'ContainerProbes',
          'ContainerProbes.started',
          'ContainerProbes.ready',
        ],
      },
      {
        title: 'Probes on a schedule',
        from: 'Probes > a probe runs first after initialDelaySeconds, then every periodSeconds',
        functions: ['ContainerProbes.start', 'ContainerProbes.stop'],
      },
      {
        title: 'The kubelet acts on probes; its own API',
        from: 'Probes > the kubelet > a readiness probe decides Ready: false until it passes, true once it does',
        functions: ['Kubelet.syncProbes', 'serveKubeletApi'],
      },
      {
        title: 'Container logs',
        from: "Logs > the kubelet API serves a container's log, all of it or its last lines",
        functions: ['streamLog', 'logRequest', 'rfc3339Nano', 'attemptToRead'],
      },
      {
        title: "The kubelet's Events",
        from: 'Events > an Event about a container names its pod, the container by fieldPath, and the kubelet on its node',
      },
    ],
    hints: {
      'Registering the node > the Node names its addresses, what it offers, its pod range and its kubelet port':
        'Build the Node from the config: metadata.name, status.addresses (InternalIP, then Hostname), capacity and allocatable (both the configured capacity), spec.podCIDR, and status.daemonEndpoints.kubeletEndpoint.Port (config.port, else 10250). Lesson: § Registering the node.',
      'Registering the node > the Node carries the labels and the version kubectl shows':
        'Give metadata.labels the well-known kubernetes.io/hostname (the node name; os and arch too), and status.nodeInfo the exported kubeletVersion. Lesson: § Registering the node.',
      "Registering the node > the os and the architecture are in Go's names, the same in the labels and in nodeInfo":
        'goPlatform: a small table for the names that differ (x64 is amd64, ia32 is 386, win32 is windows), anything else as it is. nodeObject calls it once and uses the answer for the labels kubernetes.io/os and kubernetes.io/arch and for nodeInfo.operatingSystem and architecture. Lesson: § Registering the node.',
      "Registering the node > a new node is Ready, with no memory, disk or PID pressure, in Kubernetes' words":
        "healthyConditions(now): four conditions in this order, MemoryPressure, DiskPressure and PIDPressure False, Ready True, each with its exact reason and message (the stub's doc comment lists them). nodeObject puts them in status.conditions. Lesson: § Registering the node.",
      'Registering the node > every condition was last heard from and last changed at the time given':
        'Each condition gets the `now` it is given as both lastHeartbeatTime and lastTransitionTime. A table of [type, status, reason, message] mapped to objects keeps it short. Lesson: § Registering the node.',
      'Registering the node > the heartbeat Lease is named after the node, in kube-node-lease, held by the node':
        'nodeLease: apiVersion coordination.k8s.io/v1, kind Lease, metadata { name: the node, namespace: kube-node-lease }, spec { holderIdentity: the node, leaseDurationSeconds, renewTime }. Lesson: § Registering the node.',
      'Registering the node > repeatEvery runs its work every period on the clock, the next one a period after the last ended':
        "Set one timer with clock.setTimeout; when it fires, call work() and set the next timer only once its promise has settled (.finally), so two runs never overlap. Never use the global setTimeout: the test's clock is fake. Lesson: § Registering the node.",
      'Registering the node > repeatEvery keeps going after a run that fails, and stops when its signal aborts':
        "Catch the run's rejection (a failed heartbeat is not the end of the kubelet), and keep the pending timer in a variable: on the signal's abort event, clock.clearTimeout it, and set no new one once signal.aborted. Lesson: § Registering the node.",
      'Registering the node > a kubelet registers its Node with the API server':
        "register(): client.resource('nodes').create(nodeObject(options, the time now)). The clock is this.clock; the time as RFC 3339 is rfc3339 from harness/clock.ts. Lesson: § Registering the node.",
      'Registering the node > a kubelet that restarts registers again without an error':
        'A create that fails with isAlreadyExists (harness/client/errors.ts) means the node is back: write its status (and spec) with toolkit.updateWithRetry(nodes, name, change, { status: true }) instead. Lesson: § Registering the node.',
      'Registering the node > the first heartbeat creates the Lease; the next ones renew it':
        'heartbeat(): update the Lease in kube-node-lease with toolkit.updateWithRetry, setting spec.renewTime to now as a MicroTime (six fractional digits: microTime in harness/clock.ts) and holderIdentity; on isNotFound, create it with nodeLease. Lesson: § Registering the node.',
      'Registering the node > it renews its Lease every 10 seconds':
        'keepAlive(signal): register(), heartbeat() once, then repeatEvery(this.clock, heartbeatMs ?? 10 000, signal, () => this.heartbeat()). Resolve once the first heartbeat is done. Lesson: § Registering the node.',
      'Registering the node > a node marked Unknown by the control plane is posted Ready again at the next heartbeat':
        "At the end of heartbeat(), get the Node: if its Ready condition's status is not 'True' (the node lifecycle controller wrote Unknown), register() again, which writes the healthy status. Lesson: § Registering the node.",
      'Pod status > a container not started yet is waiting, ContainerCreating':
        "No latest attempt and nothing held back: state { waiting: { reason: 'ContainerCreating' } }, ready and started false, restartCount 0, imageID '' (no image pulled for it yet). Lesson: § Pod status.",
      'Pod status > a running container is running since it started, and ready':
        "The runtime's CONTAINER_RUNNING becomes state.running with startedAt as rfc3339, ready and started true; containerID and imageID are 'kata://' + the attempt's id and image. Lesson: § Pod status.",
      'Pod status > a running container is ready and started only as its probes say':
        'While it runs, ready and started come from the observation (what the probes say), and default to true only when the observation leaves them undefined: use ??, not ||. Lesson: § Pod status.',
      'Pod status > an exited container is terminated: Completed for 0, Error otherwise, with its exit code':
        'CONTAINER_EXITED becomes state.terminated { exitCode, reason, startedAt, finishedAt } (times as rfc3339); with no reason from the runtime, Completed for exit code 0 and Error otherwise. ready stays false. Lesson: § Pod status.',
      'Pod status > a terminated container keeps the reason and message the runtime gave':
        "Prefer the runtime's own reason (StartError, say) over the one you work out, and carry its message when it has one. Lesson: § Pod status.",
      'Pod status > a container held back shows the reason, its last run in lastState, and its restarts':
        "When the observation has `waiting`, the state is waiting with that reason; if the latest attempt exited, its terminated state goes in lastState. restartCount is the latest attempt's number. Lesson: § Pod status.",
      'Pod status > a container held back before it ever ran has its reason and message, and no lastState':
        'Held back with no attempt at all (an image that never pulled): waiting with the reason and message given, and lastState left out, not an empty object. Lesson: § Pod status.',
      'Pod status > the phase: Pending until every container starts, Running while any runs':
        'Count the containers running, waiting and stopped: any waiting (ContainerCreating, ErrImagePull) makes the pod Pending; else any running makes it Running. No statuses at all: Pending. Lesson: § Pod status.',
      'Pod status > the phase once all ended: by restartPolicy and exit codes':
        'A container waiting with a lastState.terminated counts as stopped; then the restart policy decides between Running, Succeeded and Failed. Lesson: § Pod status.',
      'Pod status > with several containers, the pod is done only when all are, and Succeeded only if all exited 0':
        'Count the stopped containers and, among them, those that exited 0: Succeeded needs every one of them to have exited 0; with Never, one failure makes the pod Failed, with OnFailure it stays Running. Lesson: § Pod status.',
      'Pod status > Ready and ContainersReady hold when every container is ready, and say which are not':
        'Four conditions in order: Initialized True, Ready and ContainersReady (True when there are containers and all are ready, else False with reason ContainersNotReady and a message), PodScheduled True. Lesson: § Pod status.',
      'Pod status > the message names every container that is not ready, in order':
        "The message is 'containers with unready status: [' + the names of the unready containers joined by spaces + ']'. Every condition has lastProbeTime null. Lesson: § Pod status.",
      'Pod status > a condition keeps its lastTransitionTime until its status changes':
        'Look the condition up in `previous`: same status, keep its lastTransitionTime; otherwise it is `now`. Lesson: § Pod status.',
      "Pod status > the whole status: phase, conditions, the pod's and the node's IP, the start time":
        'podStatus: containerStatus of each observation, then podPhase and podConditions of those; hostIP, startTime, and podIP plus podIPs [{ ip }] when there is a pod IP. Times as rfc3339(inputs.now). Lesson: § Pod status.',
      'Pod status > conditions the kubelet does not own, such as DisruptionTarget, are kept as they were':
        'After your four conditions, append every previous condition whose type is not one of them, unchanged. Lesson: § Pod status.',
      'Pod status > the start time is kept from the previous status; a pod with no IP yet shows none':
        "startTime is the previous status's when there is one, else now; leave podIP and podIPs out altogether when inputs.podIP is undefined. Lesson: § Pod status.",
      'Restarts > Always restarts every exit, OnFailure only failures, Never none':
        'shouldRestart: Never, never; OnFailure, only a non-zero exit; Always, and no policy at all (Always is the default), every exit. Lesson: § Restarts.',
      'Restarts > the first restart is at once; then 10 s, 20 s, 40 s ... after each exit':
        'Keep per key the wait and the last finishedAt: remainingMs is 0 with no entry, else wait - (now - finishedAt); next() starts at initialMs and doubles. Lesson: § Restarts.',
      'Restarts > the wait counts from the exit: what is left of it shrinks as time passes':
        'remainingMs(key, finishedAt, now) is the wait minus the time since finishedAt, never below 0; a key never seen has nothing to wait for. Lesson: § Restarts.',
      'Restarts > the wait never exceeds 5 minutes':
        'Double the wait at each next(), but never past maxMs (300 000 by default): Math.min. Lesson: § Restarts.',
      'Restarts > a container that ran well for a long time starts over at 10 s':
        'In next(), a container that finished more than 2 * maxMs after its last recorded exit has earned a fresh start: the wait goes back to initialMs. Lesson: § Restarts.',
      'Restarts > waits are scaled by configuration, for tests and impatient demos':
        'Use this.initialMs and this.maxMs (from the options), never the literal 10 s and 5 minutes; forget(key) drops the entry, so remainingMs and currentMs answer 0 again. Lesson: § Restarts.',
      'Restarts > a container never started is started as attempt 0; one that runs is left alone':
        "nextStep: no latest attempt, { action: 'start', attempt: 0 }; an attempt that is CONTAINER_RUNNING or CONTAINER_CREATED, { action: 'none' }. Lesson: § Restarts.",
      'Restarts > an exited container is left alone when its restartPolicy says so':
        "For an exited attempt, ask shouldRestart(policy, latest.exitCode) first: no, and the step is { action: 'none' }: the container ended for good. Lesson: § Restarts.",
      'Restarts > an exited container restarts as the next attempt, and the restart is recorded in the back-off':
        "With a restart due: remainingMs(key, latest.finishedAt, now) > 0 means { action: 'wait', waitMs, backoffMs: currentMs(key) }; otherwise call backoff.next(key, latest.finishedAt) and start latest.metadata.attempt + 1. Lesson: § Restarts.",
      "Restarts > the CrashLoopBackOff message names the wait, the container and the pod, in the kubelet's words":
        "'back-off ' + the back-off in whole seconds (Math.round) + 's restarting failed container=' + the container + ' pod=' + name_namespace(uid). Lesson: § Restarts.",
      "Running pods > a pod's sandbox is named after it, and labelled with its name, namespace and uid":
        'podLabels: the three label keys of harness/runtime/cri.ts (podNameLabel, podNamespaceLabel, podUidLabel). sandboxConfig: metadata with attempt 0, hostname (spec.hostname, else the name) and podLabels. Lesson: § Running pods.',
      'Running pods > the newest attempt of a container is the one with the highest attempt number':
        "The runtime lists attempts in no promised order: pick the one with the greatest metadata.attempt (a reduce), undefined for an empty list. Don't sort the caller's array in place. Lesson: § Running pods.",
      'Running pods > a Service named web-api gives WEB_API_SERVICE_HOST and WEB_API_SERVICE_PORT':
        "The prefix is the Service's name upper-cased with '-' as '_'; HOST is spec.clusterIP, PORT the first port's number as a string. Lesson: § Running pods.",
      'Running pods > each named port gets a variable of its own; a headless Service or one without ports, none':
        "Add <PREFIX>_SERVICE_PORT_<NAME> for each port that has a name (same upper-casing); skip a Service whose clusterIP is empty or 'None', or that has no ports. Lesson: § Running pods.",
      "Running pods > a container's config carries its image, command, args, ports and working directory":
        "containerConfig: metadata { name, attempt }, and the spec's image, command, args, workingDir as they are; ports mapped to { containerPort, name, protocol }. Lesson: § Running pods.",
      "Running pods > a container's env has the Services' variables, then its own; its labels name its pod and itself":
        "env: serviceEnvironment(services) first, then the container's own as { name, value } ('' when it has no value), so its own win. labels: podLabels(pod) plus containerNameLabel. Lesson: § Running pods.",
      'Running pods > the relist names the pods whose containers are new or changed state since the last look':
        "changedPods: record every container's state by id in a new map; a container whose state differs from last's (or that last did not have) adds the key namespace/name, read from its podNamespaceLabel and podNameLabel. Lesson: § Running pods.",
      "Running pods > ensureSandbox makes a pod's sandbox once, with an IP from the node's range, then finds it":
        "First ask the runtime: listPodSandbox with the pod's uid label and state SANDBOX_READY. None: runPodSandbox(sandboxConfig(pod)), then podSandboxStatus(id), whose ip is the pod's IP. Lesson: § Running pods.",
      'Running pods > startContainer pulls the image, then creates the attempt from its config and starts it':
        'runtime.pullImage(image), then createContainer(sandbox.id, containerConfig(pod, container, attempt, services)) and startContainer(id); services are none until run() watches them. Answer undefined when it started. Lesson: § Running pods.',
      'Running pods > an image that cannot be pulled: ErrImagePull, then ImagePullBackOff without pulling until the next try':
        'Catch ImagePullError: answer { reason: error.reason, message: error.message } and remember, per pod uid, container and image, the time the next pull may be (now + imageBackoffMs). Before that time, answer ImagePullBackOff without pulling. Lesson: § Running pods.',
      "Running pods > writeStatus reports what runs: Running, the pod's IP and the node's, the container ready":
        'For each container of the spec, its newest attempt in the sandbox (listContainers by podSandboxId and containerNameLabel), as a ContainerObservation; then podStatus({ spec, previous: pod.status, containers, podIP: sandbox.ip, hostIP: nodeIp, now }) and pods.updateStatus({ ...pod, status }). Lesson: § Running pods.',
      'Running pods > writeStatus shows a container that is held back as waiting, with the reason given':
        "Put held.get(container.name) in the observation's `waiting`: containerStatus does the rest. Lesson: § Running pods.",
      'Running pods > writeStatus writes nothing when the pod shows that status already':
        'Compare the new status with pod.status before writing (JSON.stringify of both is enough: podStatus builds them in the same key order) and return when they are the same. Lesson: § Running pods.',
      'Running pods > writeStatus of a pod that is not the latest version still writes (a 409, then a retry)':
        "updateStatus sends the pod's resourceVersion: a stale one gets isConflict. Then toolkit.updateWithRetry(pods, name, (current) => { current.status = status }, { status: true }) reads the latest and writes again. A pod gone (isNotFound) is no error. Lesson: § Running pods.",
      "Running pods > syncPod starts a new pod's containers in its sandbox, and writes that it runs":
        "syncPod: ensureSandbox, then syncContainer for each container in spec order, collecting in a Map what each answers held back, then writeStatus. syncContainer: the newest attempt, nextStep, and on 'start' startContainer. Lesson: § Running pods.",
      'Running pods > syncPod of a pod whose containers run starts nothing new':
        "Everything syncPod does starts from what the runtime has: the READY sandbox with the pod's uid, each container's newest attempt; nextStep says 'none' for a running one. Lesson: § Running pods.",
      'Running pods > syncPod restarts an exited container at once, then holds it in CrashLoopBackOff for 10 s':
        "syncContainer passes nextStep the pod's restartPolicy, this.backoff and the key '<pod uid>/<container name>'. On 'wait': enqueue the pod key after waitMs and answer { reason: 'CrashLoopBackOff', message: crashLoopMessage(...) }. Lesson: § Restarts.",
      'Running pods > a pod bound to this node gets a sandbox and its containers, and is Running with its IPs':
        'The constructor makes an informer on pods with fieldSelector spec.nodeName=<node> and one on services. run(): keepAlive, the services informer (run, waitForSync), and toolkit.createController whose reconcile is this.reconcile; set this.enqueue to its queue. reconcile(key): the pod from the informer, then syncPod. Lesson: § Running pods.',
      'Running pods > a pod bound to another node is not this kubelet’s':
        "The pod informer's fieldSelector spec.nodeName=<this node> lets the API server send only this node's pods: the kubelet never sees the others. Lesson: § Running pods.",
      'Running pods > the containers get the env the pod spec gives them':
        "startContainer hands containerConfig to createContainer: the container's own env and args go through as the spec gives them. Lesson: § Running pods.",
      "Running pods > a container finds its namespace's Services in its environment":
        "Keep the services informer in a field; in startContainer, pass containerConfig the Services of the pod's namespace (informer.byIndex('namespace', namespace)). Lesson: § Running pods.",
      'Running pods > a container that exits is restarted at once, then after 10 s in CrashLoopBackOff':
        'Nobody tells the API server a process exited: in run(), every relistMs (repeatEvery), list the runtime containers, feed them to changedPods with the states of the last look, and enqueue each key it names. Lesson: § Running pods.',
      'Running pods > restartPolicy Never: an exit is final, and a failure makes the pod Failed':
        "The relist queues the pod; nextStep says 'none' for a container whose policy forbids the restart, and writeStatus reports the phase podPhase works out. Lesson: § Restarts.",
      'Running pods > restartPolicy OnFailure: a clean exit makes the pod Succeeded':
        'Same path as Never: an exit 0 under OnFailure is not restarted, and every container having exited 0 makes the pod Succeeded. Lesson: § Restarts.',
      'Running pods > an image that cannot be pulled is tried again once its back-off has passed':
        'startContainer enqueues the pod key after imageBackoffMs when a pull fails (and after what is left of it during ImagePullBackOff): the queue brings the pod back when the next try is due. Lesson: § Running pods.',
      'Running pods > a kubelet that restarts adopts the containers that run instead of starting them again':
        "A new kubelet remembers nothing, and needs nothing: ensureSandbox and syncContainer look in the runtime first (by the pod's uid and the container's name labels) and create only what is missing. Lesson: § Running pods.",
      'Running pods > a pod deleted gracefully has its containers stopped within its grace, then is removed':
        'reconcile: a pod with metadata.deletionTimestamp goes to terminatePod: killPod(key, deletionGracePeriodSeconds ?? 30), then delete it with { gracePeriodSeconds: 0, preconditions: { uid } } (NotFound is fine). killPod stops each running container with that grace and removes the sandbox. Lesson: § Running pods.',
      'Running pods > a pod removed from the API at once still has its containers stopped and its sandbox removed':
        "A pod the informer no longer has goes to killPod with the grace it had: remember each pod's terminationGracePeriodSeconds (30 by default) in the informer's add and delete handlers, by key. Lesson: § Running pods.",
      'Real processes > an echo pod answers HTTP on its own pod IP, with its name':
        "Pass the container's ports to createContainer (containerConfig does): the echo program listens on the pod IP and each containerPort. Lesson: § Real processes.",
      'Real processes > deleting the pod ends its process':
        'Nothing new to write: the same killPod, on ProcessRuntime, sends SIGTERM to a real process. If it fails, check that killPod finds the sandbox by its namespace and name labels and stops every running container. Lesson: § Real processes.',
      'Probes > httpGet: 200 to 399 is a success':
        'fetch(`http://${host ?? podIP}:${port}${path}`, { signal: AbortSignal.timeout(timeoutSeconds * 1000) }); a status from 200 to 399 is a success. Cancel the body you do not read. Lesson: § Probes.',
      'Probes > httpGet: 400 and above, or nobody listening, is a failure':
        'A status of 400 or more is a failure, and so is a rejection (connection refused, timeout): wrap the whole probe in try/catch and answer false. probeOnce never throws. Lesson: § Probes.',
      "Probes > httpGet asks the pod's IP, at the probe's path, / when it names none":
        "The host is probe.httpGet.host if given, else the target's podIP; the path is probe.httpGet.path, '/' by default. Lesson: § Probes.",
      'Probes > tcpSocket: a connection accepted is a success; a port by name is looked up':
        "net.connect({ host, port, timeout }): 'connect' is a success, 'error' or 'timeout' a failure; destroy the socket either way. A port given as a string is the containerPort of the container's port with that name. Lesson: § Probes.",
      'Probes > exec: exit code 0 is a success, anything else a failure':
        'runtime.exec(target.containerId, probe.exec.command, timeoutSeconds ?? 1): exit code 0 is a success. Lesson: § Probes.',
      'Probes > exec: a command that timed out is a failure, whatever its exit code':
        'Check result.timedOut as well as the exit code; an exec the runtime refuses (the container is not running) rejects: that is a failure too, not an error. Lesson: § Probes.',
      "Probes > a failed probe says why, in kube's words":
        'runProbe answers { success, output } and probeOnce is its success. The output of a failure is what kube prints after "probe failed:": the status code of an HTTP answer, Go\'s "dial tcp <host>:<port>: connect: connection refused" for a refused connection (the error\'s code, or its cause\'s, is ECONNREFUSED), an exec command\'s stdout then stderr, or `command "<command>" timed out`. Lesson: § Probes.',
      'Probes > the verdict turns after failureThreshold failures in a row, and back after successThreshold successes':
        'Count successes and failures in a row (each resets the other); turn the verdict when the count reaches its threshold, and answer true only on the result that turned it. Lesson: § Probes.',
      'Probes > by default one success makes the verdict healthy, and three failures in a row unhealthy':
        'successThreshold defaults to 1 and failureThreshold to 3 when the probe leaves them out. Lesson: § Probes.',
      'Probes > a probe that never passed says so once, when it reaches failureThreshold':
        'A verdict that is still unhealthy cannot turn, but a startup probe must be able to give up: answer true once, on the failure that makes the count equal to failureThreshold. Lesson: § Probes.',
      'Probes > before any probe has run: started and ready as the probes a container has':
        'The constructor makes one ProbeTracker per probe the container has: startup and readiness start unhealthy, liveness healthy. started: the startup verdict (true without one). ready: started and the readiness verdict (true without one). Lesson: § Probes.',
      'Probes > a probe runs first after initialDelaySeconds, then every periodSeconds':
        'start(): per probe, a timer on the clock after initialDelaySeconds (0); when it fires, run probeOnce, record the result, then set the next timer periodSeconds (10) later. Keep the timers, stop() will clear them. Lesson: § Probes.',
      'Probes > readiness that turns calls onChange, and ready follows it':
        "After recording a readiness result, call events.onChange() when record() answered true (the verdict turned): the kubelet writes the pod's status again. Lesson: § Probes.",
      'Probes > liveness failing failureThreshold times in a row calls onFailure':
        'A liveness verdict that turns unhealthy calls events.onFailure() (the kubelet kills the container). A liveness verdict that turns healthy again calls nothing. Lesson: § Probes.',
      'Probes > each failed run calls onUnhealthy with the kind of probe and its output':
        'In the scheduled run, use runProbe instead of probeOnce, and on a failure call events.onUnhealthy?.(kind, output) before recording the result, every time (not only when the verdict turns). Each schedule needs to know its kind: Startup, Readiness or Liveness. Lesson: § Probes.',
      'Probes > readiness and liveness wait until the startup probe has passed':
        'Readiness and liveness timers keep their schedule, but while `started` is false they skip the check. The startup verdict turning healthy calls onChange. Lesson: § Probes.',
      'Probes > a startup probe that never passes calls onFailure once it reaches failureThreshold':
        'A startup result that changed the answer while the verdict is still unhealthy means it gave up: call onFailure, as liveness does. Lesson: § Probes.',
      'Probes > stop: no probe runs after it, and no timer is left on the clock':
        'stop(): clear every pending timer with clock.clearTimeout and remember that you stopped, so a probe already running when stop() came records nothing and sets no next timer. Lesson: § Probes.',
      'Probes > the kubelet > a readiness probe decides Ready: false until it passes, true once it does':
        "syncPod calls syncProbes for a container with any probe: a ContainerProbes on its running attempt, kept per pod uid and container name with the attempt's id; writeStatus passes its started and ready into the observation; onChange enqueues the pod. Lesson: § Probes.",
      'Probes > the kubelet > a readiness probe that starts failing takes the pod out of Ready, without a restart':
        "Readiness only calls onChange: the next sync writes the container not ready, and the pod's Ready condition False. Only onFailure stops a container. Lesson: § Probes.",
      'Probes > the kubelet > a liveness probe that fails three times in a row kills the container, which restarts':
        "onFailure: stop the probes, runtime.stopContainer(id, the pod's grace), then enqueue the pod: its next sync sees the attempt exited and restarts it as its restartPolicy says; syncProbes then watches the new attempt. Lesson: § Probes.",
      'Logs > the kubelet API answers /healthz, and 404 to what it does not serve':
        "http.createServer, listen(port, address) and resolve once listening, with url from server.address().port. Route on new URL(request.url).pathname: /healthz answers 200 'ok'; a GET of /containerLogs/<ns>/<pod>/<container> goes to streamLog; anything else 404. close(): server.close and closeAllConnections. Lesson: § Logs.",
      "Logs > the kubelet API serves a container's log, all of it or its last lines":
        "streamLog: listContainers by the namespace, pod and container name labels, newestAttempt; none: 404 with the message. Else 200 text/plain, and for await over runtime.readLogs(id, { tailLines, follow, signal }) write each line's content and a newline. Lesson: § Logs.",
      "Logs > after a restart, the log is the newest attempt's":
        'Each attempt has a log of its own: pick the attempt with the highest attempt number (newestAttempt), as kubectl logs shows the current run (and --previous the one before). Lesson: § Logs.',
      "Logs > previous reads the attempt before the newest; without one, a 400 in kube's words":
        'attemptToRead: newestAttempt of all, or with previous newestAttempt of the others. streamLog reads logRequest(query, Date.now()); no attempt to read while the container has some is the 400 `previous terminated container "<c>" in pod "<p>" not found`. Lesson: § Logs.',
      'Logs > previous, while a crashed container waits to run again, is the run that just ended':
        "kube reads previous from the pod status's lastState. While a container waits out its back-off, that is the newest attempt itself: with previous, an exited newest attempt that shouldRestart(restartPolicy, exitCode) is the one to read. serveKubeletApi passes restartPolicyOf(namespace, pod) to streamLog, streamLog to attemptToRead. Lesson: § Logs.",
      "Logs > sinceSeconds and sinceTime leave older lines out; timestamps puts each line's time first":
        'logRequest turns sinceSeconds (now minus that many seconds) or sinceTime (Date.parse) into `since`; streamLog skips a line whose Date.parse(line.time) is before it. With timestamps, write rfc3339Nano(line.time) and a space first: strip the trailing zeros of the fraction, and the dot when nothing is left. Lesson: § Logs.',
      'Logs > limitBytes ends the log after that many bytes':
        "Keep a budget of limitBytes (Infinity without it): write at most that much of each line (a Buffer's subarray), take its length off, and stop reading once the budget is spent. Lesson: § Logs.",
      'Logs > follow keeps the answer open and sends each new line as the container prints it':
        "Pass follow: query.get('follow') === 'true' to readLogs and write each line as it comes (response.write, not one end() with everything). Abort readLogs' signal on the response's 'close', or a reader stays behind when the client leaves. Lesson: § Logs.",
      "Logs > kubectl logs' request: the API server passes pods/log on to the pod's node":
        'In run(), with options.port set, serve the kubelet API before registering, and register the Node with the port it got: the API server reads daemonEndpoints.kubeletEndpoint.Port to reach it. Lesson: § Logs.',
      'Events > an Event about a container names its pod, the container by fieldPath, and the kubelet on its node':
        'kubeletEvent: a core/v1 Event with generateName "<pod>.", involvedObject the Pod (apiVersion v1, kind Pod, namespace, name, uid) plus fieldPath spec.containers{<name>} only when a container is given, the note\'s type, reason and message, source { component: "kubelet", host: the node } and reportingComponent "kubelet". Lesson: § Events.',
      "Events > the kubelet's reasons and messages, in its words":
        'One small function per note, each answering { type, reason, message } with the exact words in its doc comment: clients and people search for them. The pod in BackOff is written name_namespace(uid). Lesson: § Events.',
      'Events > a pod that starts: Pulled, Created and Started, about its container':
        "Give the Kubelet an EventRecorder (eventRecorder(client, clock) from harness/client/events.ts) and a record(pod, note, container) that does not await it. startContainer records pulled after pullImage, created after createContainer, started after startContainer (and failed with the error's message if either throws). Lesson: § Events.",
      'Events > a container the runtime cannot start: Failed, "Error: " and the runtime\'s reason':
        'Wrap createContainer and startContainer in startContainer: when either throws, record failed(error.message) about the container, then throw the error on (the sync fails and is tried again; the exited attempt goes through the crash back-off). Lesson: § Events.',
      'Events > a crash loop: BackOff, one Event whose count grows at each back-off':
        'syncContainer records backOff(pod, name) whenever it holds a container in CrashLoopBackOff. The recorder turns the repeats into one Event whose count grows: nothing to count yourself. Lesson: § Events.',
      'Events > a liveness probe that fails: Unhealthy with its output, then Killing, "will be restarted"':
        'In syncProbes, give ContainerProbes an onUnhealthy that records unhealthy(kind, output), and make onFailure record killing(name, "liveness") (or "startup" while the container has not started) before it stops the container. Lesson: § Events.',
      'Events > a pod deleted: Killing, "Stopping container", for each running container':
        "killPod records killing(name) for each running container before it stops them. It has no Pod, only the key and the container's labels: { metadata: { name, namespace, uid: labels[podUidLabel] } } is enough for kubeletEvent. Lesson: § Events.",
    },
  },
  {
    id: '07',
    slug: 'controllers',
    title: 'The controllers',
    builds:
      'the reconcile loops of kube-controller-manager: ReplicaSets (with expectations and adoption), Endpoints, garbage collection, node lifecycle, taint eviction',
    stages: [
      {
        title: 'Label selectors and the pods that count',
        from: "ReplicaSets > a selector's matchLabels hold when the labels have every pair",
        functions: ['matchesSelector', 'isActive', 'isReady', 'controllerOf', 'selectorOf'],
      },
      {
        title: 'Owner references, new pods and the order of deletion',
        from: "ReplicaSets > a ReplicaSet's pods carry a controller ownerReference to it, with its name and uid",
        functions: ['ownerReferenceTo', 'podFromTemplate', 'deletionOrder'],
      },
      {
        title: 'Expectations and status',
        from: 'ReplicaSets > with nothing expected, a controller may act',
        functions: [
          'Expectations.satisfied',
          'Expectations.expectCreations',
          'Expectations.expectDeletions',
          'Expectations.creationObserved',
          'Expectations.deletionObserved',
          'Expectations.forget',
          'isAvailable',
          'replicaSetStatus',
        ],
      },
      {
        title: 'Status written, pods claimed',
        from: 'ReplicaSets > writeStatus writes the counts to the status, and nothing when they have not changed',
        functions: [
          'ReplicaSetController.writeStatus',
          'claimAction',
          'ReplicaSetController.claimPods',
        ],
      },
      {
        title: "Pods created in batches and deleted; a pod's change mapped to its ReplicaSets",
        from: 'ReplicaSets > pods are created in batches of 1, 2, 4, ..., the last one what is left',
        functions: [
          'slowStartBatches',
          'ReplicaSetController.createPods',
          'ReplicaSetController.deletePods',
          'replicaSetKeysFor',
        ],
      },
      {
        title: 'A ReplicaSet that heals itself',
        from: 'ReplicaSets > a new ReplicaSet gets its pods: named after it, owned by it, counted in its status',
        functions: ['ReplicaSetController.run', 'ReplicaSetController.reconcile'],
      },
      {
        title: "Target ports, a pod's ports and its address",
        from: 'Endpoints > a targetPort is a number, the name of a container port, or the service port itself',
        functions: ['resolveTargetPort', 'endpointPorts', 'endpointAddress'],
      },
      {
        title: 'Subsets, written only when they change',
        from: 'Endpoints > ready pods are addresses, others notReadyAddresses; pods whose named port differs get their own subset',
        functions: ['endpointSubsets', 'EndpointsController.writeEndpoints'],
      },
      {
        title: 'Endpoints that follow their pods',
        from: 'Endpoints > a Service selects the pods of its namespace that carry its labels; one without a selector, none',
        functions: ['selects', 'EndpointsController.run', 'EndpointsController.reconcile'],
      },
      {
        title: 'Owners that exist, dependents collected',
        from: 'Garbage collection > an object is orphaning while it is being deleted and still has the finalizer "orphan"',
        functions: ['isOrphaning', 'GarbageCollector.ownerExists', 'GarbageCollector.collect'],
      },
      {
        title: 'Dependents let go',
        from: "Garbage collection > orphanDependents takes the owner's reference off each dependent, then its finalizer off the owner",
        functions: ['GarbageCollector.orphanDependents'],
      },
      {
        title: 'The garbage collector',
        from: "Garbage collection > deleting an owner deletes its dependents; others' stay",
        functions: ['GarbageCollector.run', 'GarbageCollector.reconcile'],
      },
      {
        title: 'Heartbeats and the verdict on a node',
        from: "Node lifecycle > heartbeats: a node is heard when its Lease's renewTime changes, on the controller's clock",
        functions: [
          'Heartbeats.leaseSeen',
          'Heartbeats.nodeSeen',
          'Heartbeats.lastHeard',
          'unknownConditions',
          'nodeAction',
        ],
      },
      {
        title: 'Nodes marked and cleared',
        from: 'Node lifecycle > markUnreachable makes every condition Unknown and adds the unreachable taint, once',
        functions: [
          'NodeLifecycleController.markUnreachable',
          'NodeLifecycleController.clearUnreachable',
        ],
      },
      {
        title: 'The node lifecycle controller',
        from: 'Node lifecycle > a node whose Lease stops for 50 s becomes Unknown and is tainted unreachable',
        functions: ['NodeLifecycleController.run', 'NodeLifecycleController.monitor'],
      },
      {
        title: 'Taints, tolerations and how long a pod may stay',
        from: 'Taint eviction > only NoExecute taints evict',
        functions: ['noExecuteTaints', 'toleratesTaint', 'secondsToStay'],
      },
      {
        title: 'A pod evicted',
        from: 'Taint eviction > evict records TaintManagerEviction, marks the pod DisruptionTarget, and deletes it',
        functions: ['disruptionTarget', 'TaintEvictionController.evict'],
      },
      {
        title: 'The taint eviction controller',
        from: 'Taint eviction > a NoExecute taint evicts at once the pods that do not tolerate it, and only those',
        functions: [
          'TaintEvictionController.run',
          'TaintEvictionController.reconcile',
          'TaintEvictionController.cancel',
        ],
      },
      {
        title: 'Namespaces emptied',
        from: 'Namespaces > reconcile of a namespace that is gone deletes every namespaced object left in it',
      },
    ],
    hints: {
      "ReplicaSets > a selector's matchLabels hold when the labels have every pair":
        'matchesSelector: for each [key, value] of Object.entries(selector.matchLabels ?? {}), labels[key] must equal value; treat missing labels as {}. Lesson: § ReplicaSets.',
      'ReplicaSets > matchExpressions In and NotIn compare the value with a list; a missing key is NotIn':
        'For each expression, read value = labels[key]. In: defined and values.includes(value). NotIn: undefined, or not included. Every expression must hold. Lesson: § ReplicaSets.',
      'ReplicaSets > matchExpressions Exists and DoesNotExist look at the key alone':
        'Exists: labels[key] !== undefined (an empty string is a value); DoesNotExist: the opposite. No values list is read. Lesson: § ReplicaSets.',
      'ReplicaSets > an empty selector matches every pod, even one without labels':
        'With no matchLabels and no matchExpressions nothing can fail: return true. Use `selector?.matchLabels ?? {}` and `labels ?? {}` so undefined is fine. Lesson: § ReplicaSets.',
      'ReplicaSets > a label selector: every matchLabels pair, and every expression':
        'Check matchLabels pairs first, then each expression: In (present and listed), NotIn (absent or not listed), Exists, DoesNotExist. Lesson: § ReplicaSets.',
      'ReplicaSets > a pod counts while it is neither being deleted nor finished':
        'isActive: no metadata.deletionTimestamp, and status?.phase neither "Succeeded" nor "Failed" (a pod with no status yet counts). Lesson: § ReplicaSets.',
      'ReplicaSets > a pod is ready when its Ready condition is True':
        'isReady: status?.conditions?.some(c => c.type === "Ready" && c.status === "True") ?? false. Lesson: § ReplicaSets.',
      'ReplicaSets > the controller of an object is its ownerReference marked controller: true':
        'controllerOf: metadata.ownerReferences?.find(owner => owner.controller). An object may have several owners but at most one controller. Lesson: § ReplicaSets.',
      "ReplicaSets > a ReplicaSet's selector is spec.selector; a ReplicationController's plain map reads as matchLabels":
        'selectorOf: kind "ReplicationController" has spec.selector as a plain map: wrap it, { matchLabels: selector ?? template labels }. Anything else: spec.selector as it is. Lesson: § ReplicaSets.',
      "ReplicaSets > a ReplicaSet's pods carry a controller ownerReference to it, with its name and uid":
        'ownerReferenceTo: { apiVersion: rs.apiVersion ?? "apps/v1", kind: rs.kind ?? "ReplicaSet", name, uid, controller: true, blockOwnerDeletion: true }. Lesson: § ReplicaSets.',
      "ReplicaSets > a ReplicationController's ownerReference names v1 ReplicationController":
        'Take apiVersion and kind from the owner object itself, not constants: a ReplicationController is v1, kind ReplicationController. Lesson: § ReplicaSets.',
      'ReplicaSets > a pod from the template: generateName "<rs>-", its namespace and labels, owned by it':
        'podFromTemplate: { apiVersion: "v1", kind: "Pod", metadata: { ...template.metadata, generateName: `${name}-`, namespace, ownerReferences: [ownerReferenceTo(rs)] }, spec: template.spec }. Lesson: § ReplicaSets.',
      'ReplicaSets > a pod from the template is a copy: changing the pod leaves the ReplicaSet alone':
        'Spreading copies one level only: labels and containers are still shared. Start from structuredClone(rs.spec.template). Lesson: § ReplicaSets.',
      'ReplicaSets > surplus pods go in order: unscheduled, pending, not ready, then the newest':
        'A comparison that returns the first non-zero difference: scheduled, phase rank, ready, restarts (reversed), creation time (reversed). Lesson: § ReplicaSets.',
      'ReplicaSets > between two ready pods of the same age, the one restarted more often goes first':
        'Sum restartCount over status.containerStatuses; compare b - a (more restarts sorts first), after readiness and before creationTimestamp. Equal pods give 0. Lesson: § ReplicaSets.',
      'ReplicaSets > with nothing expected, a controller may act':
        'Keep a Map from key to { creations, deletions: Set of uids, since }. satisfied(key): no entry, or creations <= 0 and no deletions left. Lesson: § ReplicaSets.',
      'ReplicaSets > expectations: a controller waits until what it asked for has been seen':
        'expectCreations stores the count and since = clock.now(); creationObserved lowers it; satisfied is also true once clock.now() - since > timeoutMs. Lesson: § ReplicaSets.',
      'ReplicaSets > expected deletions count by uid: the deletion of another pod does not count':
        'expectDeletions stores new Set(uids); deletionObserved deletes that uid from the set (an unknown uid changes nothing); a key with no entry stays untouched. Lesson: § ReplicaSets.',
      'ReplicaSets > a new expectation replaces the old one, forget drops it, and keys are apart':
        'expectCreations and expectDeletions set a fresh entry (map.set), they do not add to the old one; forget(key) is map.delete(key). Lesson: § ReplicaSets.',
      'ReplicaSets > a ready pod is available once it has been ready for minReadySeconds':
        "isAvailable: not ready, false; minReadySeconds 0, true; else now - Date.parse(Ready condition's lastTransitionTime) >= minReadySeconds * 1000. Lesson: § ReplicaSets.",
      'ReplicaSets > status counts the pods, the fully labelled, the ready and the available, at the observed generation':
        'replicaSetStatus: replicas = pods.length; fullyLabeledReplicas: pods having every template label (extra labels are fine); readyReplicas; availableReplicas with spec.minReadySeconds ?? 0; observedGeneration = metadata.generation. Lesson: § ReplicaSets.',
      'ReplicaSets > writeStatus writes the counts to the status, and nothing when they have not changed':
        "Compute replicaSetStatus(rs, pods, clock.now()); if every field equals rs.status's, return; else toolkit.updateWithRetry(replicasets client, name, current => { current.status = { ...current.status, ...status } }, { status: true }). Lesson: § ReplicaSets.",
      'ReplicaSets > claiming keeps an owned pod that matches and releases one that no longer does':
        'claimAction: if controllerOf(pod)?.uid is the rs\'s uid, return matchesSelector(selectorOf(rs), labels) ? "keep" : "release". Lesson: § ReplicaSets.',
      'ReplicaSets > claiming adopts an active orphan that matches, and leaves alone what another controls':
        'Only an orphan (no controller at all) that matches, isActive, and whose ReplicaSet has no deletionTimestamp is "adopt"; everything else is "ignore". Lesson: § ReplicaSets.',
      'ReplicaSets > claimPods adopts a matching orphan with a patch that adds its ownerReference':
        'claimPods: for each candidate, claimAction; "adopt": pods.patch(name, { metadata: { uid, ownerReferences: [...existing, ownerReferenceTo(rs)] } }) and push the patched pod; "keep": push it. Lesson: § ReplicaSets.',
      'ReplicaSets > claimPods releases a pod that no longer matches: it keeps running, owned by nobody':
        '"release": patch metadata.ownerReferences to the list without the rs\'s uid (a merge patch replaces the whole list), and do not count the pod; never delete it. Lesson: § ReplicaSets.',
      'ReplicaSets > pods are created in batches of 1, 2, 4, ..., the last one what is left':
        'slowStartBatches: size starts at 1 and doubles; push Math.min(size, left), subtract it, stop when nothing is left. Lesson: § ReplicaSets.',
      'ReplicaSets > createPods makes the pods from the template and expects them until the informer sees them':
        'expectations.expectCreations(key, count) BEFORE the first request, then for each batch Promise.allSettled of size pods.create(podFromTemplate(rs)). Lesson: § ReplicaSets.',
      'ReplicaSets > a batch that fails stops the creating: one request, not one per pod, and nothing left expected':
        "After each batch, if any result is rejected: call creationObserved once per failure and once per pod of the batches not sent, then throw the first failure's reason. Lesson: § ReplicaSets.",
      'ReplicaSets > deletePods deletes the victims and expects their deletions by uid':
        "expectations.expectDeletions(key, victims' uids) first, then delete each by name (Promise.all); a NotFound means it is gone already: deletionObserved(key, uid). Lesson: § ReplicaSets.",
      'ReplicaSets > a deletion that fails counts as seen at once, and its error is thrown for a retry':
        "A delete that fails in any other way will never be seen by the informer: call deletionObserved(key, uid) for it as well, then throw the error so the work queue retries. Otherwise the ReplicaSet waits out the expectations' five minutes. Lesson: § ReplicaSets.",
      "ReplicaSets > a pod's change concerns its controller; an orphan's, every ReplicaSet of its namespace that selects it":
        'replicaSetKeysFor: with a controller, [`${pod namespace}/${owner.name}`] if owner.kind === kind, else []; an orphan: the replicaSets of its namespace whose selectorOf matches, as keys. Lesson: § ReplicaSets.',
      'ReplicaSets > a new ReplicaSet gets its pods: named after it, owned by it, counted in its status':
        'The constructor makes the informers on replicasets and pods; run: createController with reconcile, watch both. reconcile: claimPods, keep isActive, createPods for the missing, then writeStatus. Lesson: § ReplicaSets.',
      'ReplicaSets > a pod that is deleted is replaced':
        "Map pod events to the owner's key (controller.watch(pods, pod => replicaSetKeysFor(...))), and lower expectations in the pod informer's add and delete handlers, or the ReplicaSet waits five minutes. Lesson: § ReplicaSets.",
      'ReplicaSets > scaling down deletes the pod that is not ready first':
        'Too many active pods: sort a copy with deletionOrder, take the first (active - wanted, at most burstReplicas) and deletePods them. Lesson: § ReplicaSets.',
      'ReplicaSets > a matching orphan is adopted instead of a new pod created; a pod relabelled away is released':
        'Claim before counting: reconcile counts only what claimPods returns, so an adopted orphan is one of the replicas, and a released pod is not. Lesson: § ReplicaSets.',
      'ReplicaSets > a ReplicationController, with its plain selector, keeps its pods as a ReplicaSet does':
        "The same loop with options.kind: read replicationcontrollers, use selectorOf (a plain map is matchLabels), and make ownerReferences with the owner's own apiVersion and kind. Lesson: § ReplicaSets.",
      'Endpoints > a targetPort is a number, the name of a container port, or the service port itself':
        "resolveTargetPort: target = targetPort ?? port; a number, or a string of digits (/^\\d+$/), is the port; a name is looked up in every container's ports by name; not found: undefined. Lesson: § Endpoints.",
      "Endpoints > a pod's ports: one for each Service port that resolves on it, with its name and protocol":
        'endpointPorts: for each Service port, resolveTargetPort; skip undefined; push { name only if the Service port has one, port: the number, protocol: port.protocol ?? "TCP" }. Lesson: § Endpoints.',
      "Endpoints > an address: the pod's IP, its node, and a targetRef to the pod":
        'endpointAddress: { ip: status.podIP, nodeName only when spec.nodeName is set, targetRef: { kind: "Pod", namespace, name, uid } }. Lesson: § Endpoints.',
      'Endpoints > ready pods are addresses, others notReadyAddresses; pods whose named port differs get their own subset':
        'Group pods in a Map keyed by JSON.stringify(endpointPorts(...)); push endpointAddress to addresses when isReady, else notReadyAddresses; leave a list out when it stays empty. Lesson: § Endpoints.',
      'Endpoints > pods without an IP, being deleted, or with no port that resolves are left out; addresses sort by IP as numbers':
        'Skip pods without status.podIP, with a deletionTimestamp, or with no endpointPorts. Sort with a.ip.localeCompare(b.ip, "en", { numeric: true }) so .9 comes before .10. Lesson: § Endpoints.',
      "Endpoints > writeEndpoints creates the Endpoints: the Service's name, namespace and labels":
        'GET the Endpoints of the Service\'s name; on NotFound, create { apiVersion: "v1", kind: "Endpoints", metadata: { name, namespace, labels: service labels }, subsets }. Lesson: § Endpoints.',
      'Endpoints > writeEndpoints updates changed subsets, and writes nothing when they are the same':
        'When they exist, compare JSON.stringify(current.subsets ?? []) with JSON.stringify(subsets): equal, return; else update({ ...current, subsets }) (its resourceVersion guards the write). Lesson: § Endpoints.',
      'Endpoints > a Service selects the pods of its namespace that carry its labels; one without a selector, none':
        'selects: false without spec.selector or when namespaces differ; else matchesSelector({ matchLabels: service.spec.selector }, pod.metadata.labels). Lesson: § Endpoints.',
      "Endpoints > a Service's Endpoints list its pods as they start, and follow their readiness":
        'The constructor makes the informers on services and pods; run watches the services, and the pods mapped to the Services that select them; reconcile builds the subsets and calls writeEndpoints. Lesson: § Endpoints.',
      'Endpoints > a Service without a selector keeps the Endpoints written by hand':
        'In reconcile, return before computing anything when the Service has no spec.selector: its Endpoints belong to whoever wrote them. Lesson: § Endpoints.',
      'Endpoints > deleting the Service deletes its Endpoints':
        'reconcile: the informer no longer has the key, so delete the Endpoints of that name in that namespace (split the key on "/"); NotFound is fine. Lesson: § Endpoints.',
      'Garbage collection > an object is orphaning while it is being deleted and still has the finalizer "orphan"':
        'isOrphaning: metadata.deletionTimestamp !== undefined && (metadata.finalizers ?? []).includes("orphan"). Lesson: § Garbage collection.',
      'Garbage collection > an owner exists when a GET finds it with the same uid':
        "ownerExists: resourceForKind(owner.apiVersion, owner.kind) gives the resource; GET owner.name (in the dependent's namespace when namespaced); found: compare uids; NotFound: false. Lesson: § Garbage collection.",
      'Garbage collection > an owner recreated under the same name, with another uid, does not exist':
        'A name is reused; a uid never is. Return found.metadata.uid === owner.uid, not just "the GET worked". Lesson: § Garbage collection.',
      'Garbage collection > an owner of a kind the API server does not serve is taken to exist':
        'When resourceForKind returns nothing, return true before any request: the collector cannot check that owner, and must never delete on a guess. Lesson: § Garbage collection.',
      'Garbage collection > collect deletes a dependent none of whose owners exists, and keeps one with an owner alive':
        'collect: return if no ownerReferences or a deletionTimestamp; return as soon as one ownerExists; else delete with { propagationPolicy: "Background", preconditions: { uid } }. Lesson: § Garbage collection.',
      "Garbage collection > orphanDependents takes the owner's reference off each dependent, then its finalizer off the owner":
        'Patch each dependent\'s metadata.ownerReferences to the list without the owner\'s uid; then updateWithRetry the owner, filtering "orphan" out of its finalizers (return false if it is not there). Lesson: § Garbage collection.',
      'Garbage collection > a dependent with a second owner keeps that reference when the first one orphans it':
        "Filter by uid, do not clear the list: a merge patch replaces ownerReferences whole, so send every reference except the orphaning owner's. Lesson: § Garbage collection.",
      "Garbage collection > deleting an owner deletes its dependents; others' stay":
        "The constructor makes one informer per resource. When an object is deleted, queue what byIndex('ownerUid', its uid) finds in every informer; reconcile finds the object in its informer and calls collect. Lesson: § Garbage collection.",
      'Garbage collection > a dependent whose owner never existed is deleted; one whose owner lives is kept':
        'Queue every object that has ownerReferences when it is added or updated (controller.watch with a mapping that returns "<resource>|<key>" or nothing), not only on an owner\'s deletion. Lesson: § Garbage collection.',
      'Garbage collection > an owner recreated with the same name is not the owner: its uid differs':
        "The old owner's delete event queues its dependents; collect asks ownerExists, which compares uids, so the new ReplicaSet web does not save the old pod. Lesson: § Garbage collection.",
      'Garbage collection > deleting an owner with propagationPolicy Orphan keeps its dependents, without the reference':
        'An owner with a deletionTimestamp and the finalizer "orphan": reconcile calls orphanDependents with the dependents from every informer\'s ownerUid index. Lesson: § Garbage collection.',
      "Node lifecycle > heartbeats: a node is heard when its Lease's renewTime changes, on the controller's clock":
        "Heartbeats: a Map name -> { renewTime, at }. leaseSeen: if an entry exists with the same renewTime, return; else set { renewTime, at: clock.now() }. lastHeard: the entry's at. Lesson: § Node lifecycle.",
      'Node lifecycle > a node with no Lease is heard from when it is first seen, and only then':
        'nodeSeen: set { at: clock.now() } only when the map has no entry for the node; a later Lease (a renewTime different from undefined) is heard. Lesson: § Node lifecycle.',
      'Node lifecycle > a silent node\'s conditions all become Unknown: NodeStatusUnknown, "Kubelet stopped posting node status."':
        'unknownConditions: conditions.map(c => ({ ...c, status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastTransitionTime: rfc3339(now) })). Lesson: § Node lifecycle.',
      'Node lifecycle > one look at a node: mark it when silent, once; clear the taint when heard again':
        'nodeAction: silent = now - (lastHeard ?? now) > gracePeriodMs (strictly more); tainted = a taint with key unreachableTaintKey. silent: tainted ? "none" : "mark"; else tainted ? "clear" : "none". Lesson: § Node lifecycle.',
      'Node lifecycle > markUnreachable makes every condition Unknown and adds the unreachable taint, once':
        'Two writes with toolkit.updateWithRetry: the status (status: true) with unknownConditions, then the spec with the NoExecute taint, timeAdded rfc3339(now); return false when the taint is there already. Lesson: § Node lifecycle.',
      'Node lifecycle > clearUnreachable takes the unreachable taint off, and only that one':
        'updateWithRetry the node: spec.taints filtered to those whose key is not unreachableTaintKey. Lesson: § Node lifecycle.',
      'Node lifecycle > a node whose Lease stops for 50 s becomes Unknown and is tainted unreachable':
        'The constructor makes informers on nodes and kube-node-lease leases; run feeds heartbeats from Lease add/update and node add; after sync, clock.setTimeout(tick, monitorPeriodMs), each tick running monitor() and setting the next. Lesson: § Node lifecycle.',
      'Node lifecycle > when the Lease moves again the taint comes off':
        'The Lease informer\'s update handler must call heartbeats.leaseSeen too, not only add: then nodeAction says "clear" and monitor calls clearUnreachable. Lesson: § Node lifecycle.',
      'Node lifecycle > run resolves once its signal aborts':
        'End run with a promise that resolves on the signal\'s "abort" event, clearing the pending timer; set no new timer once signal.aborted. Lesson: § Node lifecycle.',
      'Taint eviction > only NoExecute taints evict':
        'noExecuteTaints: (node?.spec?.taints ?? []).filter on effect "NoExecute". Lesson: § Taint eviction.',
      'Taint eviction > a toleration tolerates a taint: same effect (or none), same key (or none), then Exists, or Equal with the same value':
        'toleratesTaint: a set effect that differs, or a set key that differs, means false; then Exists means true, and anything else compares value ?? "" with the taint\'s value ?? "". Lesson: § Taint eviction.',
      'Taint eviction > a pod that does not tolerate every NoExecute taint must go at once':
        'secondsToStay: for each taint, find the first toleration that tolerates it; none found: return 0. A tolerationSeconds of 0 or less counts as 0 (Math.max). Lesson: § Taint eviction.',
      'Taint eviction > a pod that tolerates them all stays the smallest tolerationSeconds of the tolerations it uses, or for ever':
        'Start from Infinity and take Math.min with the tolerationSeconds of each toleration used (skip those without). Only the first toleration that fits a taint counts. Lesson: § Taint eviction.',
      'Taint eviction > evict records TaintManagerEviction, marks the pod DisruptionTarget, and deletes it':
        'recordEvent(client, component, { ...pod, apiVersion: "v1", kind: "Pod" }, { type: "Normal", reason: "TaintManagerEviction", message }), then updateWithRetry with status: true adding disruptionTarget(clock.now()), then delete; catch NotFound around both. Lesson: § Taint eviction.',
      'Taint eviction > a NoExecute taint evicts at once the pods that do not tolerate it, and only those':
        'The constructor makes the informers (pods with the nodeName index) and a controller with queue createWorkQueue({ clock }); run watches pods, and nodes mapped to pods.byIndex("nodeName", name) keys when they have NoExecute taints. reconcile: secondsToStay 0 means evict now. Lesson: § Taint eviction.',
      "Taint eviction > a pod that tolerates the taint for 30 s goes 30 s later, on the controller's clock":
        'Keep since in scheduled (set it the first time, keep it after); due = since + seconds * 1000; before due, queue.addAfter(key, due - now) and return; at due, evict and mark the entry evicted. Lesson: § Taint eviction.',
      'Taint eviction > a taint taken off in time cancels the eviction: "Cancelling deletion of Pod"':
        'secondsToStay is Infinity once no NoExecute taint is left: cancel(key, pod) deletes the entry and, when it was not evicted yet, records "Cancelling deletion of Pod <key>". Lesson: § Taint eviction.',
      'Taint eviction > a pod that arrives on a node tainted already is evicted too':
        "The pod informer feeds the queue with the pod's own key (controller.watch(pods)); reconcile reads its node from the node informer by spec.nodeName. Lesson: § Taint eviction.",
      'Namespaces > reconcile of a namespace that is gone deletes every namespaced object left in it':
        'reconcile(name): for each of builtinResources with namespaced true, client.resource(type.resource, name).list(), then delete each item by name (NotFound is fine). Lesson: § Namespaces.',
      'Namespaces > deleting a namespace deletes what was in it, and nothing elsewhere':
        "The constructor makes an informer on namespaces; run: a controller watching it, whose reconcile is reconcile(name): the informer's keys of cluster-scoped objects are their names. Lesson: § Namespaces.",
      'Namespaces > a namespace that still exists is left alone':
        'Start reconcile with: if this.namespaces.get(name) exists, return. Only a namespace gone from the informer is emptied. Lesson: § Namespaces.',
    },
  },
  {
    id: '08',
    slug: 'deployments',
    title: 'Deployments',
    builds:
      'the Deployment controller: one ReplicaSet per pod template, rolling updates within maxSurge and maxUnavailable, Recreate, pause, rollback and revision history',
    stages: [
      {
        title: 'The pod-template-hash and the two bounds',
        from: 'The pod-template-hash > FNV-1a gives the published values: "" is 0x811c9dc5, "a" is 0xe40c292c',
      },
      {
        title: 'One rolling step: grow the new, shrink the old',
        from: 'Rollout arithmetic > the new ReplicaSet grows as far as replicas + maxSurge pods allow, and no further',
        functions: ['podsOf', 'availableOf', 'newReplicaSetReplicas', 'oldReplicaSetsScaleDown'],
      },
      {
        title: 'Shares when scaled; which ReplicaSet is new',
        from: 'Rollout arithmetic > scaled in the middle of a rollout, each ReplicaSet keeps its share of replicas + maxSurge',
        functions: ['proportionalSizes', 'newAndOldReplicaSets'],
      },
      {
        title: 'The ReplicaSet for a template, and its revision',
        from: 'The ReplicaSets of a Deployment > the ReplicaSet for a new template is named after its hash and selects only its own pods',
        functions: ['nextRevision', 'sizeAnnotations', 'newReplicaSetFor', 'withNextRevision'],
      },
      {
        title: 'Sizing, scaling events and history',
        from: 'The ReplicaSets of a Deployment > sizing a ReplicaSet sets its replicas and what it was sized for; nothing to write when it already is so',
        functions: ['sizedReplicaSet', 'isScalingEvent', 'scalingSizes', 'historyToDelete'],
      },
      {
        title: 'Counting pods, and Available',
        from: "Status and conditions > status sums the ReplicaSets' pods; updatedReplicas are the new ReplicaSet's",
        functions: ['countReplicas', 'availableCondition'],
      },
      {
        title: 'The story of a rollout: Progressing',
        from: 'Status and conditions > progress is more updated, ready or available pods, or fewer old ones',
        functions: ['madeProgress', 'progressingCondition'],
      },
      {
        title: 'The progress deadline, and the status to write',
        from: "Status and conditions > a deadline passes progressDeadlineSeconds after the condition's lastUpdateTime",
        functions: ['pastDeadline', 'nextStatus', 'progressCheckDelay'],
      },
      {
        title: 'The controller makes the new ReplicaSet',
        from: "Deployments > a Deployment gets a ReplicaSet named after its template's hash, owned by it, whose pods carry the hash",
        functions: [
          'DeploymentController.run',
          'DeploymentController.reconcile',
          'DeploymentController.rolloutRolling',
          'DeploymentController.newReplicaSet',
        ],
      },
      {
        title: 'A rolling update, with Events and status',
        from: "Deployments > the Deployment's revision annotation follows its new ReplicaSet's",
        functions: [
          'DeploymentController.syncRevisionAnnotation',
          'DeploymentController.scaled',
          'DeploymentController.resize',
          'DeploymentController.cleanUp',
          'DeploymentController.writeStatus',
        ],
      },
      {
        title: 'Recreate, scaling, pause, deadlines, rollbacks and kubectl',
        from: 'Deployments > Recreate: every old pod is gone before the first new one is created',
        functions: [
          'DeploymentController.rolloutRecreate',
          'DeploymentController.scale',
          'DeploymentController.nameTaken',
        ],
      },
    ],
    hints: {
      'The pod-template-hash > FNV-1a gives the published values: "" is 0x811c9dc5, "a" is 0xe40c292c':
        'let hash = 0x811c9dc5; for each byte of new TextEncoder().encode(text): hash ^= byte; hash = Math.imul(hash, 0x01000193) >>> 0. Lesson: § The pod-template-hash.',
      'The pod-template-hash > a template hashes the same every time, whatever order its fields are in':
        'Hash canonicalJson(withoutHash(template)): keys sorted at every level, so field order does not matter. Lesson: § The pod-template-hash.',
      'The pod-template-hash > the hash is spelled in the safe alphabet: no vowels, no 0, 1 or 3':
        '[...String(fnv1a32(text))].map((digit) => alphabet[digit.charCodeAt(0) % 27]).join(""). Lesson: § The pod-template-hash.',
      'The pod-template-hash > another template, or another collision count, gives another hash':
        'Append String(collisionCount) to the canonical text before hashing, but only when it is not 0, so the first hash stays the plain one. Lesson: § The pod-template-hash.',
      "The pod-template-hash > a ReplicaSet's copy, with the hash label, is the same template as its Deployment's":
        'withoutHash: structuredClone, delete labels["pod-template-hash"], and drop labels when it is left empty. Lesson: § The pod-template-hash.',
      'The pod-template-hash > null, {} and [] count as absent, at every depth, as they do in Go':
        'withoutEmptyFields: map lists element by element; for an object, clean each field first, then keep it only when it is not null, undefined, an empty list or an object with no keys (setField, given). semanticTemplate is withoutHash, then that. Lesson: § The pod-template-hash.',
      'The pod-template-hash > a template sent back by kubectl rollout undo (creationTimestamp: null, resources: {}) is the one first stored':
        'Hash canonicalJson(semanticTemplate(template)) instead of withoutHash alone, and compare semanticTemplate(a) with semanticTemplate(b). Lesson: § The pod-template-hash.',
      'Rollout arithmetic > a percentage of replicas: maxSurge rounds up, maxUnavailable rounds down':
        '/^(\\d+)%$/ gives the percentage; percent * total / 100, then Math.ceil for roundUp, Math.floor otherwise. Lesson: § Rollout arithmetic.',
      'Rollout arithmetic > both zero could never progress, so one pod may be unavailable; Recreate takes all down':
        'Recreate first: { maxSurge: 0, maxUnavailable: replicas }. Otherwise resolve both ("25%" when unset) and make maxUnavailable 1 when both are 0. Lesson: § Rollout arithmetic.',
      'Rollout arithmetic > the new ReplicaSet grows as far as replicas + maxSurge pods allow, and no further':
        'room = replicas + maxSurge - sum(podsOf); no room: the current size; else current + min(room, replicas - current). Lesson: § Rollout arithmetic.',
      'Rollout arithmetic > old pods still going count against the bound: status.replicas above spec':
        'podsOf is Math.max(spec.replicas, status.replicas): a ReplicaSet scaled down still has its pods until they are gone. Lesson: § Rollout arithmetic.',
      'Rollout arithmetic > old ReplicaSets shrink as far as replicas - maxUnavailable stay available, oldest first':
        'Two budgets, oldest ReplicaSet first: unavailable old pods (sum of replicas - minAvailable - new ones not available yet), then available ones (sum of availableOf - minAvailable). Lesson: § Rollout arithmetic.',
      'Rollout arithmetic > old pods that are not available go first: losing them costs no capacity':
        'Spend the first budget on replicasOf(rs) - availableOf(rs) of each old ReplicaSet before touching available pods; availableOf never counts more than spec.replicas. Lesson: § Rollout arithmetic.',
      'Rollout arithmetic > scaled in the middle of a rollout, each ReplicaSet keeps its share of replicas + maxSurge':
        'Math.round(size * allowed / current) - size for each, largest first, capped by what is left to add; the remainder to the largest. Lesson: § Rollout arithmetic.',
      'Rollout arithmetic > what rounding leaves over goes to the largest: the newest on a tie when growing, the oldest when shrinking':
        'Sort by replicas, largest first; on a tie, newest first when adding and oldest first when removing (byCreation); give the largest what the shares left over, and return only the sizes that change. Lesson: § Rollout arithmetic.',
      'The ReplicaSets of a Deployment > the new ReplicaSet is the one it controls that runs its template; the others it controls are old':
        "Keep the ReplicaSets whose controllerOf(rs)?.uid is the Deployment's and that have no deletionTimestamp; the new one is the first by byCreation of those with sameTemplate; the rest, in the order given, are old. Lesson: § The ReplicaSets of a Deployment.",
      'The ReplicaSets of a Deployment > the ReplicaSet for a new template is named after its hash and selects only its own pods':
        "hash = podTemplateHash(template, status.collisionCount ?? 0); copy the template and selector (structuredClone) and add pod-template-hash to the template labels, the selector's matchLabels and the ReplicaSet's own labels. Lesson: § The ReplicaSets of a Deployment.",
      "The ReplicaSets of a Deployment > it is controlled by the Deployment, and carries the Deployment's annotations (not the rollout's), the next revision and what it was sized for":
        "ownerReferences: one, controller and blockOwnerDeletion true; annotations: the Deployment's filtered by rolloutAnnotations, then revision = nextRevision(oldRSs), then sizeAnnotations. Lesson: § The ReplicaSets of a Deployment.",
      'The ReplicaSets of a Deployment > it starts as large as maxSurge allows beside the old pods':
        'spec.replicas = newReplicaSetReplicas(deployment, oldRSs, undefined): all replicas for the first one, what the surge leaves beside old pods otherwise. Lesson: § The ReplicaSets of a Deployment.',
      'The ReplicaSets of a Deployment > an old template that comes back (a rollback) gets the next revision; the newest keeps its own':
        "revision = nextRevision(oldRSs); if revisionOf(newRS) >= revision there is nothing to write; else a structuredClone with that revision and the Deployment's own annotations. Lesson: § The ReplicaSets of a Deployment.",
      'The ReplicaSets of a Deployment > sizing a ReplicaSet sets its replicas and what it was sized for; nothing to write when it already is so':
        "Compare size with replicasOf(rs) and every sizeAnnotations(deployment) entry with the ReplicaSet's annotations; only when one differs, return a structuredClone with both set. Lesson: § The ReplicaSets of a Deployment.",
      'The ReplicaSets of a Deployment > a ReplicaSet running pods that was sized for other replicas means the Deployment was scaled':
        'Some ReplicaSet with replicasOf(rs) > 0 whose desired-replicas annotation exists and is not String(spec.replicas). Lesson: § The ReplicaSets of a Deployment.',
      'The ReplicaSets of a Deployment > scaled with one ReplicaSet running, that one takes all replicas; once the new one is saturated, old ones go to 0':
        'active = the ReplicaSets with replicasOf > 0, new one first. At most one: (active[0] ?? newRS) gets replicas. New one at replicas with all available: every old one 0. Lesson: § The ReplicaSets of a Deployment.',
      'The ReplicaSets of a Deployment > scaled with several running, each keeps its share; every running ReplicaSet is written':
        'Otherwise take proportionalSizes(deployment, active), then add every active ReplicaSet it left out at its current size, so its annotations get rewritten. Lesson: § The ReplicaSets of a Deployment.',
      'The ReplicaSets of a Deployment > history keeps the newest revisionHistoryLimit idle old ReplicaSets and gives up the rest, lowest revision first':
        'Idle: replicasOf 0 and status.replicas 0. Sort them by revisionOf, then slice(0, Math.max(0, idle.length - limit)) with limit revisionHistoryLimit ?? 10. Lesson: § The ReplicaSets of a Deployment.',
      "Status and conditions > status sums the ReplicaSets' pods; updatedReplicas are the new ReplicaSet's":
        'Sum status.replicas, readyReplicas and availableReplicas over [newRS, ...oldRSs]; updatedReplicas is newRS.status.replicas; unavailableReplicas is the sum of replicasOf less the available ones. Lesson: § Status and conditions.',
      'Status and conditions > zeros are left out, and unavailableReplicas never goes below 0':
        'Math.max(0, ...) for unavailableReplicas; then Object.fromEntries of the entries whose value is neither 0 nor undefined. Lesson: § Status and conditions.',
      'Status and conditions > Available is True while at least replicas - maxUnavailable pods are available':
        "Compare status.availableReplicas ?? 0 with replicas - resolveFenceposts(deployment).maxUnavailable; the reasons and messages are Kubernetes' own, copy them from the doc comment. Lesson: § Status and conditions.",
      'Status and conditions > progress is more updated, ready or available pods, or fewer old ones':
        'Old pods are replicas - updatedReplicas: a new pod that disappears lowers both, which is no progress. Missing counters are 0. Lesson: § Status and conditions.',
      'Status and conditions > paused, Progressing is Unknown DeploymentPaused; resumed, DeploymentResumed':
        'Find the current Progressing condition in deployment.status.conditions; check spec.paused first, then a current reason DeploymentPaused, before anything else. Lesson: § Status and conditions.',
      'Status and conditions > a rollout says NewReplicaSetCreated, then ReplicaSetUpdated at each step, then NewReplicaSetAvailable, and stays so':
        'In this order: finished and nothing new (current NewReplicaSetAvailable, replicas === updatedReplicas, not created): undefined; rolloutComplete; created; madeProgress against deployment.status. Lesson: § Status and conditions.',
      'Status and conditions > a new ReplicaSet found with no Progressing condition yet: FoundNewReplicaSet':
        'After the progress check: no current condition and a newRS name gives FoundNewReplicaSet. It comes before the deadline check, which needs a condition to count from. Lesson: § Status and conditions.',
      "Status and conditions > a deadline passes progressDeadlineSeconds after the condition's lastUpdateTime":
        'Date.parse(condition.lastUpdateTime) + (progressDeadlineSeconds ?? 600) * 1000 <= now; no condition: false. Lesson: § Status and conditions.',
      "Status and conditions > a deadline never counts from a finished rollout's NewReplicaSetAvailable; a timeout is said once":
        "pastDeadline: NewReplicaSetAvailable gives false (that time is the last rollout's), ProgressDeadlineExceeded gives true; progressingCondition asks pastDeadline last. Lesson: § Status and conditions.",
      'Status and conditions > nextStatus: the counters, Available and Progressing set with their times':
        'conditions = [...(deployment.status?.conditions ?? [])]; setCondition(conditions, availableCondition(...), rfc3339(now)), then the Progressing one if progressingCondition gives one; return { ...countReplicas(...), conditions }. Lesson: § Status and conditions.',
      'Status and conditions > a rollout under way is looked at again a second after its deadline; a finished, failed or paused one is not':
        'Math.max(1, lastUpdateTime + deadline - now + 1000) for a Progressing condition that is not False, NewReplicaSetAvailable or DeploymentPaused; undefined otherwise. Lesson: § Status and conditions.',
      "Deployments > a Deployment gets a ReplicaSet named after its template's hash, owned by it, whose pods carry the hash":
        'The constructor makes the informers and the controller, as in chapter 07; run watches through the controller; reconcile: newAndOldReplicaSets of the ownerUid index, then rolloutRolling, whose newReplicaSet creates newReplicaSetFor(deployment, oldRSs) when none was found. Lesson: § Deployments.',
      'Deployments > two Deployments side by side: each counts only its own ReplicaSets (the first of each is revision 1)':
        "Take the ReplicaSets from the replicasets informer's ownerUid index with the Deployment's uid, not the whole list: another Deployment's ReplicaSet is not an old one of yours. Lesson: § Deployments.",
      'Deployments > a Deployment in another namespace gets its ReplicaSet in that namespace':
        'Informers watch every namespace; write with client.resource("replicasets", deployment.metadata.namespace), and a ReplicaSet\'s key is "<its namespace>/<owner name>". Lesson: § Deployments.',
      'Deployments > its ReplicaSet deleted by hand is made again':
        "Watch the replicasets informer with a keysFor mapping each ReplicaSet to its controller Deployment's key (kind Deployment): a delete event then reconciles the Deployment, which finds no ReplicaSet and creates one. Lesson: § Deployments.",
      'Deployments > a new template gets a second ReplicaSet, at revision 2, beside the first':
        'No ReplicaSet runs the new template, so newReplicaSet creates one; newReplicaSetFor(deployment, oldRSs) gives it revision 2 and what the surge allows beside the old pods. Lesson: § Deployments.',
      "Deployments > the Deployment's revision annotation follows its new ReplicaSet's":
        'syncRevisionAnnotation after creating (and after finding) the new ReplicaSet: a merge patch { metadata: { annotations: { [revisionAnnotation]: revision } } } when they differ. Lesson: § Deployments.',
      'Deployments > each size given to a ReplicaSet is a ScalingReplicaSet Event on the Deployment':
        'scaled(): recordEvent(client, "deployment-controller", deployment, { type: "Normal", reason: "ScalingReplicaSet", message }). Call it on create (0 to its replicas) and in resize when a size changed. Lesson: § Deployments.',
      'Deployments > status counts the pods, with Available and Progressing (NewReplicaSetAvailable) once all are up':
        'resize (even with no size to write) and writeStatus: nextStatus, written with updateWithRetry on the status subresource when it differs from the cached status. Lesson: § Deployments.',
      'Deployments > a rolling update never exceeds replicas + maxSurge pods nor drops below replicas - maxUnavailable ready':
        'Scale the new ReplicaSet up by newReplicaSetReplicas; only when that changes nothing, scale old ones down by oldReplicaSetsScaleDown. Write each with update() on the object you read, so a stale cache gets a Conflict. Lesson: § Deployments.',
      'Deployments > Recreate: every old pod is gone before the first new one is created':
        'Old ReplicaSets to 0 first; then look for their pods (pods informer, ownerUid index) and create the new ReplicaSet only when none is left. The pods informer must map pods to Recreate Deployments, or nothing wakes you when they go. Lesson: § Deployments.',
      'Deployments > scaled in the middle of a rollout, both ReplicaSets grow in proportion':
        "reconcile: isScalingEvent over all the Deployment's ReplicaSets means scale(): resize by scalingSizes, no rollout step, then writeStatus. Lesson: § Deployments.",
      'Deployments > a rollout whose pods never become ready passes its progress deadline: Progressing False':
        'writeStatus: queue.addAfter(key, progressCheckDelay(...)) so the key comes back when the deadline passes; nextStatus then says ProgressDeadlineExceeded. Lesson: § Deployments.',
      'Deployments > paused: a new template waits; resumed, it rolls out':
        'spec.paused: scale() (size, but never create a ReplicaSet or roll, and no cleanUp); Progressing Unknown DeploymentPaused. Lesson: § Deployments.',
      "Deployments > undo to a revision: that ReplicaSet's template comes back, as the newest revision":
        "After undo the Deployment's template matches an old ReplicaSet: that one is found as the new one. Write withNextRevision's copy, and follow it with the Deployment's annotation. Lesson: § Deployments.",
      'Deployments > old ReplicaSets beyond revisionHistoryLimit are deleted, oldest first':
        'When a rolling step has nothing to size and every old ReplicaSet is at 0, cleanUp deletes historyToDelete(deployment, olds); one already gone (NotFound) is fine. Lesson: § Deployments.',
      'Deployments > a name taken by another template: collisionCount counts up, and the ReplicaSet gets the next name':
        'create() answers AlreadyExists: nameTaken reads that ReplicaSet; not yours (controller uid, sameTemplate): write status.collisionCount + 1 and throw, so the retry hashes to another name. Lesson: § Deployments.',
      'Rollouts with kubectl > kubectl create deployment, then rollout status waits for it':
        'kubectl rollout status reads observedGeneration, updatedReplicas, replicas and availableReplicas: write all of them. Lesson: § Rollouts with kubectl.',
      'Rollouts with kubectl > kubectl set image starts a rollout; rollout history lists both revisions':
        'rollout history lists the ReplicaSets the Deployment controls, by their revision annotation: revision 1 kept at 0 replicas, revision 2 running. Lesson: § Rollouts with kubectl.',
      'Rollouts with kubectl > kubectl rollout undo --to-revision=1 puts the first template back, on its first ReplicaSet':
        "kubectl finds the ReplicaSets by selector and keeps those whose controller ownerReference uid is the Deployment's, then reads their revision annotations; it sends the old template back with creationTimestamp: null and resources: {}, which sameTemplate must see as the same. Lesson: § Rollouts with kubectl.",
      'Rollouts with kubectl > kubectl rollout pause, scale and resume':
        'Paused, kubectl scale is a scaling event (scale(), no rollout); resumed, the Progressing reason goes DeploymentPaused, DeploymentResumed, and the rollout completes. Lesson: § Rollouts with kubectl.',
    },
  },
  {
    id: '09',
    slug: 'services',
    title: 'Services and kube-proxy',
    builds:
      'ClusterIP and NodePort allocation, and kube-proxy in userspace mode: real TCP listeners on Service addresses, each connection piped to a ready pod',
    stages: [
      {
        title: 'Port ranges, Service kinds and the search for a free slot',
        from: 'Allocation > a port range reads as first-last',
        functions: [
          'parsePortRange',
          'wantsClusterIp',
          'wantsNodePorts',
          'findFree',
          'invalidService',
        ],
      },
      {
        title: 'ClusterIPs from the range',
        from: 'Allocation > a Service that gets no node ports may not name one; nodePort 0 means none',
        functions: [
          'forbidNodePorts',
          'ServiceAllocator.kubernetesIp',
          'ServiceAllocator.isIpAllocated',
          'ServiceAllocator.assignIp',
          'ServiceAllocator.onCreate',
        ],
      },
      {
        title: 'Asking for a ClusterIP, and giving it back',
        from: 'Allocation > a requested free ClusterIP is honoured',
        functions: ['requestedIpError', 'ServiceAllocator.onDelete'],
      },
      {
        title: 'Node ports',
        from: 'Allocation > a NodePort Service gets a port from 30000-32767 for each of its ports',
        functions: ['ServiceAllocator.assignPorts', 'ServiceAllocator.isPortAllocated'],
      },
      {
        title: 'Updates, and an allocator rebuilt after a restart',
        from: 'Allocation > an update keeps the ClusterIP, which may not change once set',
        functions: ['ServiceAllocator.onUpdate', 'ServiceAllocator.rebuild'],
      },
      {
        title: 'Which addresses to serve, and which endpoint to pick',
        from: "The proxy > a port's ready endpoints are the subsets' addresses, with the port of the same name",
        functions: ['listenAddress', 'readyEndpoints', 'serviceListeners', 'pickEndpoint'],
      },
      {
        title: 'Listening on an address',
        from: 'The proxy > listenTcp listens on the address and hands each connection over paused, half-open allowed',
        functions: ['listenTcp'],
      },
      {
        title: 'Piping bytes both ways',
        from: 'The proxy > pipe carries bytes both ways',
        functions: ['pipe'],
      },
      {
        title: 'Listeners that follow the Services',
        from: 'The proxy > the proxy listens on the ClusterIP port of each Service',
        functions: ['Proxy.run', 'Proxy.sync', 'Proxy.listening', 'Proxy.servedByPeer'],
      },
      {
        title: 'Connections carried to the pods',
        from: 'The proxy > two proxies on one host: a peer serving an address counts as served; the other takes over later',
        functions: ['Proxy.accept', 'Proxy.openSockets', 'Proxy.close'],
      },
    ],
    hints: {
      'Allocation > a port range reads as first-last':
        'A regular expression /^(\\d+)-(\\d+)$/, then check 1 <= first <= last <= 65535; anything else throws an Error starting "invalid port range". Lesson: § Allocation.',
      'Allocation > headless and ExternalName Services get no ClusterIP; NodePort and LoadBalancer ones get node ports':
        "wantsClusterIp: type not ExternalName and clusterIP not 'None' (the constant `headless`). wantsNodePorts: type NodePort or LoadBalancer; no type means ClusterIP. Lesson: § Allocation.",
      'Allocation > findFree starts at a random offset and wraps around to the first free one':
        'count = to - from + 1; start = Math.floor(random() * count); try from + ((start + i) % count) for i = 0 .. count - 1. Lesson: § Allocation.',
      'Allocation > findFree answers undefined when every offset is taken':
        'After trying all count offsets, return undefined; a count of 0 or less is an empty range: undefined at once. Lesson: § Allocation.',
      'Allocation > a 422 Invalid names the Service, each field and its message, with one cause each':
        'new ApiError(422, \'Invalid\', message, { name, kind: \'Service\', causes }) from harness/api/errors.ts; the message joins "field: message" lines, wrapped in [ ] and joined by ", " when there are several. Lesson: § Allocation.',
      'Allocation > a Service that gets no node ports may not name one; nodePort 0 means none':
        'Walk spec.ports with their index: a nodePort other than undefined or 0 is a FieldValueForbidden error on spec.ports[i].nodePort; delete nodePort from every port; throw invalidService if any. Lesson: § Allocation.',
      'Allocation > a Service gets a ClusterIP from the range, in spec.clusterIP and spec.clusterIPs':
        'Keep taken addresses as numbers in a Set (parseIp from harness/network.ts). onCreate works on structuredClone(service); assignIp picks an offset with findFree and writes formatIp(base + offset) into both fields. Lesson: § Allocation.',
      'Allocation > the search starts at a random place in the range':
        'The candidates are offsets 2 .. cidrSize - 2 (not the network address, not the kubernetes one, not the last): findFree(2, size - 2, ...) with the random source of the options. Lesson: § Allocation.',
      "Allocation > the first address is never handed out: it is the kubernetes Service's":
        "kubernetesIp is formatIp(base + 1). When findFree finds nothing, throw new ApiError(500, 'InternalError', 'range is full: no ClusterIP left to allocate'). Lesson: § Allocation.",
      'Allocation > clusterIP None is a headless Service: nothing is allocated':
        "In onCreate, only a Service that wantsClusterIp gets assignIp; a headless one gets clusterIPs ['None'], an ExternalName one nothing at all. Lesson: § Allocation.",
      'Allocation > a requested free ClusterIP is honoured':
        'assignIp: the request is spec.clusterIP, or else spec.clusterIPs[0]. When requestedIpError answers undefined, mark parseIp(requested) taken, even the kubernetes address. Lesson: § Allocation.',
      "Allocation > a ClusterIP already taken is 422 Invalid on spec.clusterIPs, in Kubernetes' words":
        'requestedIpError: invalidService with one FieldValueInvalid error on spec.clusterIPs; Go prints the value as []string{"ip"} (JSON.stringify each string). Lesson: § Allocation.',
      'Allocation > a ClusterIP outside the range is 422 Invalid, naming the range':
        'cidrContains(range, requested) false: the same 422, saying the IP is not in the valid range and naming the range with formatCidr. Lesson: § Allocation.',
      'Allocation > a ClusterIP that is not an IP at all is 422 Invalid on spec.clusterIPs[0]':
        'parseIp throws on "banana": catch it first, and answer a 422 on spec.clusterIPs[0] whose value is the plain quoted string, not []string{...}. Lesson: § Allocation.',
      'Allocation > deleting a Service frees its ClusterIP for the next one to ask':
        'onDelete: if the Service wanted a ClusterIP and has one, delete parseIp(clusterIP) from the taken set. Lesson: § Allocation.',
      'Allocation > a NodePort Service gets a port from 30000-32767 for each of its ports':
        'assignPorts: for each port without a nodePort, findFree(0, last - first, ...) over the port range; mark first + offset taken and write it into the port. Lesson: § Allocation.',
      'Allocation > a requested free nodePort is honoured; a taken one is 422 naming spec.ports[i].nodePort':
        "A port that names a nodePort: check the range first, then whether it is taken; the 422 names the field with the port's index, spec.ports[i].nodePort. Lesson: § Allocation.",
      'Allocation > a nodePort outside the range is 422, naming the range':
        'Out of range: "Invalid value: <port>: provided port is not in the valid range. The range of valid ports is <first>-<last>". Lesson: § Allocation.',
      'Allocation > a failed create keeps nothing it allocated on the way':
        'Every allocation pushes an undo function onto the list onCreate passes down; on any error onCreate runs them all before rethrowing. Lesson: § Allocation.',
      'Allocation > deleting a NodePort Service frees its node ports':
        'onDelete: for a Service that wantsNodePorts, delete every port.nodePort from the taken ports. Lesson: § Allocation.',
      'Allocation > an update keeps the ClusterIP, which may not change once set':
        'onUpdate: when the old Service had a ClusterIP, copy it into the result; a different spec.clusterIP asked for is a 422 on spec.clusterIPs[0], "may not change once set". Lesson: § Allocation.',
      'Allocation > changing type to NodePort allocates node ports; back to ClusterIP releases them':
        'onUpdate: keep the old nodePort of a port with the same number when none is asked for; release old ports the new object does not keep. Lesson: § Allocation.',
      'Allocation > changing to ExternalName releases the ClusterIP; leaving it allocates one':
        'A Service that no longer wantsClusterIp gives its old address back, but only after everything else succeeded; one that had none gets assignIp. Lesson: § Allocation.',
      'Allocation > a failed update changes nothing':
        'Use the same undo list as onCreate, and release old addresses and ports only once nothing can fail any more. Lesson: § Allocation.',
      'Allocation > rebuilt from the Services that exist, it never hands out an address twice':
        'rebuild clears both sets, then adds every ClusterIP (not None, inside the range) and every in-range nodePort of NodePort Services. Lesson: § Allocation.',
      'Allocation > plugged into the API server: Services get addresses, and the kubernetes Service the first':
        'Nothing new to write: the API server calls onCreate, onUpdate, onDelete and rebuild. If this fails alone, compare the ClusterIP range and what kubernetesIp answers. Lesson: § Allocation.',
      "The proxy > a port's ready endpoints are the subsets' addresses, with the port of the same name":
        "For each subset, find the port whose name equals the Service port's name ('' when missing); then every address of the subset with that port, as listenAddress(ip, port). Lesson: § The proxy.",
      'The proxy > no Endpoints, or no port of that name in them, means no endpoints':
        'Guard every optional list with ?? []: no Endpoints, no subsets, no ports, no addresses. A subset without a matching port contributes nothing. Lesson: § The proxy.',
      'The proxy > a Service is served on its ClusterIP, once per TCP port':
        'A Map from listenAddress(clusterIP, port.port) to the port, for every port whose protocol is TCP (the default); a Map keeps insertion order. Lesson: § The proxy.',
      "The proxy > a NodePort Service is also served on the node's IP and its nodePort, when the proxy knows that IP":
        'Add listenAddress(nodeIp, port.nodePort) only when nodeIp is given, the port has a nodePort, and the type is NodePort or LoadBalancer. Lesson: § The proxy.',
      'The proxy > headless and ExternalName Services get no listener':
        "ExternalName: return the empty Map at once. A clusterIP of 'None' (or none) gets no ClusterIP listener. Lesson: § The proxy.",
      'The proxy > a connection goes to a random endpoint, or to the one its client had while it stays ready':
        'If remembered is among the candidates, return it; otherwise candidates[Math.floor(random() * candidates.length)]. Lesson: § The proxy.',
      'The proxy > listenTcp listens on the address and hands each connection over paused, half-open allowed':
        "createServer({ allowHalfOpen: true, pauseOnConnect: true }, onConnection), then wrap server.listen(port, host) in a Promise that resolves on listening and rejects on 'error'. Split the address at its last colon. Lesson: § The proxy.",
      'The proxy > an address already listened on answers null: a peer proxy serves it':
        "Catch the listen's error: code EADDRINUSE resolves null instead of rejecting. Lesson: § The proxy.",
      'The proxy > an address on no interface cannot be listened on':
        'Any other error is rethrown as it is (EADDRNOTAVAIL here); only EACCES below port 1024 gets a message of its own. Lesson: § The proxy.',
      'The proxy > pipe carries bytes both ways':
        "Forward each direction on its own: from.on('data', chunk => to.write(chunk)); then the same from the other side. Lesson: § The proxy.",
      "The proxy > half-close: a side that ends its writing ends the other's, and the answer still comes back":
        "from.once('end', () => to.end()) in each direction. Both sockets allow half-open, so ending one direction leaves the other open. Lesson: § The proxy.",
      'The proxy > a side reset by its peer takes the other down too':
        "On 'error' on either socket, destroy both; on 'close' of one, end the other and destroy it once its writes are flushed (end's callback). Lesson: § The proxy.",
      'The proxy > a large transfer arrives whole':
        "Respect back-pressure: when to.write returns false, pause `from` until `to` emits 'drain'. Lesson: § The proxy.",
      'The proxy > the proxy listens on the ClusterIP port of each Service':
        "Constructor: informers on services and endpoints. run: a controller whose reconcile is sync, watching both informers (an Endpoints has its Service's key). sync: listenTcp each address of serviceListeners, keep the servers in a Map by address. Lesson: § The proxy.",
      'The proxy > a NodePort Service is listened on at the node IP and its nodePort':
        'Pass options.nodeIp to serviceListeners; listening() answers the addresses whose server is not null. Lesson: § The proxy.',
      'The proxy > a proxy that does not know its node IP serves a NodePort Service on its ClusterIP only':
        'Pass options.nodeIp as it is to serviceListeners: without it, no node port address is wanted, so sync opens none. Lesson: § The proxy.',
      'The proxy > listeners follow a Service created, updated and deleted':
        'In sync, first close (server.close) the listeners of this key whose address is no longer wanted, or all of them when the Service is gone from the informer. Lesson: § The proxy.',
      "The proxy > an address that cannot be listened on does not keep the Service's others away":
        "In sync, catch each listen's error, forget that listener, go on with the next; throw one Error joining the messages after the loop, and the controller retries the key. Lesson: § The proxy.",
      'The proxy > two proxies on one host: a peer serving an address counts as served; the other takes over later':
        'Keep an entry with server null when listenTcp answers null (servedByPeer lists them), and try again at the next sync. close() closes every server and destroys every socket; run calls it when the signal aborts. Lesson: § The proxy.',
      'The proxy > a connection to the ClusterIP reaches the pod behind it':
        'accept: readyEndpoints from the Endpoints informer, pickEndpoint, createConnection({ host, port, allowHalfOpen: true }); on connect, pipe and resume the client (it was handed over paused). Lesson: § The proxy.',
      'The proxy > a NodePort Service answers on the node IP and its nodePort':
        "sync hands every listener's connections to accept with the Service's key and port, whichever address they arrived on. Lesson: § The proxy.",
      'The proxy > 300 connections spread over 3 endpoints, each getting 20% to 47%':
        'Read the ready endpoints from the Endpoints informer at each new connection and pick with the random source, not round robin from a fixed start. Lesson: § The proxy.',
      'The proxy > sessionAffinity ClientIP keeps each client on one endpoint':
        'With sessionAffinity ClientIP, remember the endpoint under "serviceKey|portName|client.remoteAddress" once connected, and pass it to pickEndpoint next time. Lesson: § The proxy.',
      'The proxy > an endpoint that refuses the connection is skipped for another':
        "An 'error' before 'connect' is a refused connection: destroy that socket and try again with the other candidates; none left, destroy the client. Lesson: § The proxy.",
      'The proxy > an endpoint removed from Endpoints gets no new connections':
        'Never cache the endpoints in the listener: ask the Endpoints informer at every accept. Lesson: § The proxy.',
      'The proxy > half-close: a client that ends its side still gets the whole answer':
        'Both sockets need allowHalfOpen: the server (listenTcp) and the connection to the pod (createConnection). Lesson: § The proxy.',
      'The proxy > no sockets are left open once the clients are done, and close() stops everything':
        'Track every socket in a Set, removed on close; when one side closes, end the other, then destroy it once its writes are flushed. Lesson: § The proxy.',
    },
  },
];

/**
 * The components of a cluster, each a `kata run` program (harness/components/<kind>.ts), in the
 * order `kata up` starts them: the store, the API server, the control loops, then per node a
 * kubelet and a kube-proxy.
 */
export const componentKinds = [
  'store',
  'apiserver',
  'controller-manager',
  'scheduler',
  'kubelet',
  'proxy',
] as const;

export type ComponentKind = (typeof componentKinds)[number];

/**
 * The chapters whose code each component runs: the one component → chapter map, which `kata run`,
 * `kata up`'s banner and `kata components` read. Chapter 04, the controller toolkit, runs inside
 * every component that talks to the API server and is listed for none.
 */
export const componentChapters: Record<ComponentKind, readonly string[]> = {
  store: ['01', '02'],
  apiserver: ['03a', '03b', '09'],
  'controller-manager': ['07', '08'],
  scheduler: ['05'],
  kubelet: ['06'],
  proxy: ['09'],
};

/** The components in course order: first the one whose chapter comes first. */
export function componentsInCourseOrder(): ComponentKind[] {
  const kinds = course.flatMap((chapter) =>
    componentKinds.filter((kind) => componentChapters[kind].includes(chapter.id)),
  );
  return [...new Set(kinds)];
}

export function folderOf(chapter: Chapter): string {
  return `${chapter.id}-${chapter.slug}`;
}

/** Finds a chapter by id ("01", "1"), folder ("01-store") or slug ("store"). */
export function findChapter(name: string): Chapter | undefined {
  const wanted = name.toLowerCase();
  return course.find(
    (chapter) =>
      chapter.id === wanted ||
      chapter.id === wanted.padStart(2, '0') ||
      chapter.slug === wanted ||
      folderOf(chapter) === wanted,
  );
}
