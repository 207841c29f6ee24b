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
   * long each takes is computed from the work behind it (harness/kata/course-time.ts), never typed.
   */
  stages: Stage[];
  /** The `kata run` component this chapter provides, if it provides one. */
  component?: string;
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
        title: 'Compares and compare-and-swap',
        from: 'Transactions > when a compare fails, the failure operations run instead',
        functions: ['compareKeyValue'],
      },
      {
        title: 'What a watcher hears of a change',
        from: "Watches > the events a watcher hears of a change are those on its keys, in the change's order",
        functions: ['watchedEvents'],
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
        from: 'The wire format > input may use the proto names or their lowerCamel JSON names',
        functions: ['decode'],
      },
      {
        title: 'Routing, and the header every answer carries',
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
        from: 'The client > a watch hands over each revision once, in order, history first',
        functions: [
          'HttpStoreClient.watch',
          'ResumingWatch',
          'ResumingWatch.cancel',
          'ResumingWatch.connect',
          'ResumingWatch.receive',
          'ResumingWatch.end',
        ],
      },
      {
        title: 'Watches that resume',
        from: 'The client > after a dropped connection the watch resumes where it stopped: nothing lost, nothing twice',
        functions: ['ResumingWatch.lost'],
      },
      {
        title: 'The same answers as etcd, and a store that survives a crash',
        from: 'Conformance with etcd > health and version',
      },
    ],
    component: 'store',
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
    stages: [],
    component: 'apiserver',
    hints: {
      'Resources and paths > a core collection in a namespace: /api/v1/namespaces/<ns>/<resource>':
        'Split the path on "/", read the group and version (/api/v1 or /apis/<group>/<version>), then find the resource in `resources` by group, version and plural name. Lesson: § Resources and paths.',
      'Resources and paths > namespaces are a resource too: /api/v1/namespaces/<name> is the namespace object':
        'namespaces/<x>/<y> is "inside namespace x" only when y is a namespaced resource; otherwise x is the name of a namespace object and y a subresource. Lesson: § Resources and paths.',
      'Resources and paths > a collection is a key prefix that ends in a slash, so "dev" does not match "dev2"':
        'collectionKey ends in "/", and storageKey is collectionKey plus the name. Lesson: § Resources and paths.',
      'Status errors > NotFound is a 404 Status naming the resource and the object':
        'Return `new ApiError(404, "NotFound", message, details)`; its status() builds the Status. Leave `group` out of details for the core group. Lesson: § Status errors.',
      'Status errors > several field errors are listed in brackets, each with its value and why':
        'Each error reads "<field>: <body>"; the value is JSON.stringify-ed; one error stands alone, several go in [..., ...]. Lesson: § Status errors.',
      'Objects in the store > a limit reads one page, with a continue token and the count of what remains':
        "Pass page.limit to the range. When it answers more: encodeContinue({ rv: the revision, start: the last key after the prefix + '\\\\0' }) and remainingItemCount = count - kvs.length. Lesson: § Objects in the store.",
      "Objects in the store > every page is read at the first page's revision, whatever is written in between":
        "decodeContinue(page.continue) gives { rv, start }: range from prefix + start, with revision: rv, and answer rv as the list's revision. Lesson: § Objects in the store.",
      'Objects in the store > a continue token whose revision was compacted is 410 Expired; a made-up one is 400':
        "decodeContinue throws the 400 itself; a StoreError whose message says compacted becomes an ApiError(410, 'Expired', ...). Lesson: § Objects in the store.",
      'Create, get and list > ?limit pages a list: metadata.continue fetches the next page, until none is left':
        "Read limit and continue from the query, pass them to storage.list, and copy continue and remainingItemCount into the List's metadata when there is a next page. A limit that is not a non-negative integer is a 400. Lesson: § Create, get and list.",
      'Update and delete > DELETE on a collection deletes every object in it and answers the List of them':
        'DELETE without a name: list the collection, keep what the selectors choose, delete each one, and answer a <Kind>List of the deleted objects. Lesson: § Update and delete.',
      'Watch > every compaction interval, the server forgets history older than one interval':
        "Set a timer of compactionIntervalMs on options.timers: each time, compact the store to the revision noted last time (if any), note the current revision (a range's header), and set the timer again. Lesson: § Watch.",
      "Create, get and list > kubectl's Accept asks for a Table: the columns to print, and a row per object":
        "On a GET that is not a watch, check wantsTable(request.get('accept')); if so, answer toTable(resource, objects, { now, includeObject, listMeta }) from harness/api/tables.ts instead of the object or the list. Lesson: § Create, get and list.",
      'Update and delete > DELETE of a pod on a node marks it for its grace period; a second one with no grace removes it':
        'For a pod with spec.nodeName that has not finished, and a grace above 0, do not delete: storage.update it with metadata.deletionTimestamp (now + grace) and deletionGracePeriodSeconds, and answer it. Lesson: § Update and delete.',
      'Collaborators > a ServiceAllocator gives each Service its address before it is stored, and takes it back on delete':
        'At start: rebuild from the stored Services, then create default/kubernetes through onCreate. In create, pass a Service through onCreate before storage.create; in delete, tell onDelete. Lesson: \u00a7 Collaborators.',
      'Update and delete > DELETE with propagationPolicy Orphan marks the object with the finalizer orphan; taking the last finalizer off removes it':
        'In DELETE, propagationPolicy Orphan: storage.update the object with the finalizer "orphan" and a deletionTimestamp instead of deleting it. In update and patch: when the object had finalizers and has none now, with a deletionTimestamp, delete it. Lesson: \u00a7 Update and delete.',
      'Objects in the store > create stores the object as JSON at its key':
        'One txn: compare CREATE = 0 on the key (it does not exist), then put the JSON. A failed compare means the name is taken. Lesson: § Objects in the store.',
      "Objects in the store > the resourceVersion is the key's modRevision, and is not stored in the value":
        'Strip metadata.resourceVersion before you store; set it from the modRevision (or the txn header revision) when you read or write. Lesson: § Objects in the store.',
      'Objects in the store > an update without a resourceVersion is tried again when someone wrote in between':
        'Loop: read, call tryUpdate, txn with a compare on the modRevision you read; when the compare fails, read again. Lesson: § Objects in the store.',
      'Objects in the store > with a selection, objects that enter it are ADDED and objects that leave it are DELETED':
        'Watch with prevKv: true and compare `selected` on the old and the new state of each event. Lesson: § Watch.',
      'Object metadata > a uid is a version 4 UUID drawn from the random source':
        'Draw 32 hex digits with Math.floor(random() * 16), then fix digit 12 to "4" and digit 16 to one of "89ab". Lesson: § Object metadata.',
      'Object metadata > generation moves by one when the spec changes, not when only metadata does':
        'Compare everything but apiVersion, kind, metadata and status with sameJson. Lesson: § Object metadata.',
      'Defaults and validation > a pod restarts Always, gets 30 s to stop, and is scheduled by the default scheduler':
        'Use `??=` so that a field the client set is never changed. Lesson: § Defaults and validation.',
      'Defaults and validation > the example objects are valid':
        'validateObject returns a list of FieldErrors, [] when all is well; start with the name rule, then each kind. Lesson: § Defaults and validation.',
      "Defaults and validation > a deployment needs a selector that selects its own template's pods":
        'Write selectorMatches for matchLabels and matchExpressions, and check it against spec.template.metadata.labels. Lesson: § Defaults and validation.',
      'Create, get and list > POST a pod: 201 with the stored pod':
        'createApiServer: express(), express.raw({ type: () => true }), one handler that parses the path and routes on the method, one error handler that answers statusOf(error). Lesson: § Create, get and list.',
      'Create, get and list > default, kube-system, kube-public and kube-node-lease exist from the start':
        'Before returning the server, create each of initialNamespaces (an AlreadyExists is fine: the store may be an old one). Lesson: § Create, get and list.',
      'Create, get and list > creating in a namespace that does not exist is a 404 for the namespace':
        'Read the namespace object before creating a namespaced object, and answer notFound(namespaces, name) if it is missing. Lesson: § Create, get and list.',
      'Update and delete > PUT with an old resourceVersion is a 409 Conflict, and changes nothing':
        'Keep the resourceVersion of the body on the object you hand back from tryUpdate: storage.update compares it. Lesson: § Update and delete.',
      "Update and delete > PUT on a deployment cannot change its status: that is the controller's half":
        'prepareForUpdate without a subresource keeps the stored status when the resource has a status subresource. Lesson: § Object metadata.',
      'Bodies and errors > a body over 3 MiB is a 413':
        'express.raw({ limit }) throws an error whose `type` is "entity.too.large": turn it into requestEntityTooLarge in the error handler. Lesson: § Bodies and errors.',
      'Bodies and errors > nothing a client sends is a 500, and refused writes change nothing':
        'Check the shape of what you read before you use it: a metadata that is a string, labels that are a list, containers that are not objects. Lesson: § Bodies and errors.',
      'Watch > ?watch=true answers 200 with a stream of JSON events':
        'writeHead(200, ...) then flushHeaders(): the client must know the watch started before anything changes. Lesson: § Watch.',
      'Watch > a compacted resourceVersion gets one ERROR event with a 410 Expired Status, then the end':
        'The store watch ends with onEnd({ compactRevision }): write {"type":"ERROR","object":<Status>} and end the response. Lesson: § Watch.',
      "Watch > kubectl's watch asks for Tables: a row per event, the columns only in the first":
        'When the request wantsTable, give serveWatch a transform: toTable of the one object (listMeta with its resourceVersion), with columnDefinitions emptied after the first. Lesson: § Watch.',
      'Watch > timeoutSeconds: the server ends the stream when that much time has passed':
        'Use the timers you were given (options.timers), not the global setTimeout, so the test can fire them. Lesson: § Watch.',
      "On a real store > over chapter 02's store server and client: create, read, update, watch and delete":
        'Nothing new to write: if this fails while the in-process tests pass, look for an assumption about the StoreClient (answers are asynchronous; events arrive later). Lesson: § On a real store.',
      'Collaborators > a list keeps only what the labelSelector and fieldSelector select':
        'Compile each query parameter with options.selectors and keep the items every predicate accepts. Lesson: § Collaborators.',
      'Collaborators > PATCH on a subresource patches what GET shows, then writes it back through the subresource':
        'In storage.update: shown = get(current); patched = patcher.apply(type, shown, patch); next = update(current, patched). Lesson: § Collaborators.',
    },
  },
  {
    id: '03b',
    slug: 'api-machinery',
    title: 'Answering kubectl',
    builds:
      'the API machinery real clients need: label and field selectors, merge, JSON and strategic merge patches, status/scale/binding subresources, discovery',
    stages: [],
    hints: {
      'Label selectors > key=value is one requirement':
        'Tokenize first: "=", "==", "!=", "!", "(", ")", ",", "<", ">" are words on their own, and any other run of non-space characters is a name. Lesson: § Label selectors.',
      'Label selectors > = needs the key; != also holds when the key is missing':
        'Object.hasOwn(labels, key) tells "missing" from "empty". Lesson: § Label selectors.',
      'Label selectors > a selector that does not parse is a 400 BadRequest':
        'After each requirement expect "," or the end, and after "," another requirement. Lesson: § Label selectors.',
      'Field selectors > field=value, field==value and field!=value, joined by commas':
        'Split on commas that are not escaped, then match each term against field, operator, value. Lesson: § Field selectors.',
      'Field selectors > a missing field reads as "": spec.nodeName= selects pods not yet scheduled':
        'Walk the dotted path through the object; undefined or null reads as "". Lesson: § Field selectors.',
      'Patches > a merge patch merges objects key by key':
        'Recursive: a patch that is not an object replaces; otherwise copy the target and, per key, delete on null or merge into the old value. Lesson: § Patches.',
      'Patches > a JSON patch adds, replaces and removes by pointer':
        'Find the parent of the place a pointer names, then act on its last token: a key of an object, or an index of a list. Lesson: § Patches.',
      'Patches > strategic merge: containers merge by name, so patching one keeps the others':
        'When both sides are lists and listStrategy gives a merge key, merge element by element on that key instead of replacing. Lesson: § Patches.',
      'Patches > a patch cannot reach Object.prototype':
        'Never `object[key] = value` with a key from a client: use the given setField (Object.defineProperty). Lesson: § Patches.',
      "Subresources > status: a write takes only the body's status":
        "A copy of the parent with the body's status: everything else stays as stored. Lesson: § Subresources.",
      'Subresources > binding a pod that is already on a node is a 409 Conflict':
        'Check spec.nodeName of the stored pod before you set it: a scheduler must never move a pod. Lesson: § Subresources.',
      "Discovery > /api lists the core group's one version, v1, and where the server is":
        'Discovery documents are plain objects built from the resource table. Lesson: § Discovery.',
      'Discovery > createDiscovery answers its paths and no others':
        'Return undefined for any path you do not own, so the server can go on to resources. Lesson: § Discovery.',
      'Answering kubectl > kubectl get namespaces: discovery, then a list':
        'Run the same command with -v=8 to see every request kubectl sends and every answer. Lesson: § Answering kubectl.',
      'Answering kubectl > kubectl apply -f twice: created, then configured (a strategic merge patch)':
        'The second apply sends a strategic merge patch with $setElementOrder directives; kubectl -v=8 shows it. Lesson: § Patches.',
      'The JavaScript client > the generic object API finds resources by discovery: create, read, patch and delete a Deployment':
        'KubernetesObjectApi reads /apis/apps/v1 to find the resource for kind Deployment, then patches with a strategic merge patch. Lesson: § The JavaScript client.',
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
    stages: [],
    hints: {
      // The REST client
      'The REST client > keyOf is namespace/name, or the name alone for a cluster-scoped object':
        'Cluster-scoped objects (nodes, namespaces) have no metadata.namespace: then the key is just the name. Lesson: § The REST client.',
      'The REST client > create sends the object to its collection and answers with what was stored':
        'Start with collectionPath (core resources under /api/v1, others under /apis/<group>/<version>, then /namespaces/<ns> when namespaced), then send: fetch with method POST, a JSON body and Content-Type application/json. Lesson: § The REST client.',
      'The REST client > get reads an object back by its namespace and name':
        "An object's path is its collection's path plus /<name>. request() parses the answer's JSON. Lesson: § The REST client.",
      'The REST client > a cluster-scoped resource has no namespace in its path: nodes':
        'collectionPath leaves /namespaces/<ns> out when resource.namespaced is false, even if a namespace was given. Lesson: § The REST client.',
      "The REST client > a named group's resources live under /apis: deployments in apps/v1":
        'resource.group is \'\' for the core group (/api/v1) and "apps" for deployments (/apis/apps/v1). Lesson: § The REST client.',
      'The REST client > an unknown resource name is refused before anything is sent':
        'Look the name up in builtinResources (by its `resource` field) in HttpClient.resource, and throw an Error that names it when it is not there. Lesson: § The REST client.',
      'The REST client > list answers a List of the items with the resourceVersion to watch from':
        'GET on the collection itself answers the List as it is; return it unchanged. Lesson: § The REST client.',
      'The REST client > list sends labelSelector and fieldSelector to the server':
        'queryOf turns the options into ?labelSelector=...&fieldSelector=...; URLSearchParams encodes the = and , inside them. Lesson: § The REST client.',
      'The REST client > a client without a namespace lists across every namespace':
        'Without a namespace, collectionPath gives /api/v1/pods: every namespace at once. Lesson: § The REST client.',
      'The REST client > a missing object rejects with an ApiError: 404 NotFound':
        'When response.ok is false, the body is a Status: build the ApiError from its code, reason, message and details (errorFromStatus). Lesson: § The REST client.',
      'The REST client > creating an object that exists rejects with 409 AlreadyExists':
        "Nothing new if errorFromStatus keeps the Status's reason: AlreadyExists and Conflict are both 409, and only the reason tells them apart. Lesson: § The REST client.",
      'The REST client > update with a stale resourceVersion rejects with 409 Conflict':
        "update is a PUT to the object's path with the whole object, resourceVersion included: the server compares it. Lesson: § The REST client.",
      'The REST client > an invalid object rejects with 422 Invalid, and the error keeps the causes':
        "Pass the Status's details on to the ApiError: the causes name the fields. Lesson: § The REST client.",
      'The REST client > updateStatus writes the status and leaves the spec alone':
        'PUT to <object path>/status. Lesson: § The REST client.',
      'The REST client > patch sends a merge patch by default, and a JSON patch when asked':
        'The patch type only changes the Content-Type header: patchMediaTypes has them. Lesson: § The REST client.',
      'The REST client > delete removes the object; getting it afterwards is NotFound':
        "DELETE on the object's path; a pod's DELETE answers the pod, others a Status: either way there is nothing to return. Lesson: § The REST client.",
      'The REST client > delete sends its options: a precondition on the uid that does not hold is a Conflict':
        'With options, DELETE carries a body: { kind: "DeleteOptions", apiVersion: "v1", ...options }. Lesson: § The REST client.',
      'The REST client > bind puts a pod on a node; binding it again is a Conflict':
        'POST the Binding to /api/v1/namespaces/<ns>/pods/<name>/binding. Lesson: § The REST client.',
      "The REST client > scale reads and writes a deployment's replicas through its scale subresource":
        'GET <object path>/scale; to scale, PATCH the same path with the merge patch { spec: { replicas } }, as kubectl scale does. Lesson: § The REST client.',
      'The REST client > watch yields ADDED, MODIFIED and DELETED events as they happen':
        'Read response.body chunk by chunk (for await), decode with a TextDecoder in stream mode, keep what follows the last newline for the next chunk, and yield JSON.parse of each whole line. Lesson: § The REST client.',
      'The REST client > a watch from an older resourceVersion first replays what happened since':
        'Pass resourceVersion on in the query with watch=true. Lesson: § The REST client.',
      'The REST client > a watch from a compacted resourceVersion throws 410 Expired':
        'The server answers 200 and then one ERROR event whose object is a Status: throw errorFromStatus(event.object, ...) instead of yielding it. Lesson: § The REST client.',
      'The REST client > aborting the signal ends a watch without an error':
        "Give fetch the signal; when it aborts, fetch or the body's reader throws. Catch that, and if signal.aborted, return instead of throwing. Lesson: § The REST client.",
      'The REST client > a server that is not there rejects with the connection error, not an ApiError':
        'Only an answer becomes an ApiError; when fetch itself rejects, let its error through. Lesson: § The REST client.',
      'The REST client > an error answer that is not a Status still becomes an ApiError with the code':
        'If the body is not JSON, or not a Status, take the reason from reasonForCode. Lesson: § The REST client.',
      'The REST client > the bearer token and user agent go with every request':
        'Build the headers in send(): authorization "Bearer <token>" and user-agent, only when configured. Lesson: § The REST client.',
      // The work queue
      'The work queue > keys come out in the order they went in':
        'Keep the waiting keys in an array: add pushes, get shifts. get returns a promise; when a key is there, resolve it at once. Lesson: § The work queue.',
      'The work queue > a key that is already waiting is not added twice':
        'Keep a Set of dirty keys beside the array: add does nothing for a key already in it. Lesson: § The work queue.',
      'The work queue > get waits for a key when the queue is empty':
        'With nothing waiting, get returns a promise and keeps its resolve function; the next add hands its key straight to it. Lesson: § The work queue.',
      'The work queue > a key being processed is not handed to a second worker':
        'get moves the key to a processing Set. add of a busy key only marks it dirty; done(key) puts a dirty key back in line. Lesson: § The work queue.',
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
      'List and watch > after a connection error it waits 800 ms, then 1.6 s, ... doubling up to 30 s, with jitter':
        'Math.min(initial * 2 ** (failures - 1), max) * (1 + random()). Lesson: § List and watch.',
      'List and watch > a server that cannot be reached is tried again after each wait, not in a busy loop':
        'On any other error, count it and await sleep(clock, backoffMs(failures), signal) before the next turn. Lesson: § List and watch.',
      // The informer cache
      'The informer cache > an informer lists into its cache; then hasSynced is true and waitForSync resolves':
        'Make a Reflector in the constructor with the informer itself as its store; run() starts it; replace() fills a Map by keyOf and marks the informer synced. Lesson: § The informer cache.',
      'The informer cache > handlers hear add, update and delete in the order things happened':
        "add/update store the object and call each handler's update(old, new) if it was cached, else add; delete removes it and calls delete. Lesson: § The informer cache.",
      'The informer cache > a handler added after the sync is first told about everything already cached':
        "In addEventHandlers, if synced, call the new handler's add for each cached object. Lesson: § The informer cache.",
      'The informer cache > every informer indexes by namespace':
        'Keep, per index name, a Map from value to a Set of keys; file every stored object under the values its index function returns. Lesson: § The informer cache.',
      'The informer cache > the nodeName index follows a pod when it is bound to a node':
        'Before storing a new version of an object, take the old version out of every index entry it was filed under. Lesson: § The informer cache.',
      'The informer cache > compaction forces a relist that ends in the same cache as a fresh list, deletes included':
        'replace must diff: cached keys missing from the list are deleted (tell handlers), listed objects with a new resourceVersion are updates, unknown ones are adds. Lesson: § The informer cache.',
      'The informer cache > every resyncMs, each cached object is handed to update again, unchanged':
        'With resyncMs > 0, run() sets a timer on the clock that calls update(object, object) for every cached object and sets itself again. Lesson: § The informer cache.',
      'The informer cache > running an informer twice starts one reflector':
        'Remember that run() was called; the second call returns at once. Lesson: § The informer cache.',
      // Controllers
      'Controllers > reconcile gets the key of each object there at the start, and of each created later':
        'watch() adds handlers that queue.add(key); run() runs the informers, awaits waitForSync, then starts workers that get a key, reconcile it and call done. Lesson: § Controllers.',
      'Controllers > a failing reconcile is retried with back-off until it succeeds, then forgotten':
        'In the worker: on success queue.forget(key); on error onError(key, error) and queue.addRateLimited(key); done(key) in both cases. Lesson: § Controllers.',
      "Controllers > keysFor maps an object to other keys: a pod to its owner's":
        "Queue keysFor(object) instead of the object's own key; on update, the keys of old and new together. Lesson: § Controllers.",
      'Controllers > stopping the controller stops its workers, and run resolves':
        'When the signal aborts, shut the queue down: each waiting get resolves undefined and the worker returns. Lesson: § Controllers.',
      'Controllers > updateWithRetry reads again and redoes the change when someone else wrote first':
        'Loop: get, mutate, update; if the update fails with isConflict, go round again. Lesson: § Controllers.',
      'Controllers > updateWithRetry gives up after five conflicts in a row and rejects with the last':
        'Count attempts; on the fifth conflict, throw it. Lesson: § Controllers.',
      'Controllers > updateWithRetry writes nothing when the change says there is nothing to change':
        'If mutate returns false, return the object as read. Lesson: § Controllers.',
      // Leader election
      "Leader election > a Lease's times are MicroTime: six fractional digits":
        'new Date(ms).toISOString() ends in .sssZ: add three zeros before the Z. Lesson: § Leader election.',
      'Leader election > the first candidate creates the Lease and leads':
        'Get the Lease; on NotFound create it with yourself as holder, then call onNewLeader and onStartedLeading. Lesson: § Leader election.',
      'Leader election > the leader renews every retry period; a second candidate waits':
        'The leader sleeps retryPeriodMs on the clock and updates renewTime. Others note when they last saw the Lease change and do nothing until leaseDurationMs has passed since. Lesson: § Leader election.',
      'Leader election > a leader that stops releases the Lease, and the other takes over on its next try':
        'When the run\'s signal aborts while leading: stop (onStoppedLeading), then update the Lease with holderIdentity "". An empty holder may be taken at once. Lesson: § Leader election.',
      'Leader election > a leader cut off steps down after the renew deadline; the other leads only after the lease duration':
        'Remember the time of the last successful renewal; when now minus that reaches renewDeadlineMs, stop leading. Lesson: § Leader election.',
    },
  },
  {
    id: '05',
    slug: 'scheduler',
    title: 'The scheduler',
    builds:
      'the component that places pods: filters (resources, selectors and affinity, taints, ports), scores, a cache that assumes, and binding',
    stages: [],
    component: 'scheduler',
    hints: {
      "Filters > a pod's requests are its containers' sum, and at least its largest init container's":
        "Add milliCpu(...) and quantityValue(...) (harness/api/quantity.ts) of each container's resources.requests; then take the max with each init container's. Lesson: § Filters.",
      'Filters > a NodeInfo adds up the requests of the pods on it':
        "addPod adds the pod's requests and 1 pod to `requested` and its host ports to usedPorts; removePod subtracts what the stored copy of the pod added. Lesson: § Filters.",
      'Filters > NodeResourcesFit: requests beyond what is left are Insufficient cpu or memory':
        "Compare requested + the pod's request with node.allocatable, per resource; list every resource that does not fit. Lesson: § Filters.",
      'Filters > NodeResourcesFit: a node holds no more pods than its allocatable pods':
        'requested.pods + 1 > allocatable.pods is "Too many pods". Lesson: § Filters.',
      'Filters > tolerations: Equal needs key and value; Exists only the key; an empty key tolerates all':
        "Check the effect first (if the toleration names one), then Exists (key or no key) or Equal (key and value, a missing value being ''). Lesson: § Filters.",
      'Filters > the message counts each reason over the nodes, sorted as Kubernetes prints it':
        'Count each reason in a Map, format "count reason", sort those strings, join with ", ". Lesson: § Filters.',
      'Scores > least allocated: the share left free of CPU and memory, averaged, out of 100':
        'Add up scoringRequests of the pods on the node plus this pod, per resource; free share = 1 - used / allocatable. Lesson: § Scores.',
      'Scores > the best score wins; equal scores are broken by the random source':
        'Keep only the entries with the top score, then take index Math.floor(random() * count). Lesson: § Scores.',
      'The scheduling cache > an assumed pod counts at once; the watch confirming it does not count it twice':
        'assume counts the pod on the node like addPod and remembers its key; addPod of the same key replaces the count instead of adding, and clears the assumption. Lesson: § The scheduling cache.',
      'Scheduling pods > a pod is bound to the node that can take it':
        'run: build the informers and the controller; scheduleOne: filter, score, selectHost, assume, then client.bind with a Binding whose target is the node. Lesson: § Scheduling pods.',
      "Scheduling pods > a pod no node can take gets PodScheduled=False with Kubernetes' message, and an event":
        'With no feasible node, write the condition with toolkit.updateWithRetry(..., { status: true }) and create an Event, then throw so the queue retries later. Lesson: § Scheduling pods.',
      'Scheduling pods > an unschedulable pod is placed as soon as a node that fits is added':
        "Remember unschedulable keys; the node informer's add and update handlers put them back in the controller's queue. Lesson: § Scheduling pods.",
      'Scheduling pods > a burst of pods never puts two on the last free slot of a node':
        "Assume the pod on its node in the cache before you bind: the next pod's filters must already see the slot as taken. Lesson: § The scheduling cache.",
    },
  },
  {
    id: '06',
    slug: 'kubelet',
    title: 'The kubelet',
    builds:
      'the node agent: registration and Lease heartbeats, pods on a container runtime (real processes), pod status, restarts with crash back-off, probes',
    stages: [],
    component: 'kubelet',
    hints: {
      'Registering the node > the Node names its addresses, what it offers, its pod range and its kubelet port':
        'Build the Node from the config: status.addresses (InternalIP, then Hostname), capacity and allocatable, spec.podCIDR, status.daemonEndpoints.kubeletEndpoint.Port. Lesson: § Registering the node.',
      'Registering the node > a kubelet registers its Node with the API server':
        "run() starts with register(): client.resource('nodes').create(nodeObject(...)). Lesson: § Registering the node.",
      'Registering the node > it renews its Lease every 10 seconds':
        "After registering, heartbeat() once, then set a timer on the clock every heartbeatMs that renews the Lease's spec.renewTime (toolkit.updateWithRetry; create it with nodeLease when missing). Lesson: § Registering the node.",
      'Registering the node > a kubelet that restarts registers again without an error':
        'A create that fails with isAlreadyExists means the node is back: update its status instead. Lesson: § Registering the node.',
      'Pod status > a running container is running since it started, and ready':
        "The runtime's CONTAINER_RUNNING becomes state.running with startedAt as rfc3339, ready and started true. Lesson: § Pod status.",
      'Pod status > the phase once all ended: by restartPolicy and exit codes':
        'A container waiting with a lastState.terminated counts as stopped; then the restart policy decides between Running, Succeeded and Failed. Lesson: § Pod status.',
      'Pod status > a condition keeps its lastTransitionTime until its status changes':
        'Look the condition up in `previous`: same status, keep its lastTransitionTime; otherwise it is `now`. Lesson: § Pod status.',
      'Restarts > the first restart is at once; then 10 s, 20 s, 40 s ... after each exit':
        'Keep per key the wait and the last finishedAt: remainingMs is 0 with no entry, else wait - (now - finishedAt); next() starts at initialMs and doubles. Lesson: § Restarts.',
      'Running pods > a pod bound to this node gets a sandbox and its containers, and is Running with its IPs':
        'syncPod: runPodSandbox (its status has the pod IP), pullImage, createContainer with the labels, startContainer, then podStatus(...) to pods/status. Lesson: § Running pods.',
      "Running pods > a container finds its namespace's Services in its environment":
        "Keep an informer on services; when creating a container, put serviceEnvironment(the Services of the pod's namespace) before the container's own env. Lesson: \u00a7 Running pods.",
      'Running pods > a container that exits is restarted at once, then after 10 s in CrashLoopBackOff':
        'The relist notices the exit and queues the pod. In syncPod, an exited latest attempt: shouldRestart, then the back-off decides: start attempt + 1 now, or hold it back as CrashLoopBackOff and queue the key for when the wait ends. Lesson: § Restarts.',
      'Running pods > an image that cannot be pulled: ErrImagePull, then ImagePullBackOff until the next try':
        'Catch ImagePullError: hold the container back with error.reason and remember when the next pull may be; until then hold it back as ImagePullBackOff without pulling. Lesson: § Running pods.',
      'Running pods > a pod deleted gracefully has its containers stopped within its grace, then is removed':
        'A pod with metadata.deletionTimestamp: stop its running containers with deletionGracePeriodSeconds as the grace, remove the sandbox, then delete the pod with gracePeriodSeconds 0. Lesson: § Running pods.',
      'Running pods > a kubelet that restarts adopts the containers that run instead of starting them again':
        'Always look in the runtime first (listPodSandbox, listContainers with labels) and create only what is missing. Lesson: § Running pods.',
      'Probes > httpGet: 200 to 399 is a success; 500, or nobody listening, a failure':
        'fetch(`http://${podIP}:${port}${path}`, { signal: AbortSignal.timeout(ms) }); a rejection (refused, timeout) is a failure, not an error. Lesson: § Probes.',
      'Probes > exec: exit code 0 is a success, anything else or a timeout a failure':
        'runtime.exec(target.containerId, probe.exec.command, timeoutSeconds): exitCode 0 and not timedOut. Lesson: § Probes.',
      'Probes > the verdict turns after failureThreshold failures in a row, and back after successThreshold successes':
        'Count successes and failures in a row (each resets the other); turn the verdict when the count reaches its threshold. Lesson: § Probes.',
      'Probes > the kubelet > a readiness probe decides Ready: false until it passes, true once it does':
        "The kubelet keeps a ContainerProbes per running container with probes; writeStatus passes its `ready` into the container's observation, and onChange queues the pod. Lesson: § Probes.",
      'Probes > the kubelet > a liveness probe that fails three times in a row kills the container, which restarts':
        'onFailure: stop the probes, runtime.stopContainer(id, grace), then queue the pod: the exited container is restarted as its restartPolicy says. Lesson: § Probes.',
      "Logs > the kubelet API serves a container's log, all of it or its last lines":
        "http.createServer: match /containerLogs/<ns>/<pod>/<container>, find the newest attempt by its labels, then for await over runtime.readLogs(id, { tailLines, follow }) writing each line's content and a newline. Lesson: § Logs.",
      "Logs > kubectl logs' request: the API server passes pods/log on to the pod's node":
        'With options.port, serve the kubelet API before registering, and register the Node with the port it got: the API server reads daemonEndpoints.kubeletEndpoint.Port to reach it. Lesson: § Logs.',
      'Real processes > an echo pod answers HTTP on its own pod IP, with its name':
        "Pass the container's ports to createContainer: the echo program listens on the pod IP and each containerPort. Lesson: § Real processes.",
    },
  },
  {
    id: '07',
    slug: 'controllers',
    title: 'The controllers',
    builds:
      'the reconcile loops of kube-controller-manager: ReplicaSets (with expectations and adoption), Endpoints, garbage collection, node lifecycle',
    stages: [],
    component: 'controller-manager',
    hints: {
      'ReplicaSets > a label selector: every matchLabels pair, and every expression':
        'Check matchLabels pairs first, then each expression: In (present and listed), NotIn (absent or not listed), Exists, DoesNotExist. Lesson: § ReplicaSets.',
      'ReplicaSets > surplus pods go in order: unscheduled, pending, not ready, then the newest':
        'A comparison that returns the first non-zero difference: scheduled, phase rank, ready, restarts (reversed), creation time (reversed). Lesson: § ReplicaSets.',
      'ReplicaSets > a new ReplicaSet gets its pods: named after it, owned by it, counted in its status':
        'reconcile: count the active pods it controls, create the missing ones from podFromTemplate (generateName, ownerReferenceTo), then write the status. Lesson: § ReplicaSets.',
      'ReplicaSets > a pod that is deleted is replaced':
        "Map pod events to the owner's key (controller.watch(pods, keysFor)), so a deleted pod wakes its ReplicaSet. Lesson: § ReplicaSets.",
      'ReplicaSets > a matching orphan is adopted instead of a new pod created; a pod relabelled away is released':
        'Before counting, claim: patch an ownerReference onto matching orphans, and off owned pods that no longer match. Lesson: § ReplicaSets.',
      'ReplicaSets > a ReplicationController, with its plain selector, keeps its pods as a ReplicaSet does':
        "The same loop with options.kind: read replicationcontrollers, use selectorOf (a plain map is matchLabels), and make ownerReferences with the owner's own apiVersion and kind. Lesson: \u00a7 ReplicaSets.",
      "Endpoints > a Service's Endpoints list its pods as they start, and follow their readiness":
        'Watch pods mapped to the Services that select them; reconcile builds the subsets and creates or updates the Endpoints. Lesson: § Endpoints.',
      "Garbage collection > deleting an owner deletes its dependents; others' stay":
        "When an object is deleted, queue what byIndex('ownerUid', its uid) finds; reconcile deletes a dependent whose owners a GET cannot find. Lesson: § Garbage collection.",
      'Namespaces > deleting a namespace deletes what was in it, and nothing elsewhere':
        "Watch namespaces; reconcile(name) finds the namespace gone from the informer and lists and deletes each namespaced resource's objects in it. Lesson: \u00a7 Namespaces.",
      'Garbage collection > deleting an owner with propagationPolicy Orphan keeps its dependents, without the reference':
        'An owner with a deletionTimestamp and the finalizer "orphan": patch its uid out of each dependent\'s ownerReferences, then update it without the finalizer. Lesson: \u00a7 Garbage collection.',
      'Node lifecycle > a node whose Lease stops for 50 s becomes Unknown and is tainted unreachable':
        "Record when each Lease's renewTime changed (on the clock); every monitor period, a node silent longer than the grace gets Unknown conditions and the NoExecute taint. Lesson: § Node lifecycle.",
      'Node lifecycle > its pods are evicted once their toleration runs out':
        "For a tainted silent node, compare now - taint.timeAdded with each pod's tolerationSecondsFor. Lesson: § Node lifecycle.",
    },
  },
  {
    id: '08',
    slug: 'deployments',
    title: 'Deployments',
    builds:
      'the Deployment controller: one ReplicaSet per pod template, rolling updates within maxSurge and maxUnavailable, Recreate, pause, rollback and revision history',
    stages: [],
    component: 'controller-manager',
    hints: {
      'The pod-template-hash > FNV-1a gives the published values: "" is 0x811c9dc5, "a" is 0xe40c292c':
        'let hash = 0x811c9dc5; for each byte of new TextEncoder().encode(text): hash ^= byte; hash = Math.imul(hash, 0x01000193) >>> 0. Lesson: § The pod-template-hash.',
      'The pod-template-hash > a template hashes the same every time, whatever order its fields are in':
        'Hash canonicalJson(withoutHash(template)): keys sorted at every level, so field order does not matter. Lesson: § The pod-template-hash.',
      'The pod-template-hash > the hash is spelled in the safe alphabet: no vowels, no 0, 1 or 3':
        '[...String(fnv1a32(text))].map((digit) => alphabet[digit.charCodeAt(0) % 27]).join(""). Lesson: § The pod-template-hash.',
      "The pod-template-hash > a ReplicaSet's copy, with the hash label, is the same template as its Deployment's":
        'withoutHash: structuredClone, delete labels["pod-template-hash"], and drop labels when it is left empty. Lesson: § The pod-template-hash.',
      'Rollout arithmetic > a percentage of replicas: maxSurge rounds up, maxUnavailable rounds down':
        '/^(\\d+)%$/ gives the percentage; percent * total / 100, then Math.ceil for roundUp, Math.floor otherwise. Lesson: § Rollout arithmetic.',
      'Rollout arithmetic > both zero could never progress, so one pod may be unavailable; Recreate takes all down':
        'Recreate first: { maxSurge: 0, maxUnavailable: replicas }. Otherwise resolve both ("25%" when unset) and make maxUnavailable 1 when both are 0. Lesson: § Rollout arithmetic.',
      'Rollout arithmetic > the new ReplicaSet grows as far as replicas + maxSurge pods allow, and no further':
        'room = replicas + maxSurge - sum(podsOf); no room: the current size; else current + min(room, replicas - current). Lesson: § Rollout arithmetic.',
      'Rollout arithmetic > old ReplicaSets shrink as far as replicas - maxUnavailable stay available, oldest first':
        'Two budgets, oldest ReplicaSet first: unavailable old pods (sum of replicas - minAvailable - new ones not available yet), then available ones (sum of availableOf - minAvailable). Lesson: § Rollout arithmetic.',
      'Rollout arithmetic > scaled in the middle of a rollout, each ReplicaSet keeps its share of replicas + maxSurge':
        'Math.round(size * allowed / current) - size for each, largest first, capped by what is left to add; the remainder to the largest. Lesson: § Rollout arithmetic.',
      "Deployments > a Deployment gets a ReplicaSet named after its template's hash, owned by it, at revision 1":
        'reconcile: no ReplicaSet has the template, so create "<name>-<hash>" with the hash in its selector and template labels, a controller ownerReference, and revision "1". Lesson: § Deployments.',
      'Deployments > status counts the pods, with Available and Progressing (NewReplicaSetAvailable) once all are up':
        "Map ReplicaSet events to the owner's key, so each status change of the ReplicaSet reconciles the Deployment; sum the ReplicaSets' status counters and set the conditions with setCondition. Lesson: § Deployments.",
      'Deployments > a rolling update never exceeds replicas + maxSurge pods nor drops below replicas - maxUnavailable ready':
        'Scale the new ReplicaSet up by newReplicaSetReplicas; only when that changes nothing, scale old ones down by oldReplicaSetsScaleDown. Write each with update() on the object you read, so a stale cache gets a Conflict. Lesson: § Deployments.',
      'Deployments > Recreate: every old pod is gone before the first new one is created':
        'Old ReplicaSets to 0 first; then look for their pods (pods informer, ownerUid index) and create the new ReplicaSet only when none is left. Lesson: § Deployments.',
      'Deployments > scaled in the middle of a rollout, both ReplicaSets grow in proportion':
        'A ReplicaSet running pods whose desired-replicas annotation is not spec.replicas means "scaled": size with proportionalSizes instead of rolling, and write the annotations. Lesson: § Deployments.',
      'Deployments > a rollout whose pods never become ready passes its progress deadline: Progressing False':
        'queue.addAfter(key, ...) for when lastUpdateTime + progressDeadlineSeconds passes; then, with no progress, set Progressing False ProgressDeadlineExceeded. Lesson: § Deployments.',
      'Deployments > paused: a new template waits; resumed, it rolls out':
        'spec.paused: size (scale) but never create a ReplicaSet or roll; Progressing Unknown DeploymentPaused. Lesson: § Deployments.',
      "Deployments > undo to a revision: that ReplicaSet's template comes back, as the newest revision":
        "After undo the Deployment's template matches an old ReplicaSet: that one is the new one. Give it revision (highest old + 1) and follow it with the Deployment's annotation. Lesson: § Deployments.",
      'Deployments > old ReplicaSets beyond revisionHistoryLimit are deleted, oldest first':
        'When nothing is left to scale, sort the old ReplicaSets at 0 replicas by revision and delete all but the last revisionHistoryLimit. Lesson: § Deployments.',
      'Rollouts with kubectl > kubectl create deployment, then rollout status waits for it':
        'kubectl rollout status reads observedGeneration, updatedReplicas, replicas and availableReplicas: write all of them. Lesson: § Rollouts with kubectl.',
      'Rollouts with kubectl > kubectl rollout undo --to-revision=1 puts the first template back':
        "kubectl finds the ReplicaSets by selector and keeps those whose controller ownerReference uid is the Deployment's, then reads their revision annotations. Lesson: § Rollouts with kubectl.",
    },
  },
  {
    id: '09',
    slug: 'services',
    title: 'Services and kube-proxy',
    builds:
      'ClusterIP and NodePort allocation, and kube-proxy in userspace mode: real TCP listeners on Service addresses, each connection piped to a ready pod',
    stages: [],
    component: 'proxy',
    hints: {
      'Allocation > a port range reads as first-last':
        'A regular expression /^(\\d+)-(\\d+)$/, then check 1 <= first <= last <= 65535. Lesson: § Allocation.',
      'Allocation > a Service gets a ClusterIP from the range, in spec.clusterIP and spec.clusterIPs':
        'Keep taken addresses as numbers in a Set (parseIp from harness/network.ts); a free offset n gives formatIp(base + n). Lesson: § Allocation.',
      'Allocation > the search starts at a random place in the range':
        'Candidates are offsets 2 .. size-2; start at Math.floor(random() * count) and walk forward, wrapping around. Lesson: § Allocation.',
      "Allocation > a ClusterIP already taken is 422 Invalid on spec.clusterIPs, in Kubernetes' words":
        "new ApiError(422, 'Invalid', ...) with details.causes [{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message }]; Go prints the value as []string{\"ip\"}. Lesson: § Allocation.",
      'Allocation > a failed create keeps nothing it allocated on the way':
        'Remember each allocation as an undo function; on any error run them all before rethrowing. Lesson: § Allocation.',
      'Allocation > changing type to NodePort allocates node ports; back to ClusterIP releases them':
        'onUpdate: keep the old nodePort of a port with the same number when none is asked for; release old ports the new object does not keep. Lesson: § Allocation.',
      'Allocation > rebuilt from the Services that exist, it never hands out an address twice':
        'rebuild clears both sets, then adds every ClusterIP (not None) and every nodePort of NodePort Services. Lesson: § Allocation.',
      'The proxy > a connection to the ClusterIP reaches the pod behind it':
        'A controller watching Services and Endpoints; sync(key) listens on clusterIP:port with net.createServer({ allowHalfOpen: true, pauseOnConnect: true }); each socket connects to an endpoint and the two are piped. Lesson: § The proxy.',
      "The proxy > an address that cannot be listened on does not keep the Service's others away":
        "In sync, catch each listen's error, forget that listener, go on with the next; throw one Error joining the messages after the loop, and the controller retries the key. Lesson: § The proxy.",
      'The proxy > 300 connections spread over 3 endpoints, each getting 20% to 47%':
        'Read the ready endpoints from the Endpoints informer at each new connection and pick candidates[Math.floor(random() * length)]. Lesson: § The proxy.',
      'The proxy > no sockets are left open once the clients are done, and close() stops everything':
        'Track every socket in a Set, removed on close; when one side closes, end the other, then destroy it once its writes are flushed. Lesson: § The proxy.',
    },
  },
];

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
