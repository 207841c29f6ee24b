// Objects in the store: how API objects become keys and values in etcd (or the kata store), and
// how the store's revisions become resourceVersions.
//
// An object is stored as JSON at /registry/<resource>/<namespace>/<name>. Its resourceVersion is
// not stored at all: it is the key's modRevision, which the store sets on every write, so it is
// always exact and costs nothing to keep. A list's resourceVersion is the store's revision when
// it was read: a watch from there misses nothing.
//
// Optimistic concurrency: nothing is locked. Every write is a transaction that compares first:
// create only if the key does not exist (createRevision = 0), update and delete only if the key
// is still at the modRevision we read. If someone else wrote in between, the compare fails and we
// read again: either the caller's object names an older resourceVersion (409 Conflict, the client
// must re-read), or it names none and the change is simply tried again on the newer object.
//
// Dry run: every write takes WriteOptions, and with { dryRun: true } it does all its reading and
// checking (the name is free, the preconditions hold, the update applies) and answers with the
// object it would have stored, but writes nothing. This is the one place a dry run is decided,
// as kube-apiserver's DryRunnableStorage does: the handlers above run in full either way.
import { decodeContinue, encodeContinue } from '../../harness/api/continue.ts';
import { ApiError } from '../../harness/api/errors.ts';
import { prefixEnd, bytes, text } from '../../harness/store/bytes.ts';
import type { StoreClient } from '../../harness/store/client.ts';
import { StoreError } from '../../harness/store/errors.ts';
import type { KeyValue, RangeResponse } from '../../harness/store/types.ts';
import type { ObjectPredicate } from '../../harness/api/machinery.ts';
import type {
  ObjectEvent,
  ObjectWatch,
  ObjectWatchHandlers,
} from '../../harness/api/object-watch.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import { collectionKey, storageKey } from './paths.ts';
import { sameJson } from '../../harness/api/json.ts';
import { alreadyExists, conflict, notFound } from './status.ts';

/** A collection as read at one revision. */
export interface StoredList {
  items: KubeObject[];
  /** The store's revision at the read: the list's resourceVersion. */
  revision: number;
  /** When a limit cut the list short: the token that reads the next page. */
  continue?: string;
  /** When a limit cut the list short: how many objects the later pages hold. */
  remainingItemCount?: number;
}

/** How a write is done. */
export interface WriteOptions {
  /** Check everything, answer as if stored, store nothing (?dryRun=All). */
  dryRun?: boolean;
}

/**
 * What a delete may require of the object it deletes (DeleteOptions.preconditions): that it is
 * still the one with this uid, or still at this resourceVersion.
 */
export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

/** Conflict (409) unless `current` still is the object the preconditions name. */
export function checkPreconditions(
  resource: ResourceType,
  current: KubeObject,
  preconditions: Preconditions,
): void {
  const { uid, resourceVersion } = preconditions;
  if (
    (uid && uid !== current.metadata.uid) ||
    (resourceVersion && resourceVersion !== current.metadata.resourceVersion)
  ) {
    throw conflict(resource, current.metadata.name!);
  }
}

/** One page of a list: at most `limit` objects (0: all), from where `continue` says. */
export interface ListPage {
  limit?: number;
  continue?: string;
}

// What a watch delivers (events about objects, and the handlers that receive them) is defined in
// harness/api/object-watch.ts, where the API server's watch cache uses it too.
export type {
  ObjectEvent,
  ObjectWatch,
  ObjectWatchHandlers,
} from '../../harness/api/object-watch.ts';

/** Turns a stored value back into an object, with its resourceVersion. */
export function decodeObject(value: Uint8Array, revision: number): KubeObject {
  const object = JSON.parse(text(value)) as KubeObject;
  object.metadata.resourceVersion = String(revision);
  return object;
}

/** The stored form of an object: JSON, without the resourceVersion (the store tracks that). */
export function encodeObject(object: KubeObject): Uint8Array {
  const { resourceVersion: _rv, ...metadata } = object.metadata;
  return bytes(JSON.stringify({ ...object, metadata }));
}

/** 410 for a continue token whose revision the store has forgotten: start the list again. */
function continueExpired(): ApiError {
  return new ApiError(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can ' +
      'start a new list without the continue parameter.',
  );
}

export class ObjectStorage {
  private readonly store: StoreClient;

  constructor(store: StoreClient) {
    this.store = store;
  }

  /**
   * Stores a new object; AlreadyExists (409) when its name is taken. Returns it as stored. A dry
   * run checks the name is free and returns the object as it is, without a resourceVersion.
   */
  async create(
    resource: ResourceType,
    object: KubeObject,
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    const name = object.metadata.name!;
    const key = bytes(storageKey(resource, object.metadata.namespace, name));
    const value = encodeObject(object);
    const taken = options.dryRun && (await this.store.range({ key, countOnly: true })).count > 0;
    if (taken) throw alreadyExists(resource, name);
    if (options.dryRun) return JSON.parse(text(value)) as KubeObject;
    const answer = await this.store.txn({
      compare: [{ key, target: 'CREATE', result: 'EQUAL', createRevision: 0 }],
      success: [{ requestPut: { key, value } }],
    });
    if (!answer.succeeded) throw alreadyExists(resource, name);
    return decodeObject(value, answer.header.revision);
  }

  /** One object, at its current resourceVersion; NotFound (404) when there is none. */
  async get(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
  ): Promise<KubeObject> {
    const kv = await this.read(resource, namespace, name);
    return decodeObject(kv.value, kv.modRevision);
  }

  /**
   * Every object of a collection (one namespace, or all of them), in key order; or one page of
   * them. A page is read at the revision of the first, so the pages add up to one consistent list
   * even while others write; once that revision is compacted, the token is 410 Expired.
   */
  async list(resource: ResourceType, namespace?: string, page: ListPage = {}): Promise<StoredList> {
    const prefix = collectionKey(resource, namespace);
    const from = page.continue ? decodeContinue(page.continue) : { rv: 0, start: '' };
    let answer: RangeResponse;
    try {
      answer = await this.store.range({
        key: bytes(prefix + from.start),
        rangeEnd: prefixEnd(bytes(prefix)),
        limit: page.limit ?? 0,
        revision: from.rv,
      });
    } catch (error) {
      if (from.rv > 0 && error instanceof StoreError && error.message.includes('compacted')) {
        throw continueExpired();
      }
      throw error;
    }
    const revision = from.rv || answer.header.revision;
    const items = answer.kvs.map((kv) => decodeObject(kv.value, kv.modRevision));
    if (!answer.more) return { items, revision };
    // The next page starts just after the last key of this one: the key plus a zero byte.
    const lastKey = text(answer.kvs.at(-1)!.key);
    return {
      items,
      revision,
      continue: encodeContinue({ rv: revision, start: `${lastKey.slice(prefix.length)}\0` }),
      remainingItemCount: answer.count - answer.kvs.length,
    };
  }

  /**
   * Reads the object, asks `tryUpdate` for its next state and writes that only if nobody wrote in
   * between (kube-apiserver calls this GuaranteedUpdate). When `tryUpdate` returns an object that
   * names a resourceVersion, it must be the current one, or the update fails with Conflict (409).
   * An object that names none is retried on the newer state. An update that changes nothing is
   * not written. Returns the object as stored; a dry run returns it as it would be, at the
   * current resourceVersion.
   */
  async update(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
    tryUpdate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    for (;;) {
      const kv = await this.read(resource, namespace, name);
      const current = decodeObject(kv.value, kv.modRevision);
      const next = await tryUpdate(structuredClone(current));
      checkPreconditions(resource, current, { resourceVersion: next.metadata.resourceVersion });
      const value = encodeObject(next);
      if (sameJson(JSON.parse(text(value)), JSON.parse(text(kv.value)))) return current;
      if (options.dryRun) return decodeObject(value, kv.modRevision);
      const answer = await this.store.txn({
        compare: [{ key: kv.key, target: 'MOD', result: 'EQUAL', modRevision: kv.modRevision }],
        success: [{ requestPut: { key: kv.key, value } }],
      });
      if (answer.succeeded) return decodeObject(value, answer.header.revision);
    }
  }

  /**
   * Deletes the object if it still matches the preconditions (Conflict otherwise) and returns its
   * last state, with the delete's revision as its resourceVersion. A dry run checks the same and
   * returns the object as it is, still stored.
   */
  async delete(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
    preconditions: Preconditions = {},
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    for (;;) {
      const kv = await this.read(resource, namespace, name);
      const current = decodeObject(kv.value, kv.modRevision);
      checkPreconditions(resource, current, preconditions);
      if (options.dryRun) return current;
      const answer = await this.store.txn({
        compare: [{ key: kv.key, target: 'MOD', result: 'EQUAL', modRevision: kv.modRevision }],
        success: [{ requestDeleteRange: { key: kv.key } }],
      });
      if (answer.succeeded) return decodeObject(kv.value, answer.header.revision);
    }
  }

  /**
   * Follows a collection from just after `afterRevision`, as Kubernetes watch events. `selected`
   * narrows it (a selector): an object that starts being selected arrives as ADDED, one that
   * stops being selected as DELETED, so the watcher's view always equals a filtered list.
   */
  watch(
    resource: ResourceType,
    namespace: string | undefined,
    afterRevision: number,
    handlers: ObjectWatchHandlers,
    selected: ObjectPredicate = () => true,
  ): ObjectWatch {
    const prefix = bytes(collectionKey(resource, namespace));
    return this.store.watch(
      { key: prefix, rangeEnd: prefixEnd(prefix), startRevision: afterRevision + 1, prevKv: true },
      {
        onResponse: (response) => {
          for (const { type, kv, prevKv } of response.events) {
            const event = toObjectEvent(type, kv, prevKv, selected);
            if (event) handlers.onEvent(event);
          }
          handlers.onRevision?.(response.revision);
        },
        onEnd: (end) => handlers.onEnd(end),
      },
    );
  }

  private async read(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
  ): Promise<KeyValue> {
    const answer = await this.store.range({ key: bytes(storageKey(resource, namespace, name)) });
    const kv = answer.kvs[0];
    if (!kv) throw notFound(resource, name);
    return kv;
  }
}

/** One store event as the watch event a client of this selection sees, if it sees one. */
function toObjectEvent(
  type: 'PUT' | 'DELETE',
  kv: KeyValue,
  prevKv: KeyValue | undefined,
  selected: ObjectPredicate,
): ObjectEvent | undefined {
  const revision = kv.modRevision;
  const previous = prevKv ? decodeObject(prevKv.value, revision) : undefined;
  if (type === 'DELETE') {
    return previous && selected(previous) ? { type: 'DELETED', object: previous } : undefined;
  }
  const object = decodeObject(kv.value, revision);
  const isSelected = selected(object);
  // Without the previous state (it may be compacted), a change to an existing key is a change.
  const wasSelected = previous
    ? selected(previous)
    : kv.createRevision !== kv.modRevision && isSelected;
  if (isSelected) return { type: wasSelected ? 'MODIFIED' : 'ADDED', object };
  return wasSelected ? { type: 'DELETED', object: previous! } : undefined;
}
