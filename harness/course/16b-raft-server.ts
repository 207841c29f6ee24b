// Chapter 16b's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter16B: Chapter = {
  id: '16b',
  slug: 'raft-server',
  title: 'The replicated store',
  builds:
    "An etcd-shaped member around chapter 16a's Raft: the log on disk, the Ready loop, writes through the log and forwarded to the leader, linearizable reads after a read index, peers on port 2380, etcd's status and member list",
  stages: [
    {
      title: 'The Raft log on disk, and the Ready loop',
      from: 'Raft storage > records replay in order: the last hard state wins, entries replace the log from their index, a torn line ends it',
    },
    {
      title: 'Members over HTTP: forwarding, read index, status',
      from: 'The member server > --initial-cluster numbers the members in its order, the same on every member',
    },
  ],
  hints: {},
};
