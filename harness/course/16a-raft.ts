// Chapter 16a's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter16A: Chapter = {
  id: '16a',
  slug: 'raft',
  title: 'Raft',
  builds:
    "Raft as a pure state machine in the style of etcd's raft package: elections with pre-vote, log replication with fast backtracking, the commit rule of Figure 8, persistence, check-quorum, leader transfer, ReadIndex, snapshots with log compaction and InstallSnapshot; proven on a simulated network",
  stages: [
    {
      title: 'The log: terms, the consistency check and conflicts',
      from: 'The log > an empty log ends at index 0 of term 0; past its end there is no term',
    },
    {
      title: 'Timeouts and campaigns',
      from: 'Elections > a follower that hears from nobody campaigns after its randomized timeout, from electionTick to twice it',
      functions: [
        'Raft.resetElectionTimer',
        'Raft.becomeFollower',
        'Raft.tick',
        'Raft.campaign',
        'Raft.wonElection',
        'Raft.ready',
      ],
    },
    {
      title: "Votes, terms, pre-votes and the leader's lease",
      from: 'Elections > a candidate refused by a quorum follows again; one refusal is not enough',
      functions: ['Raft.handleVoteRequest', 'Raft.handleVoteResponse', 'Raft.step', 'Raft.inLease'],
    },
    {
      title: 'A leader sends its log, a follower appends it',
      from: 'Replication > a candidate with a quorum of votes leads: it appends a no-op entry of its term and sends it to every follower',
      functions: [
        'Raft.becomeLeader',
        'Raft.appendEntry',
        'Raft.propose',
        'Raft.sendAppend',
        'Raft.broadcastAppend',
        'Raft.handleAppend',
        'Raft.maybeCommit',
      ],
    },
    {
      title: 'Commit, Figure 8, fast backtracking, heartbeats and check-quorum',
      from: 'Replication > a leader commits an index once a quorum matched it, applies it and tells the followers',
      functions: ['Raft.handleAppendResponse', 'Raft.tickLeader', 'Raft.quorumActive'],
    },
    {
      title: 'Restarts, and a whole cluster under faults',
      from: 'Persistence > ready hands over the hard state only when it changed, and entries and messages once',
    },
    {
      title: 'Leader transfer (TimeoutNow) and linearizable reads (ReadIndex)',
      from: 'Leader transfer > a leader hands over to a follower that matches its log: TimeoutNow at once',
    },
    {
      title: 'Snapshots: log compaction and InstallSnapshot',
      from: 'Snapshots > compaction drops the entries up to an applied index and keeps the term there',
    },
  ],
  hints: {
    'The log > an empty log ends at index 0 of term 0; past its end there is no term':
      'lastIndex is the number of entries (entries[i] is index i + 1); term(0) is 0, the term before the first entry; past the end, undefined; lastTerm is the term at lastIndex. Lesson: § The log.',
    'The log > a log built from storage answers the term at each index, and its last':
      'The constructor keeps the persisted entries; term(i) reads entries[i - 1]. matchTerm(i, t) is just term(i) === t, so a missing index never matches. Lesson: § The log.',
    'The log > up to date: a later last term wins; with the same last term, the longer log':
      'Compare the last terms first: a later one wins outright; only with equal last terms does the longer log (or an equal one) count as up to date. Lesson: § The log, § Elections.',
    'The log > the consistency check: an append whose previous entry this log lacks is refused':
      'maybeAppend first asks matchTerm(prevIndex, prevTerm); if the log lacks that entry, answer undefined and change nothing. Otherwise the last new index is prevIndex + entries.length. Lesson: § The log.',
    'The log > an append keeps the entries that agree and replaces everything from the first conflict':
      'Find the first sent entry whose term differs from ours at its index (matchTerm); only from there truncate and append the rest. An append of entries we already hold must cut nothing: it may be a late duplicate. Lesson: § The log.',
    'The log > the commit index follows the leader, no further than the entries it vouched for, never back':
      'commitTo(min(leaderCommit, lastNew)): the leader vouched only for the entries up to lastNew. commitTo never moves back. Replacing an entry at or below committed is a broken invariant: throw. Lesson: § The log.',
    'The log > findConflictByTerm: the last index at or below one whose term is at most the given term':
      'Start at min(index, lastIndex) and walk down while the term there is greater than the given term. Terms only grow along a log, so the first index that stops the walk is the answer. Lesson: § The log.',
    'The log > entries are handed out to persist once, and again after a conflict replaced them':
      'Keep `stable`, the last persisted index: takeUnstable returns the entries after it and moves it to lastIndex. A truncation below it moves it back, so the replacement is persisted again. Lesson: § The log.',
    'The log > committed entries are handed out to apply once, in order':
      'takeCommitted returns entries applied + 1 to committed and moves applied up. A log built from storage has applied 0: a restarted node applies its log again. Lesson: § The log.',
    'Elections > a follower that hears from nobody campaigns after its randomized timeout, from electionTick to twice it':
      'resetElectionTimer: electionElapsed = 0 and a timeout of electionTick + floor(random() * electionTick). tick counts electionElapsed and campaigns when it reaches the timeout. Lesson: § Elections.',
    'Elections > becoming a follower of a new term forgets the vote; of the same term keeps it':
      'becomeFollower(term, lead): a term other than the current one takes it and clears the vote; either way role follower, lead as given, and a fresh election timer. Lesson: § Elections.',
    'Elections > a candidate moves to the next term, votes for itself, persists both and asks every other member':
      'campaign(false): role candidate, term + 1, vote for itself, then a Vote to every other member carrying the last index and last term of the log. ready() hands over the hard state when term, vote or commit changed, and the messages. Lesson: § Elections.',
    'Elections > a campaign with no answer starts over at its next timeout, in the term after':
      'Each campaign draws a new timeout (resetElectionTimer) and a candidate keeps ticking toward it: when it runs out again, campaign again, one term later. Lesson: § Elections.',
    'Elections > a candidate refused by a quorum follows again; one refusal is not enough':
      'Keep the answers to a campaign in votes; step passes VoteResponses to a candidate (handleVoteResponse). Count the refusals: a quorum of them and the candidate becomes a follower of the same term with no leader. Lesson: § Elections.',
    'Elections > a member grants one vote a term, and only to a log at least as up to date as its own':
      "handleVoteRequest: grant if the vote is already the asker's, or no vote and no leader this term, and the asker's log isUpToDate. Record the vote; a refusal carries the node's own term. A later term resets the vote first (step). Lesson: § Elections.",
    'Elections > a message of a later term makes any member a follower of that term, its vote forgotten':
      'At the top of step: a message of a later term makes the node a follower of that term (becomeFollower forgets the vote), with the sender as leader if it is an Append. Messages of an earlier term are dropped. Lesson: § Elections.',
    'Elections > pre-vote: a pre-candidate asks for the next term without taking it, and campaigns once a quorum agrees':
      'campaign(true): role pre-candidate, term unchanged, PreVotes for term + 1. A granted PreVoteResponse carries term + 1: step must not make the node a follower of it. A quorum of them: campaign(false). Lesson: § Elections.',
    'Elections > a pre-vote is granted on the log alone and changes nothing; a pre-vote for a stale term is refused':
      "A PreVote of a later term changes no term in step and is granted on the log alone (canVote also holds when the PreVote's term is later); the grant carries the asked term. A stale PreVote gets a refusal in the node's term. Lesson: § Elections.",
    'Elections > check-quorum: a member that just heard from its leader ignores campaigns of later terms':
      'inLease: checkQuorum, a known leader, and electionElapsed below electionTick. While in lease, drop Vote and PreVote of later terms at the very top of step, before any term change. Lesson: § Elections.',
    'Replication > a candidate with a quorum of votes leads: it appends a no-op entry of its term and sends it to every follower':
      'wonElection: a quorum of granted votes (its own included) makes a candidate becomeLeader: role leader, lead = id, progress for every member with next = lastIndex + 1, then a no-op entry (no command) of its term, sent to every follower from its next. Lesson: § Replication.',
    'Replication > a candidate follows a leader of its own term; stale answers to a campaign are dropped':
      "An Append of the candidate's own term means someone won: becomeFollower(term, sender) keeps the vote of this term. Answers to a campaign count only while the node is still a candidate of that term. Lesson: § Elections.",
    'Replication > a cluster of one elects itself at its first timeout, pre-vote and all':
      'campaign counts its own vote first: with a quorum of one, a pre-candidate moves straight to campaign(false) and a candidate straight to becomeLeader, sending nothing. Lesson: § Elections.',
    'Replication > a leader takes a proposal at the end of its log and sends it; a follower takes none':
      'propose: only a leader; append { term, index: lastIndex + 1, command }, update its own progress, send Appends, answer index and term. sendAppend: prevIndex = next - 1, its term, entries from next, commit; next moves past what was sent. Lesson: § Replication.',
    'Replication > a follower appends what matches and answers its last index; it refuses a gap with a hint':
      'handleAppend: log.maybeAppend; on success answer an AppendResponse with the last new index; on refusal answer reject with index = prevIndex, rejectHint = findConflictByTerm(min(prevIndex, lastIndex), prevTerm) and logTerm = the term at the hint. Lesson: § Replication.',
    'Replication > a leader commits an index once a quorum matched it, applies it and tells the followers':
      'handleAppendResponse: an acceptance raises match (and next); maybeCommit sorts the matches and takes the quorum-th highest; if it moved, send Appends so followers learn the commit. Lesson: § Replication.',
    'Replication > Figure 8: a leader does not commit an entry of an earlier term, however many hold it':
      "maybeCommit commits index N only if the entry at N is of the leader's current term; older entries commit with it, never by counting their own replicas. Lesson: § Replication (Figure 8).",
    'Replication > a refusal moves the follower back to where its hint says the logs may agree, skipping whole terms':
      'On a refusal not yet known to match (index above match and below next): ask your own log findConflictByTerm(rejectHint, logTerm); next = max(match + 1, min(index, that + 1)); send again. Lesson: § Replication.',
    'Replication > one Append carries at most maxEntriesPerAppend entries, and next moves past what was sent':
      'sendAppend takes at most maxEntriesPerAppend entries from next, and next moves past them; a refusal moves next back and sends again from there. Lesson: § Replication.',
    'Replication > a leader sends heartbeats every heartbeatTick; an Append of an old term is answered so its sender steps down':
      "tickLeader counts heartbeatElapsed and sends an Append (empty when the follower is up to date) at heartbeatTick. In step, an Append of an older term gets a refusal in the node's own term, which makes the old leader a follower. Lesson: § Replication.",
    'Replication > check-quorum: a leader that heard from no quorum in an election timeout steps down':
      'Mark recentActive on every AppendResponse. Every electionTick ticks, tickLeader counts the members marked (itself included) and clears the marks; fewer than a quorum: becomeFollower(term, None). Lesson: § Replication.',
    'Persistence > ready hands over the hard state only when it changed, and entries and messages once':
      'Remember the hard state last handed over; ready() includes hardState only when term, vote or commit differ from it, then takeUnstable, takeCommitted and the messages, each emptied. Lesson: § Persistence.',
    'Persistence > a node starts again from its storage: its term, its vote, its log and its commit index':
      'The constructor reads storage.hardState() and storage.entries(): term, vote, and a RaftLog of the entries with the persisted commit index. It starts as a follower with no leader. Lesson: § Persistence.',
    'Persistence > a restarted node does not vote twice in a term: the vote it persisted holds':
      'Nothing new if the vote comes from storage: the vote for 2 in term 4 must refuse 3 and grant 2 again. Lesson: § Persistence.',
    'The cluster > initial election: one leader, and it stays leader while nothing fails':
      'If no leader comes, print the events in the failure: are PreVotes answered? Does a pre-candidate count its quorum and campaign? If the term keeps moving, timeouts may not be reset on Appends. Lesson: § The cluster.',
    'The cluster > re-election: a leader cut off is replaced; no majority, no leader; back together, one leader':
      'A leader cut off must not stop the others: their timeouts run out and one campaigns. When it comes back, its Appends of an older term are refused and it follows. Lesson: § The cluster.',
    'The cluster > many elections: seven members, three cut off at random, again and again, always one leader':
      'Elections among seven with three cut off need a quorum of four; check refusals count (a quorum refused ends a campaign) and that a new timeout is drawn at each campaign. Lesson: § The cluster.',
    'The cluster > basic agreement: each command is applied by every member, at consecutive indexes':
      "The leader's no-op takes the first index of its term; each proposal after it the next index. Every member must apply each entry (committedEntries in ready()). Lesson: § The cluster.",
    'The cluster > RPC counts: an election and each agreement take a handful of messages, not a flood':
      'Send one Append per follower per heartbeat, and after an acceptance only when there is more to send or the commit moved. Lesson: § The cluster.',
    'The cluster > a follower cut off: the other two still agree; with two cut off, the leader alone does not':
      'A quorum of 2 of 3 commits; a leader alone keeps proposing but maybeCommit never reaches a quorum. Lesson: § The cluster.',
    'The cluster > a leader cut off: the others elect another and go on; back, it takes the new log':
      'Back from its cut-off, the old leader hears a later term and becomes a follower; its log is brought in line by the consistency check. Lesson: § The cluster.',
    'The cluster > no agreement without a majority: three of five cut off, then back, agreement again':
      'Nothing commits with three of five gone; after the heal, the members behind must be brought forward (refusals and fast backtracking). Lesson: § The cluster.',
    'The cluster > concurrent starts: five commands offered in the same term all commit, each once':
      'Each proposal takes its own index; make sure appendEntry reads lastIndex after the previous proposal was appended. Lesson: § The cluster.',
    'The cluster > rejoin: a leader cut off with uncommitted entries comes back and drops them':
      "The old leader's uncommitted entries conflict with the new leader's: the follower side of maybeAppend must truncate from the first conflict. Lesson: § The cluster, § The log.",
    'The cluster > fast backup: a leader brings followers past fifty conflicting entries in a few rejections':
      "Without fast backtracking each refusal moves next back by one. Use the hint: the follower's findConflictByTerm, then the leader's own findConflictByTerm on it. Lesson: § Replication.",
    'Faults > a member restarted from its storage keeps its term, vote and log':
      'A member restarted keeps only what ready() handed over and was saved: the hard state and entries must be in the Ready before the messages that depend on them. Lesson: § Faults, § Persistence.',
    'Faults > crashes of followers and leaders, again and again: what committed stays committed':
      'What committed stays committed because a vote needs an up-to-date log (isUpToDate) and the vote is persisted before it is sent. Lesson: § Faults.',
    'Faults > Figure 8, step by step: an old entry on four of five is not committed until the new term has one there too':
      "The scenario of the paper's Figure 8, played with crashes and lost Appends: the leader of the newest term holds an old term's entry on four of five members, and its own no-op only on two. maybeCommit must wait for an entry of the current term. Lesson: § Replication (Figure 8), § Faults.",
    'Faults > Figure 8: a leader never commits an entry of an older term by counting its replicas':
      "Check maybeCommit's current-term rule and the election restriction; the failure prints which index two members applied differently. Lesson: § Faults, § Replication.",
    'Faults > agreement while messages are lost, duplicated, delayed and reordered':
      'Duplicated and reordered Appends: an old Append must not cut entries (maybeAppend truncates only at a real conflict) and old refusals must not move next below match. Lesson: § Faults.',
    'Faults > Figure 8 on an unreliable network: leaders cut off at random, the log still agrees':
      'Late messages from old terms are dropped in step; late refusals are ignored once the follower is known to match. Replay the seed printed to watch the events. Lesson: § Faults.',
    'Faults > a key-value store on the cluster: what its clients saw through crashes, cuts and a lossy network is linearizable':
      'Nothing new in raft.ts if the faults suites pass: every get, put and append is an entry, and an operation is answered once a member applied it. A failure prints the operations of the key that has no linearization: look for a read that missed a write acknowledged before it was called. Lesson: § Faults.',
    'Leader transfer > a leader hands over to a follower that matches its log: TimeoutNow at once':
      "transferLeadership(to) on the leader: ignore itself, a non-member and a transfer already under way to the same member; set leadTransferee, restart electionElapsed, and when progress.match equals the log's last index, sendTimeoutNow(to). Lesson: § Leader transfer.",
    'Leader transfer > a follower told TimeoutNow campaigns at once: no pre-vote, and its votes say it is a transfer':
      'In step, route TimeoutNow to handleTimeoutNow: a follower calls campaign(false, true), and campaign puts transfer: true on each Vote when asked. Lesson: § Leader transfer.',
    "Leader transfer > a member in its leader's lease ignores a campaign, but answers one the leader asked for":
      'step drops a later-term PreVote or Vote while inLease(), unless the message has transfer set. Lesson: § Leader transfer, § Elections.',
    'Leader transfer > a follower behind is sent the log first, TimeoutNow once it matches; meanwhile no proposals':
      'A transferee behind gets sendAppend instead; handleAppendResponse sends TimeoutNow when m.from is the transferee and its match reaches the last index. propose answers undefined while leadTransferee is set. Lesson: § Leader transfer.',
    'Leader transfer > a transfer not done within an election timeout is given up: the leader takes proposals again':
      'In tickLeader, every electionTick ticks (with or without check-quorum) clear leadTransferee; becomeFollower clears it too. Lesson: § Leader transfer.',
    'Leader transfer > on the simulated network: the member asked for leads one term later, and commands commit on':
      "Nothing new if the unit tests pass: the transferee wins in term + 1 because the leader is on its side and the others answer a transfer's votes. If it took two terms, the campaign went through a pre-vote. Lesson: § Leader transfer.",
    'Linearizable reads > a read waits at the commit index until a quorum answered an Append tagged with it':
      'readIndex(context): push {context, index: committed, acks: {self}} onto pendingReads, call confirmRead for itself, then sendAppend(peer, context) to every other member. handleAppendResponse calls confirmRead(m.context, m.from) when the answer carries a context; ready() hands over readStates only when there are some. Lesson: § Linearizable reads.',
    'Linearizable reads > no read on a leader that has not committed an entry of its term, nor on a follower':
      'Answer false unless role is leader and log.term(log.committed) equals the current term: a new leader learns the true commit index only when its no-op commits. Lesson: § Linearizable reads.',
    'Linearizable reads > a follower echoes the tag, even when it refuses the Append':
      "handleAppend's respond() copies m.context onto every AppendResponse, the refusal too: a refusal of this term still says the member follows this leader. Lesson: § Linearizable reads.",
    'Linearizable reads > an answer for a later read confirms the earlier ones; a leader that steps down forgets its reads':
      'confirmRead finds the read by its context, adds the member, and at a quorum splices out that read and every one before it into readStates, in order. becomeFollower empties pendingReads. Lesson: § Linearizable reads.',
    'Snapshots > compaction drops the entries up to an applied index and keeps the term there':
      "The log keeps an offset (the snapshot's index) and its term: lastIndex is offset + entries.length, term(offset) is the kept term, below it undefined, and the other functions index entries from offset. compact(i) throws past applied, drops the entries up to i and moves the offset there. Lesson: § Snapshots.",
    'Snapshots > a log built after a snapshot applies only what follows it; restoring one replaces the whole log':
      "The constructor takes the snapshot's index and term: applied (and committed, at least) start at its index, so takeCommitted slices from applied - offset. restore(i, t) empties the entries and sets offset, its term, committed, applied and stable to i. Lesson: § Snapshots.",
    'Snapshots > a node compacts at an applied index and answers the snapshot to persist':
      "Raft.compact(index, data): throw unless log.term(index) is known and index is at most log.applied; keep { index, term, peers, data } as this node's snapshot, log.compact(index), and answer it. Lesson: § Snapshots.",
    'Snapshots > a node starts again from a snapshot and the entries after it':
      'The constructor reads storage.snapshot?.() and hands its index and term to the RaftLog with the entries after it; keep it as the snapshot to send. Lesson: § Snapshots.',
    'Snapshots > a leader sends its snapshot to a follower that needs a compacted entry':
      "In sendAppend, when log.term(next - 1) is undefined the entry is compacted: sendSnapshot(to) sends a Snapshot message carrying this node's snapshot and moves next to its index + 1. The follower's AppendResponse then counts like any acceptance. Lesson: § Snapshots.",
    'Snapshots > a follower installs a snapshot: its log is replaced, and it persists the snapshot before answering':
      "In step, treat Snapshot like Append (a leader's message: follow the sender, reset the election clock) and route it to handleSnapshot: log.restore(index, term), remember the snapshot for ready() to hand over once, and answer an AppendResponse with its index. Lesson: § Snapshots.",
    'Snapshots > a snapshot the follower already has changes no log: it commits, or answers its commit':
      'handleSnapshot checks before restoring: at or below the commit index, answer the commit index; if matchTerm(index, term) holds, the log already has it: commitTo(index) and answer. Only otherwise restore. Lesson: § Snapshots.',
    'Snapshots > a follower cut off while the others compacted catches up through a snapshot':
      "Nothing new if the unit tests pass: the member behind refuses Appends, the leader's next falls to a compacted index, and sendAppend turns into sendSnapshot. If no snapshot is sent, check the refusal path moves next back below the offset. Lesson: § Snapshots.",
    'Snapshots > snapshots with crashes: members snapshot, crash, are cut off and come back on a lossy network':
      'A restarted member starts from its snapshot; a lost Snapshot comes back as a refusal and is sent again; a late, duplicated one at or below the commit index must change nothing. Replay the printed seed to watch the events. Lesson: § Snapshots.',
  },
};
