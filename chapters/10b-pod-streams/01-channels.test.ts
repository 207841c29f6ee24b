// Remote command channels: the messages of kubectl exec and attach over a WebSocket, on their own.
import { describe, expect, test } from 'vitest';
import {
  exitStatus,
  frame,
  readFrame,
  readResize,
  remoteCommandProtocol,
  streamRequest,
} from './channels.ts';

describe('Remote command channels', () => {
  test('a message (of v5.channel.k8s.io) is its channel byte, then the bytes', () => {
    expect(remoteCommandProtocol, 'the remote command subprotocol').toBe('v5.channel.k8s.io');
    expect([...frame(1, 'hi')], 'stdout (1) carrying "hi"').toEqual([1, 0x68, 0x69]);
    expect([...frame(255, Buffer.from([0]))], 'close (255) of stdin (0)').toEqual([255, 0]);
  });

  test('a message reads back as its channel and bytes; an empty one names no channel', () => {
    const { channel, bytes } = readFrame(Buffer.from([0, 0x61, 0x62]));
    expect({ channel, text: bytes.toString() }, 'stdin carrying "ab"').toEqual({
      channel: 0,
      text: 'ab',
    });
    expect(() => readFrame(Buffer.alloc(0)), 'an empty message throws').toThrow(/no channel/);
  });

  test('the query says the command, word by word, the container and the streams', () => {
    const query = new URLSearchParams(
      'command=sh&command=-c&command=echo+hi&container=app&stdin=true&stdout=true&stderr=1',
    );
    expect(streamRequest(query), 'exec of sh -c "echo hi" in app, with stdin').toEqual({
      command: ['sh', '-c', 'echo hi'],
      container: 'app',
      stdin: true,
      stdout: true,
      stderr: true,
      tty: false,
    });
  });

  test('a request for no stream at all, or for a tty with stderr, is refused', () => {
    expect(() => streamRequest(new URLSearchParams('command=ls')), 'no streams').toThrow(
      'you must specify at least 1 of stdin, stdout, stderr',
    );
    expect(
      () => streamRequest(new URLSearchParams('stdout=true&stderr=true&tty=true')),
      'a tty has one output',
    ).toThrow(/tty/);
  });

  test('exit code 0 is a Success status', () => {
    expect(exitStatus(0), 'the status of a command that exited 0').toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
    });
  });

  test('another exit code is NonZeroExitCode with the code in an ExitCode cause', () => {
    const status = exitStatus(3);
    expect(
      { status: status.status, reason: status.reason, causes: status.details?.causes },
      'the status of a command that exited 3',
    ).toEqual({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      causes: [{ reason: 'ExitCode', message: '3' }],
    });
  });

  test('a resize message is the terminal size as JSON', () => {
    expect(readResize(Buffer.from('{"Width":120,"Height":40}')), 'a 120x40 terminal').toEqual({
      width: 120,
      height: 40,
    });
  });
});
