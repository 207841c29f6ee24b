// A terminal without a terminal: the little a tty's line discipline does, for `kubectl exec -it`.
//
// With -t, kubectl puts the user's terminal in raw mode: every key goes to the server as it is
// pressed, nothing is echoed locally, and Enter arrives as "\r". On a real node the container
// runtime gives the command a pseudo-terminal, and the kernel's line discipline between the two
// echoes keys back, collects a line until Enter, turns ^C into SIGINT and ^D into end of input,
// and writes "\n" as "\r\n". Node has no pseudo-terminals without a native module, so the kubelet
// does those few things itself, here, between the WebSocket and the command's pipes.

import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ A terminal without a terminal';

/** What one chunk of typed input comes to. */
export interface TypedInput {
  /** Bytes to show the user (the echo). */
  echo: string;
  /** Whole lines (each ending "\n") for the command's stdin. */
  lines: string[];
  /** ^C was pressed: send the command SIGINT. */
  interrupt: boolean;
  /** ^D on an empty line: the command's stdin ends. */
  endOfInput: boolean;
}

/** The line discipline of one terminal: the line being typed, and the rules above. */
export class LineDiscipline {
  /** Takes keys as typed; says what to echo, which lines are complete, and which signals. */
  input(keys: string): TypedInput {
    throw new NotImplemented('LineDiscipline.input', section);
  }
}

/** The command's output as a terminal shows it: each "\n" not after a "\r" becomes "\r\n". */
export function terminalOutput(text: string): string {
  throw new NotImplemented('terminalOutput', section);
}
