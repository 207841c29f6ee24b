// Chapter 01's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter1: Chapter = {
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
};
