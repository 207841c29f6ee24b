// Chapter 02b's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter2B: Chapter = {
  id: '02b',
  slug: 'store-grpc',
  title: 'The store speaks gRPC',
  builds:
    "etcd's gRPC services (KV, Watch, Lease, Maintenance, Cluster) beside the JSON gateway on one port, so etcdctl works, with snapshot and restore",
  stages: [],
  hints: {},
};
