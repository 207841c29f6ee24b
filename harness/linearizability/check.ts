// A linearizability checker, for the histories a test records against a replicated store.
//
// A history is what concurrent clients saw: each operation with the moment it was called, the
// moment its answer came back, its input and its output. It is *linearizable* when every operation
// can be given one instant between its call and its return such that, taken in the order of those
// instants, the operations are a legal sequential run of the model (a register, a key-value map).
// This is the property etcd promises for its reads and writes, and the one a Raft store must keep
// through crashes and partitions.
//
// The search is Wing and Gong's, with Lowe's improvements, as the porcupine checker does it: walk the
// history's calls and returns in time order; at a call, try to linearize that operation now (the
// model must accept its output); at a return of an operation not yet linearized, back up and try
// another order. A cache of (operations linearized so far, model state) pairs cuts every branch
// that reaches a configuration already explored. Models whose keys are independent (a key-value map)
// split the history by key first: a history is linearizable when each key's part is (linearizability
// is local), and each part is far smaller to search.

/** One operation as a client saw it; times in any unit, as long as one clock measured them all. */
export interface Operation<Input, Output> {
  /** Which client made it (for the report only). */
  client: number;
  input: Input;
  /** When it was called. */
  call: number;
  output: Output;
  /** When its answer came back: after `call`. */
  return: number;
}

/** A sequential specification: how the state answers each input. */
export interface Model<State, Input, Output> {
  init(): State;
  /** Whether `input` answering `output` is legal in `state`, and the state after it. */
  step(state: State, input: Input, output: Output): { legal: boolean; state: State };
  /** Splits a history into independent parts (by key); the whole history is one part without it. */
  partition?(history: Operation<Input, Output>[]): Operation<Input, Output>[][];
  /** Whether two states are the same, for the cache; === without it. */
  equal?(a: State, b: State): boolean;
  /** One operation in words, for the report. */
  describe?(input: Input, output: Output): string;
}

export type CheckResult<Input, Output> =
  | { result: 'ok' }
  /** `part` is the independent part of the history that has no linearization. */
  | { result: 'illegal'; part: Operation<Input, Output>[] }
  /** The search ran past its deadline. */
  | { result: 'unknown' };

/** A call or a return in the time-ordered list the search walks. */
interface Event {
  kind: 'call' | 'return';
  /** The operation's place in its part. */
  id: number;
  /** For a call: its return. */
  match?: Event;
  prev?: Event;
  next?: Event;
}

/**
 * The calls and returns of `part`, in time order, as a doubly linked list behind a head event.
 * At equal times a call comes before a return: operations that touch are taken as concurrent.
 */
function eventList(part: Operation<unknown, unknown>[]): Event {
  const events: { time: number; event: Event }[] = [];
  part.forEach((operation, id) => {
    const ret: Event = { kind: 'return', id };
    events.push({ time: operation.call, event: { kind: 'call', id, match: ret } });
    events.push({ time: operation.return, event: ret });
  });
  events.sort((a, b) => a.time - b.time || (a.event.kind === 'call' ? -1 : 1));
  const head: Event = { kind: 'call', id: -1 };
  let last = head;
  for (const { event } of events) {
    last.next = event;
    event.prev = last;
    last = event;
  }
  return head;
}

/** Takes a linearized operation's call and return out of the list. */
function lift(call: Event): void {
  call.prev!.next = call.next;
  call.next!.prev = call.prev;
  const ret = call.match!;
  ret.prev!.next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

/** Puts them back, when the search backs up (the reverse of lift, in reverse order). */
function unlift(call: Event): void {
  const ret = call.match!;
  ret.prev!.next = ret;
  if (ret.next) ret.next.prev = ret;
  call.prev!.next = call;
  call.next!.prev = call;
}

/** The set of operations linearized so far, as a bit per operation; its key names it in the cache. */
class Linearized {
  private readonly bits: Uint32Array;

  constructor(size: number) {
    this.bits = new Uint32Array(Math.ceil(size / 32));
  }

  set(id: number): void {
    this.bits[id >>> 5]! |= 1 << (id & 31);
  }

  clear(id: number): void {
    this.bits[id >>> 5]! &= ~(1 << (id & 31));
  }

  key(): string {
    return this.bits.join(',');
  }
}

/** Searches one part for a linearization: true, false, or undefined past the deadline. */
function checkPart<State, Input, Output>(
  model: Model<State, Input, Output>,
  part: Operation<Input, Output>[],
  deadline: number,
): boolean | undefined {
  const equal = model.equal ?? ((a: State, b: State) => a === b);
  const head = eventList(part as Operation<unknown, unknown>[]);
  const linearized = new Linearized(part.length);
  const seen = new Map<string, State[]>();
  const stack: { call: Event; state: State }[] = [];
  let state = model.init();
  let event = head.next;
  for (let steps = 0; event; steps++) {
    if ((steps & 1023) === 0 && Date.now() > deadline) return undefined;
    if (event.kind === 'call') {
      const operation = part[event.id]!;
      const next = model.step(state, operation.input, operation.output);
      if (next.legal && firstVisit(seen, linearized, event.id, next.state, equal)) {
        stack.push({ call: event, state });
        state = next.state;
        linearized.set(event.id);
        lift(event);
        event = head.next;
      } else {
        event = event.next;
      }
    } else {
      // A return whose operation is not linearized: nothing before it can go first. Back up.
      const top = stack.pop();
      if (!top) return false;
      state = top.state;
      linearized.clear(top.call.id);
      unlift(top.call);
      event = top.call.next;
    }
  }
  return true;
}

/** Records (linearized + id, state) in the cache; false if it was there already. */
function firstVisit<State>(
  seen: Map<string, State[]>,
  linearized: Linearized,
  id: number,
  state: State,
  equal: (a: State, b: State) => boolean,
): boolean {
  linearized.set(id);
  const key = linearized.key();
  linearized.clear(id);
  const states = seen.get(key) ?? [];
  if (states.some((known) => equal(known, state))) return false;
  states.push(state);
  seen.set(key, states);
  return true;
}

/**
 * Checks a history against a model: 'ok' when it is linearizable, 'illegal' (with the part that is
 * not) when it is not, 'unknown' when the search takes longer than `timeoutMs`.
 */
export function checkOperations<State, Input, Output>(
  model: Model<State, Input, Output>,
  history: Operation<Input, Output>[],
  timeoutMs = 10_000,
): CheckResult<Input, Output> {
  for (const operation of history) {
    if (!(operation.return >= operation.call)) {
      throw new Error(`an operation of client ${operation.client} returns before it is called`);
    }
  }
  const deadline = Date.now() + timeoutMs;
  const parts = model.partition ? model.partition(history) : [history];
  for (const part of parts) {
    const found = checkPart(model, part, deadline);
    if (found === undefined) return { result: 'unknown' };
    if (!found) return { result: 'illegal', part };
  }
  return { result: 'ok' };
}

/** A part of a history in words, one operation a line in call order, for a failure message. */
export function describeHistory<State, Input, Output>(
  model: Model<State, Input, Output>,
  part: Operation<Input, Output>[],
): string {
  const describe =
    model.describe ??
    ((input: Input, output: Output) => `${JSON.stringify(input)} → ${JSON.stringify(output)}`);
  return [...part]
    .sort((a, b) => a.call - b.call)
    .map(
      (operation) =>
        `client ${operation.client} [${operation.call}, ${operation.return}] ${describe(operation.input, operation.output)}`,
    )
    .join('\n');
}
