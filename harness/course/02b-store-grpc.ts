// Chapter 02b's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter2B: Chapter = {
  id: '02b',
  slug: 'store-grpc',
  title: 'The store speaks gRPC',
  builds:
    "etcd's gRPC services (KV, Watch, Lease, Maintenance, Cluster) beside the JSON gateway on one port, so etcdctl works, with snapshot and restore",
  stages: [
    {
      title: 'Numbers, IDs, key-values and headers',
      from: 'Messages > 64-bit integers arrive as decimal strings: revisions become numbers, lease IDs bigints',
      functions: [
        'numberOf',
        'idOf',
        'keyValueMessage',
        'keyValueOf',
        'eventMessage',
        'eventOf',
        'headerMessage',
      ],
    },
    {
      title: "Requests into the store's shapes",
      from: "Messages > a range request becomes the store's; sorting other than by key is refused",
      functions: [
        'rangeRequestOf',
        'putRequestOf',
        'deleteRangeRequestOf',
        'watchRequestOf',
        'compareOf',
      ],
    },
    {
      title: 'Transactions, both ways',
      from: "Messages > a txn request becomes the store's, nested txns included; an empty operation is refused",
      functions: ['txnRequestOf', 'rangeResponseMessage', 'txnResponseMessage'],
    },
    {
      title: 'The KV service',
      from: "The KV service > statusOf keeps a StoreError's gRPC code and etcd's message; anything else is Internal",
    },
    {
      title: 'Watches created, and their events',
      from: 'The Watch service > a create request is answered "created" at the current revision, with watch ID 0',
      functions: [
        'WatchStream.handle',
        'WatchStream.create',
        'WatchStream.close',
        'orderedSender',
        'watchService',
      ],
    },
    {
      title: 'Compacted, refused and canceled watches, and progress',
      from: 'The Watch service > a start revision below the compaction is canceled with the compact revision',
      functions: [
        'WatchStream.refuse',
        'WatchStream.compacted',
        'WatchStream.cancel',
        'WatchStream.progress',
        'WatchStream.startProgressTimer',
      ],
    },
    {
      title: 'The Lease service',
      from: 'The Lease service > LeaseGrant answers the ID the store chose, all 64 bits, and the TTL',
    },
    {
      title: 'Cluster and Maintenance',
      from: 'Cluster and Maintenance > MemberList lists this one member: its ID, name and URLs',
      functions: ['clusterService', 'hashAt', 'maintenanceService'],
    },
    {
      title: 'Snapshot files',
      from: 'Cluster and Maintenance > a snapshot file holds the store, and reads back to the same snapshot',
      functions: ['writeSnapshotFile', 'readSnapshotFile'],
    },
    {
      title: 'One port for two protocols, and etcdctl on it',
      from: 'One port, two protocols > protocolOf tells HTTP/2 from HTTP/1.1 by the first bytes, waiting while it cannot tell',
      functions: ['protocolOf', 'sniffConnection', 'listenClientPort'],
    },
  ],
  hints: {
    'Messages > an event carries its type, its kv, and prev_kv when there is one':
      'eventMessage is { type, kv: keyValueMessage(kv) } plus prevKv only when the event has one; eventOf reads it back with keyValueOf. Lesson: § Messages.',
    "Messages > delete and watch requests become the store's, with their zero fields filled in":
      'Copy key and rangeEnd; prevKv false when absent; startRevision through numberOf; filters [] when absent. Lesson: § Messages.',
    'Conformance with etcdctl > put, get with --prefix, --keys-only, --limit and --rev, and del print as with etcd':
      'The failure shows both outputs: a difference in the -w json output is a field written differently (a zero left in, a missing count). Lesson: § Conformance with etcdctl.',
    'Conformance with etcdctl > txn reads its compares and branches from stdin and runs the same branch':
      'etcdctl prints SUCCESS or FAILURE then each response: check compareOf and the responses of txnResponseMessage. Lesson: § Conformance with etcdctl.',
    'Conformance with etcdctl > watch --prev-kv prints each change; a watch from before a compaction is canceled':
      'etcdctl prints the prev kv before the new one; a compacted watch needs canceled, compactRevision and the header. Lesson: § Conformance with etcdctl.',
    'Conformance with etcdctl > lease grant, a key on it, keep-alive, time-to-live and revoke print as with etcd':
      'Lease IDs go as strings of all 64 bits; a second revoke must fail with "etcdserver: requested lease not found". Lesson: § Conformance with etcdctl.',
    'Conformance with etcdctl > endpoint status, endpoint health and member list describe one healthy member':
      'endpoint health reads the key "health" and lists alarms; status needs leader = header.member_id. Lesson: § Conformance with etcdctl.',
    'Conformance with etcdctl > snapshot save writes a file; a new kata store started --restore-from it has every key':
      'etcdctl saves only a file of 512-byte pages plus 32 bytes; readSnapshotFile must give back the very snapshot writeSnapshotFile was given. Lesson: § Conformance with etcdctl.',
    'Messages > 64-bit integers arrive as decimal strings: revisions become numbers, lease IDs bigints':
      'numberOf is Number(value) and idOf BigInt(value); an absent field is zero, because proto3 never sends a zero. Lesson: § Messages.',
    'Messages > a key-value goes on the wire with its lease as a string and its zero fields left out':
      'Start from { key } and add each other field only when it is not zero; the lease goes as String(bigint). Lesson: § Messages.',
    'Messages > keyValueOf reads a key-value back with every field filled in':
      'Fill every field: numberOf for the revisions and version, idOf for the lease, an empty Uint8Array for missing bytes (copy Buffers into a plain Uint8Array). Lesson: § Messages.',
    "Messages > the header carries the member's IDs as strings, the revision and raft term 1":
      'clusterId and memberId are uint64: give them as String(bigint); revision as given; raftTerm 1. Lesson: § Messages.',
    "Messages > a range request becomes the store's; sorting other than by key is refused":
      "Default sortTarget to 'KEY' and sortOrder to 'NONE'; refuse any other target, DESCEND, or a min/max revision filter with an InvalidArgument StoreError. Lesson: § Messages.",
    'Messages > a put request carries its lease as a bigint':
      "Fill every field of the store's PutRequest: key and value (empty when absent), lease through idOf, the three flags as false when absent. Lesson: § Messages.",
    'Messages > a compare takes its operand from the field its target names; absent compares with zero':
      'Default target VERSION and result EQUAL; then copy only the operand the target names (VALUE: value, LEASE: lease, VERSION: version, CREATE: createRevision, MOD: modRevision). Lesson: § Messages.',
    "Messages > a txn request becomes the store's, nested txns included; an empty operation is refused":
      "A RequestOp's oneof field `request` names which of requestRange, requestPut, requestDeleteRange, requestTxn is set; with none, throw etcd's 'etcdserver: key is not provided'. Lesson: § Messages.",
    "Messages > a txn's responses carry headers with only their revision; a nested txn's own is empty":
      'Map each ResponseOp: range, put and delete get a header of { revision } only; a nested txn is txnResponseMessage(op.responseTxn, {}). Lesson: § Messages.',
    "The KV service > statusOf keeps a StoreError's gRPC code and etcd's message; anything else is Internal":
      'Return { code: error.code, details: error.message } for a StoreError, and code 13 with a message for anything else. Lesson: § The KV service.',
    'The KV service > Put, then Range, over gRPC: the header carries the revision':
      "Write unaryCall (serve, then wait for durability, then callback) and kvService's Put and Range with the converters of § Messages. Lesson: § The KV service.",
    'The KV service > Range with a prefix, a limit and an old revision':
      'rangeRequestOf carries limit and revision through numberOf; the store does the rest. Lesson: § The KV service.',
    'The KV service > DeleteRange answers how many keys went, with their previous values when asked':
      'DeleteRange answers { header, deleted, prevKvs } with each prev kv through keyValueMessage. Lesson: § The KV service.',
    'The KV service > Txn runs its success branch when the compares hold, its failure branch otherwise':
      'Txn is store.txn(txnRequestOf(request)) answered with txnResponseMessage. Lesson: § The KV service.',
    'The KV service > Compact, then a range below it fails as etcd fails it':
      'Compact calls store.compact({ revision }); a StoreError thrown by Range goes to the callback through statusOf. Lesson: § The KV service.',
    "The KV service > a request the store refuses fails with etcd's code and message, and changes nothing":
      'Catch what serve throws in unaryCall and answer callback(statusOf(error)). Lesson: § The KV service.',
    'The Watch service > a create request is answered "created" at the current revision, with watch ID 0':
      'watchService makes one WatchStream per call; handle dispatches on requestUnion; create sends { header, watchId, created: true } before calling store.watch. Lesson: § The Watch service.',
    'The Watch service > each change after it comes as one message per revision, with prev_kv when asked':
      "After the store replays history, each listener call is one message of that revision's events (eventMessage keeps prevKv). Lesson: § The Watch service.",
    'The Watch service > history from a start revision comes first, in one message':
      'Collect what store.watch replays before it returns, then send it in batches of at most 1000 revisions, stamped with the current revision. Lesson: § The Watch service.',
    'The Watch service > a start revision below the compaction is canceled with the compact revision':
      'store.watch throws the compacted StoreError: send { watchId, canceled: true, compactRevision, cancelReason } with a header of revision 0. Lesson: § The Watch service.',
    'The Watch service > watches get the lowest free IDs; a duplicate ID or an empty range is refused':
      'refuse sends created and canceled together, watch_id -1, with etcd\'s reason ("mvcc: duplicate watch ID provided on the WatchStream", "mvcc: watcher range is empty"). Lesson: § The Watch service.',
    'The Watch service > a cancel request stops the watch and says so; a progress request gets the revision':
      'cancel: watcher.cancel(), then { watchId, canceled: true }; progress: { header at the current revision, watchId: -1 }. Lesson: § The Watch service.',
    'The Watch service > a watch with progress_notify that hears nothing is told the current revision':
      'Keep, per watch, whether it asked for progress_notify and whether anything was sent since the last tick; one setInterval per stream sends { header, watchId } to the quiet ones. Lesson: § The Watch service.',
    'The Lease service > LeaseGrant answers the ID the store chose, all 64 bits, and the TTL':
      'Grant with { ttl: numberOf(request.TTL), id: idOf(request.ID) } and answer ID as String(bigint): the proto names are ID and TTL, capitals included. Lesson: § The Lease service.',
    'The Lease service > LeaseTimeToLive lists the attached keys; LeaseLeases lists the leases':
      'TimeToLive answers ID, TTL, grantedTTL and keys; Leases answers leases as [{ ID }]. Lesson: § The Lease service.',
    'The Lease service > LeaseRevoke deletes the lease and its keys; a lease not found fails as in etcd':
      "store.leaseRevoke throws the NotFound StoreError; unaryCall turns it into code 5 with etcd's message. Lesson: § The Lease service.",
    'The Lease service > LeaseKeepAlive answers each request on the stream with the renewed TTL':
      "On each 'data' of the call, store.leaseKeepAlive and call.write the answer; end the call when the client ends. Lesson: § The Lease service.",
    'Cluster and Maintenance > MemberList lists this one member: its ID, name and URLs':
      'One member: ID (memberId as a string), name, peerURLs and clientURLs from the state. Lesson: § Cluster and Maintenance.',
    'Cluster and Maintenance > Status says the version, that this member leads, and the revision as raft index':
      'A single member leads itself: leader is its memberId; raftIndex and raftAppliedIndex are the revision; dbSize the size of a snapshot file. Lesson: § Cluster and Maintenance.',
    'Cluster and Maintenance > HashKV hashes the keys at a revision: the same store, the same hash':
      'Range every key (key and range end both [0]) at the revision and crc32 each key, value and revisions into one running hash. Lesson: § Cluster and Maintenance.',
    'Cluster and Maintenance > Defragment has nothing to do, and says so in the log':
      'Defragment logs a line through state.log (say "defragment" in it) and answers a header. Lesson: § Cluster and Maintenance.',
    'Cluster and Maintenance > Alarm lists, raises and clears alarms':
      'Keep "memberID:alarm" entries in state.alarms: ACTIVATE adds, DEACTIVATE removes, every action answers the list. Lesson: § Cluster and Maintenance.',
    'Cluster and Maintenance > a snapshot file holds the store, and reads back to the same snapshot':
      'Encode kata.Snapshot with snapshotMessage.encode, prefix its 4-byte length, pad to 512-byte pages, append sha256 of it all; read it back the same way. Lesson: § Cluster and Maintenance.',
    'Cluster and Maintenance > a damaged snapshot file is refused':
      'Compare the last 32 bytes with the SHA-256 of the rest before decoding; throw an error that says the file is damaged. Lesson: § Cluster and Maintenance.',
    'Cluster and Maintenance > the Snapshot stream sends the snapshot file in pieces':
      'Write the file in 32 KiB pieces, each { header, remainingBytes, blob }, then end the call. Lesson: § Cluster and Maintenance.',
    'One port, two protocols > protocolOf tells HTTP/2 from HTTP/1.1 by the first bytes, waiting while it cannot tell':
      "Compare the bytes you have with the preface's: a difference means 'http'; all 24 equal means 'grpc'; fewer than 24, all equal, means wait. Lesson: § One port, two protocols.",
    'One port, two protocols > one port answers gRPC and the JSON gateway, the same store behind both':
      "Collect 'data' until protocolOf decides, then stop listening, pause, unshift the bytes back and hand the socket over. Lesson: § One port, two protocols.",
  },
};
