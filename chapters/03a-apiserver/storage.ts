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
// The store is reached through a StoreClient (harness/store/client.ts): put, range, deleteRange,
// txn and watch, with keys and values as bytes (bytes() and text() in harness/store/bytes.ts,
// prefixEnd() for the end of a prefix range).
import type { ObjectPredicate } from '../../harness/api/machinery.ts';
import type { ObjectWatch, ObjectWatchHandlers } from '../../harness/api/object-watch.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { StoreClient } from '../../harness/store/client.ts';

const section = '§ Objects in the store';

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

/**
 * Conflict (409, conflict(resource, the object's name)) unless `current` still is the object the
 * preconditions name: a uid or a resourceVersion given that differs from current's. The one
 * check of preconditions: ObjectStorage.delete uses it, ObjectStorage.update for the
 * resourceVersion its tryUpdate's object names, and so do the deletes that only mark an object
 * (markForDeletion, markForOrphaning).
 */
export function checkPreconditions(
  resource: ResourceType,
  current: KubeObject,
  preconditions: Preconditions,
): void {
  throw new NotImplemented('checkPreconditions', section);
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

/** Turns a stored value (JSON bytes) back into an object, with `revision` as its resourceVersion (a string). */
export function decodeObject(value: Uint8Array, revision: number): KubeObject {
  throw new NotImplemented('decodeObject', section);
}

/** The stored form of an object: JSON bytes, without metadata.resourceVersion (the store tracks that). */
export function encodeObject(object: KubeObject): Uint8Array {
  throw new NotImplemented('encodeObject', section);
}

export class ObjectStorage {
  constructor(store: StoreClient) {
    throw new NotImplemented('ObjectStorage', section);
  }

  /**
   * Stores a new object at storageKey(resource, its namespace, its name) with one txn: compare
   * createRevision = 0 (the key does not exist), then put. AlreadyExists (409) when the compare
   * fails. Returns the object with the txn's revision as its resourceVersion.
   *
   * With options.dryRun (§ Dry run): check the key is free (AlreadyExists if not), write nothing,
   * and return the object as it would be stored, without a resourceVersion.
   */
  async create(
    resource: ResourceType,
    object: KubeObject,
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    throw new NotImplemented('ObjectStorage.create', section);
  }

  /** One object, with its modRevision as resourceVersion; NotFound (404) when there is none. */
  async get(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
  ): Promise<KubeObject> {
    throw new NotImplemented('ObjectStorage.get', section);
  }

  /**
   * Every object of a collection (one namespace, or all of them when `namespace` is undefined),
   * in key order: one range over collectionKey's prefix. `revision` is the range's header revision.
   *
   * With page.limit, one page: the range takes the limit. When it answers `more`, the list gets a
   * continue token (encodeContinue in harness/api/continue.ts) holding the revision the page was
   * read at and where the next page starts: the last key, after the prefix, plus "\0"; and
   * remainingItemCount = count - keys read. With page.continue, decode it and read from
   * prefix + start at its revision (the list's revision is then the token's). A store error
   * saying the revision was compacted is 410 Expired.
   */
  async list(resource: ResourceType, namespace?: string, page: ListPage = {}): Promise<StoredList> {
    throw new NotImplemented('ObjectStorage.list', section);
  }

  /**
   * Reads the object, asks `tryUpdate` for its next state and writes that only if nobody wrote in
   * between (kube-apiserver calls this GuaranteedUpdate). In a loop:
   * 1. read the key (NotFound if missing) and decode it;
   * 2. next = await tryUpdate(a copy of it);
   * 3. if next names a resourceVersion and it is not the current one: Conflict (409);
   * 4. if next, as stored, is the same JSON as what is stored (sameJson in harness/api/json.ts): write
   *    nothing and return the current object;
   * 5. txn: compare modRevision = the one read, then put. If the compare failed, someone wrote in
   *    between: go back to 1. Otherwise return next with the txn's revision as resourceVersion.
   *
   * With options.dryRun (§ Dry run), step 5 writes nothing: return next, as stored, with the
   * current modRevision as its resourceVersion.
   */
  async update(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
    tryUpdate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    throw new NotImplemented('ObjectStorage.update', section);
  }

  /**
   * Deletes the object if it still matches the preconditions (checkPreconditions), with a txn that compares the modRevision read (read again if it
   * fails). Returns its last state with the delete's revision as its resourceVersion.
   *
   * With options.dryRun (§ Dry run): read and check the preconditions the same way, delete
   * nothing, and return the object as it is.
   */
  async delete(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
    preconditions: Preconditions = {},
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    throw new NotImplemented('ObjectStorage.delete', section);
  }

  /**
   * Follows a collection from just after `afterRevision`: a store watch of the collection's
   * prefix from afterRevision + 1, with prevKv (the state before each change). Each event's
   * objects carry the event's revision as resourceVersion. After each store response, call
   * onRevision(response.revision); pass the store's onEnd on.
   *
   * `selected` narrows the watch (a selector), so that the watcher's view always equals a
   * filtered list:
   * - PUT, selected now, and selected before (or it has no previous state and is not new): MODIFIED
   * - PUT, selected now but not before: ADDED
   * - PUT, not selected now but selected before: DELETED, with the previous state
   * - DELETE of an object that was selected: DELETED, with its previous state
   * - anything else: no event.
   */
  watch(
    resource: ResourceType,
    namespace: string | undefined,
    afterRevision: number,
    handlers: ObjectWatchHandlers,
    selected: ObjectPredicate = () => true,
  ): ObjectWatch {
    throw new NotImplemented('ObjectStorage.watch', section);
  }
}
