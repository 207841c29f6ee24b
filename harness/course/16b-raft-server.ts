// Chapter 16b's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter16B: Chapter = {
  id: '16b',
  slug: 'raft-server',
  title: 'The replicated store',
  builds:
    "An etcd-shaped member around chapter 16a's Raft: the log on disk, the Ready loop, writes through the log and forwarded to the leader, linearizable reads after a read index, peers on port 2380, etcd's status and member list, snapshots every --snapshot-count entries with the log compacted behind them",
  stages: [
    {
      title: 'The Raft log on disk',
      from: 'Raft storage > records replay in order: the last hard state wins, entries replace the log from their index',
    },
    {
      title: 'The Ready loop and proposals',
      from: 'The member > the Ready loop persists the hard state and entries before it sends a message',
    },
    {
      title: 'Linearizable reads on the member',
      from: "The member > a read index is the leader's commit index once a quorum confirmed it, and a member waits until it applied that far",
      functions: ['RaftMember.readIndex', 'RaftMember.waitApplied'],
    },
    {
      title: 'Members over HTTP, and one fsync for many writes',
      from: 'The member server > --initial-cluster numbers the members in its order, the same on every member',
    },
    {
      title: 'Snapshots: the log compacted on disk, taken and installed by the member',
      from: 'Snapshots > what a snapshot leaves of a log: the entries after it if the log agrees there, none otherwise',
    },
  ],
  hints: {
    'Raft storage > records replay in order: the last hard state wins, entries replace the log from their index':
      "Start from the given start's hard state and a copy of its entries. A hardState record replaces the hard state; an entries record cuts the log to its first index minus one (cutFrom), then appends. Lesson: § Raft storage.",
    'Raft storage > a member reopening its data directory finds the hard state and log it saved':
      'save appends an entries record (when there are entries), then a record of the hard state it now holds, to the write-ahead log, and answers wal.synced(); a hard state whose only change is the commit index is kept in memory and not written. The constructor (given) replays what the log held. Lesson: § Raft storage.',
    'Raft storage > a hard state saved alone leaves the log as it was':
      'save with no entries writes only the hard state record: the log in memory and on disk stays. Lesson: § Raft storage.',
    'The member > the Ready loop persists the hard state and entries before it sends a message':
      'handleReady: take node.ready(); save its hard state and entries when there are any; only then send the messages; then queue the committed entries to apply. (When save answers a promise, send once it settles: § Batching.) Lesson: § The member.',
    'The member > a proposal on the leader is answered once applied, and every member applies it in the same order':
      "propose: node.propose(JSON of the command) gives its index and term; keep a pending answer at that index, run handleReady (now, or after the event loop's round: § Batching). receive steps each message into the node, then runs handleReady. applyEntry (chained one after another) runs a path command through apply and settles the pending answer at its index. Lesson: § The member.",
    'The member > a follower refuses a proposal and names the leader to ask':
      'node.propose answers undefined off the leader: reject with a NotLeaderError of node.lead. Lesson: § The member.',
    "The member > a read index is the leader's commit index once a quorum confirmed it, and a member waits until it applied that far":
      "readIndex gives the read a context of its own and calls node.readIndex(context); when it answers true, keep the promise's resolve under that context and call handleReady, which resolves it from ready.readStates. When it answers false on a leader (nothing committed in its term yet), propose a {barrier: true} command and resolve with its index once applied. waitApplied resolves at once when appliedIndex is there, otherwise keeps a waiter that applyEntry wakes. Lesson: § The member (Linearizable reads).",
    'The member > a leader that has committed nothing of its term yet answers a read with a barrier entry':
      "node.readIndex answers false on a leader until an entry of its term committed. Then readIndex proposes {barrier: true} as a proposal of its own and resolves with the barrier's index once it is applied. Lesson: § The member (Linearizable reads).",
    'The member > a read waiting on a leader that loses its term fails, so that its client asks again':
      'The node drops its pending reads when it steps down, so no ReadState will come. At the end of handleReady, when node.role is not leader, reject every read still waiting with a NotLeaderError naming node.lead, and forget them. Lesson: § The member (Linearizable reads).',
    'The member > a proposal whose index another leader filled is refused, not answered with that entry':
      "In applyEntry, compare the pending proposal's term with the applied entry's: another term means another leader's entry took the index: reject with \"etcdserver: leader changed\". stop rejects every pending one. Lesson: § The member.",
    'Raft storage > save answers a promise of the sync, and writes nothing when only the commit index changed':
      'Keep the new hard state in memory first. Write only when there are entries, the term or vote changed (compare with the one held before), or a snapshot waits (snapshotPending); then append, and return the promise that both wal.synced() and this.snapshotting settle; otherwise return undefined. Lesson: § Raft storage.',
    'Batching > proposals made in one round of the event loop share one save':
      'scheduleReady: unless a turn is already asked for, setImmediate(() => handleReady()). propose, readIndex and receive call it instead of handleReady; tick keeps its turn at once. Lesson: § Batching.',
    'Batching > a leader sends its appends while its save is under way, and counts the answers once it is done':
      "handleReady: queue the committed entries first; on a leader, send the messages before save; when save answers a promise, set persisting (and holding on a leader) and call persisted once it settles, which sends a follower's messages, steps the held ones through receive and runs a turn that waited. receive pushes to held while holding. Lesson: § Batching.",
    'The member server > --initial-cluster numbers the members in its order, the same on every member':
      'Split on commas, then at the first "=": a name and a URL (drop a trailing slash). Number from 1 in order; refuse a pair without both, and a name given twice. Lesson: § The member server.',
    'The member server > a lease grant without an ID gets one before it is proposed, so every member grants the same':
      'Parse the body; keep it as it is when ID (or id) is set and not 0; otherwise add ID as a decimal string of a random positive 63-bit number. Lesson: § The member server (Leases).',
    'The member server > a follower hands a proposal to the leader over its peer port, and asks it for the read index':
      'proposeVia: when lead.id is not self, POST the command as JSON to <lead.peerUrl>/propose with an x-server-from header naming self; answer its status and body. readIndexVia: POST <lead.peerUrl>/readindex and read {index}. Lesson: § The member server.',
    'The member server > three members: a put sent to any member is read back from every one, and they agree on the leader':
      "proposeVia: on the leader (lead.id === self) the member's own propose; otherwise POST the command to <lead.peerUrl>/propose and hand back its status and body. readIndexVia: the same with /readindex, whose answer is {index}. Lesson: § The member server.",
    'Snapshots > what a snapshot leaves of a log: the entries after it if the log agrees there, none otherwise':
      "entriesAfter: a log starting at snapshot.index + 1 stays whole; otherwise find the entry at snapshot.index (log[index - first index]): if it has the snapshot's term, keep what follows it, else nothing. Lesson: § Snapshots.",
    'Snapshots > the storage hands the log a snapshot with the hard state and the entries after it, and reads them back':
      'saveSnapshot: skip one not newer than the saved; keep it and entriesAfter in memory; set snapshotPending; chain wal.saveSnapshot of the JSON {snapshot, hardState, entries} after this.snapshotting (made when its turn comes: whole()). save and replayRecords must cut a log whose first index is not 1. Lesson: § Snapshots.',
    "Snapshots > a leader's snapshot that the log disagrees with leaves no entries; an older one changes nothing":
      'saveSnapshot returns at once for a snapshot at or below the saved one. For a newer one, entriesAfter finds no agreeing entry at its index: the log in memory and on disk is left with none, and the snapshot is what the storage answers. Lesson: § Snapshots.',
    'Snapshots > a snapshot taken while a sync runs: that sync still settles, and later saves come after it':
      "The write-ahead log writes a snapshot after the records appended before it and puts later records in a new segment: nothing of yours closes a file. Chain the log's snapshots one after another on this.snapshotting (catching a failure first), and have save wait for the chain too. Lesson: § Snapshots.",
    'Snapshots > a member snapshots its store every snapshotCount applied entries, and its node compacts':
      'After each applied entry (when snapshotCount is set), maybeSnapshot: once appliedIndex - snapshotIndex reaches snapshotCount, await stateSnapshot(), node.compact(appliedIndex, data), storage.saveSnapshot, remember the index. A failure must not break the apply chain. Lesson: § Snapshots.',
    "Snapshots > a member loads the leader's snapshot into its store and counts it as applied":
      "handleReady: storage.saveSnapshot(ready.snapshot) before save, and queueRestore after sending: chain restoreSnapshot, which awaits restoreState(data), sets the applied index (waking waiters) and refuses proposals at or below it. The constructor starts appliedIndex at storage.snapshot()'s index. Lesson: § Snapshots.",
  },
};
