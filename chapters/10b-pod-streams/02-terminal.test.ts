// A terminal without a terminal: the line discipline kubectl exec -it needs, on its own.
import { describe, expect, test } from 'vitest';
import { LineDiscipline, terminalOutput } from './terminal.ts';

describe('A terminal without a terminal', () => {
  test('typed keys are echoed, and Enter ("\\r") completes a line for the command', () => {
    const terminal = new LineDiscipline();
    const typed = terminal.input('ls\r');
    expect(typed, 'typing "ls" then Enter').toEqual({
      echo: 'ls\r\n',
      lines: ['ls\n'],
      interrupt: false,
      endOfInput: false,
    });
  });

  test('a line arrives whole, however the keys come', () => {
    const terminal = new LineDiscipline();
    expect(terminal.input('ec').lines, 'half a word: no line yet').toEqual([]);
    expect(terminal.input('ho\r').lines, 'the rest and Enter').toEqual(['echo\n']);
  });

  test('backspace erases the last key, on screen too; at the start of a line it does nothing', () => {
    const terminal = new LineDiscipline();
    const typed = terminal.input('lx\x7fs\r');
    expect({ echo: typed.echo, lines: typed.lines }, 'l, x, backspace, s, Enter').toEqual({
      echo: 'lx\b \bs\r\n',
      lines: ['ls\n'],
    });
    expect(terminal.input('\x7f').echo, 'backspace on an empty line').toBe('');
  });

  test('^C is an interrupt and drops the line being typed', () => {
    const terminal = new LineDiscipline();
    const typed = terminal.input('sleep 9\x03');
    expect({ interrupt: typed.interrupt, echo: typed.echo }, 'typing then ^C').toEqual({
      interrupt: true,
      echo: 'sleep 9^C\r\n',
    });
    expect(terminal.input('\r').lines, 'Enter after ^C: an empty line').toEqual(['\n']);
  });

  test('^D on an empty line ends the input; after some keys it sends them as they are', () => {
    const terminal = new LineDiscipline();
    expect(terminal.input('ab\x04').lines, '"ab" then ^D').toEqual(['ab']);
    expect(terminal.input('\x04').endOfInput, '^D on an empty line').toBe(true);
  });

  test('output lines end "\\r\\n" on a terminal', () => {
    expect(terminalOutput('a\nb\r\nc\n'), 'newlines, one already \\r\\n').toBe('a\r\nb\r\nc\r\n');
  });
});
