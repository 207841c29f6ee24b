// The chapter's work as one Toolkit (harness/client/types.ts): what the scheduler, kubelet,
// controllers and kube-proxy receive. Nothing to write here; it gathers the other files.
import type { Toolkit } from '../../harness/client/types.ts';
import { createClient, keyOf } from './client.ts';
import { createController, updateWithRetry } from './controller.ts';
import { createInformer, indexByNodeName, indexByOwnerUid } from './informer.ts';
import { createLeaderElector } from './leader-election.ts';
import { createWorkQueue } from './workqueue.ts';

export const toolkit: Toolkit = {
  createClient,
  createInformer,
  createWorkQueue,
  createController,
  createLeaderElector,
  keyOf,
  indexers: { nodeName: indexByNodeName, ownerUid: indexByOwnerUid },
  updateWithRetry,
};
