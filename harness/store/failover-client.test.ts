// The failover client: a request that failed for want of its member goes to the next member, for as
// long as an election takes; one the member refused for a reason of its own does not; a watch that lost its member starts again
// on the next one from the first revision it had not delivered.
import { describe, expect, test } from 'vitest';
import type { ClientWatch, StoreClient, WatchHandlers } from './client.ts';
import { FailoverStoreClient, isMemberFailure } from './failover-client.ts';
import type { WatchRequest } from './types.ts';

/** A member's client that fails every call with `error`, or answers with `revision`. */
function member(answer: { error?: Error; revision?: number }, watches: WatchRequest[] = []) {
  const call = async () => {
    if (answer.error) throw answer.error;
    return { header: { revision: answer.revision ?? 1 }, kvs: [], more: false, count: 0 };
  };
  return {
    range: call,
    watch: (request: WatchRequest, handlers: WatchHandlers): ClientWatch => {
      watches.push(request);
      queueMicrotask(() => {
        if (answer.error) return handlers.onEnd?.({ error: answer.error });
        handlers.onResponse({ revision: 7, events: [] });
      });
      return {
        created: answer.error ? Promise.reject(answer.error) : Promise.resolve(),
        cancel() {},
      };
    },
    close: async () => {},
  } as unknown as StoreClient;
}

describe('The failover store client', () => {
  test('a refused connection moves to the next member; a request the member refused does not', async () => {
    expect(isMemberFailure(new Error('fetch failed')), 'fetch failed is the member').toBe(true);
    expect(isMemberFailure(new Error('etcdserver: no leader')), 'no leader is the member').toBe(
      true,
    );
    expect(
      isMemberFailure(new Error('etcdserver: key is not provided')),
      'a bad request is not',
    ).toBe(false);
    const client = new FailoverStoreClient([
      member({ error: new Error('fetch failed') }),
      member({ revision: 42 }),
    ]);
    const range = await client.range({ key: new Uint8Array([1]) });
    expect(range.header.revision, 'member 1 refused the connection: member 2 answered').toBe(42);
    const refusing = new FailoverStoreClient([
      member({ error: new Error('etcdserver: key is not provided') }),
      member({ revision: 42 }),
    ]);
    await expect(
      refusing.range({ key: new Uint8Array() }),
      'a bad request fails as it is',
    ).rejects.toThrow('key is not provided');
  });

  test('through an election every member fails for a while: the request keeps trying, and is answered', async () => {
    const electing = {
      error: new Error('etcdserver: no leader') as Error | undefined,
      revision: 9,
    };
    const client = new FailoverStoreClient([
      member({ error: new Error('fetch failed') }),
      member(electing),
      member(electing),
    ]);
    setTimeout(() => (electing.error = undefined), 1000);
    const range = await client.range({ key: new Uint8Array([1]) });
    expect(
      range.header.revision,
      'the leader dead, the others without a leader for a second, then one answers',
    ).toBe(9);
  });

  test('a watch that lost its member starts again on the next one after the last revision delivered', async () => {
    const asked: WatchRequest[] = [];
    const client = new FailoverStoreClient([
      member({ error: new Error('lost the watch connection: fetch failed') }, asked),
      member({}, asked),
    ]);
    const revisions: number[] = [];
    const watch = client.watch(
      { key: new Uint8Array([1]), startRevision: 5 },
      {
        onResponse: (response) => revisions.push(response.revision),
      },
    );
    await watch.created;
    expect(
      asked.map((request) => request.startRevision),
      'member 1 lost, then member 2',
    ).toEqual([5, 5]);
    expect(revisions, 'member 2 delivered revision 7').toEqual([7]);
    watch.cancel();
  });
});
