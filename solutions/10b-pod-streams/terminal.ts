// A terminal without a terminal: the little a tty's line discipline does, for `kubectl exec -it`.
//
// With -t, kubectl puts the user's terminal in raw mode: every key goes to the server as it is
// pressed, nothing is echoed locally, and Enter arrives as "\r". On a real node the container
// runtime gives the command a pseudo-terminal, and the kernel's line discipline between the two
// echoes keys back, collects a line until Enter, turns ^C into SIGINT and ^D into end of input,
// and writes "\n" as "\r\n". Node has no pseudo-terminals without a native module, so the kubelet
// does those few things itself, here, between the WebSocket and the command's pipes.

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

const ctrlC = '\x03';
const ctrlD = '\x04';
const erase = ['\x7f', '\b'];

/** The line discipline of one terminal: the line being typed, and the rules above. */
export class LineDiscipline {
  private line = '';

  /** Takes keys as typed; says what to echo, which lines are complete, and which signals. */
  input(keys: string): TypedInput {
    const typed: TypedInput = { echo: '', lines: [], interrupt: false, endOfInput: false };
    for (const key of keys) {
      if (key === '\r' || key === '\n') {
        typed.echo += '\r\n';
        typed.lines.push(`${this.line}\n`);
        this.line = '';
      } else if (erase.includes(key)) {
        if (this.line.length === 0) continue;
        this.line = this.line.slice(0, -1);
        typed.echo += '\b \b';
      } else if (key === ctrlC) {
        typed.echo += '^C\r\n';
        typed.interrupt = true;
        this.line = '';
      } else if (key === ctrlD) {
        if (this.line.length === 0) typed.endOfInput = true;
        else typed.lines.push(this.line);
        this.line = '';
      } else {
        this.line += key;
        typed.echo += key;
      }
    }
    return typed;
  }
}

/** The command's output as a terminal shows it: each "\n" not after a "\r" becomes "\r\n". */
export function terminalOutput(text: string): string {
  return text.replace(/(?<!\r)\n/g, '\r\n');
}
