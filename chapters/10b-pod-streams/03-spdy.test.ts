// SPDY frames: the framing of kubectl port-forward, on its own, against bytes kubectl 1.32 sent.
import { describe, expect, test } from 'vitest';
import {
  controlFrame,
  dataFrame,
  decodeHeaderBlock,
  encodeHeaderBlock,
  FrameReader,
  frameTypes,
  headerDictionary,
  HeaderCompression,
  readSynStream,
  rstStream,
  streamIdOf,
  synReply,
  type SpdyHeaders,
} from './spdy.ts';

/**
 * What kubectl 1.32 sent a kata kubelet for `kubectl port-forward pod/web 18085:8080` and one
 * `curl`: the error stream's SYN_STREAM (stream 1), its FIN, and the data stream's (stream 3).
 */
const kubectlSynStream1 = Buffer.from(
  '800300010000003e0000000100000000000078f9e3c6a7c202253a703a2b294a4dcc851625aca9a0808614cb' +
    '45e01c60616061c0c0c0c0590489c64c50f2663400000000ffff',
  'hex',
);
const kubectlFin1 = Buffer.from('0000000101000000', 'hex');
const kubectlSynStream3 = Buffer.from(
  '800300010000001a00000003000000000000826a26ac0ad57850499508000000ffff',
  'hex',
);

describe('SPDY frames', () => {
  test('a control frame: control bit and version 3, type, flags, 24-bit length, payload', () => {
    const ping = controlFrame(frameTypes.ping, 0, Buffer.from([0, 0, 0, 1]));
    expect(ping.toString('hex'), 'PING with id 1').toBe('80030006000000040000' + '0001');
  });

  test('a data frame: stream id with the control bit clear, flags, length, bytes', () => {
    expect(dataFrame(3, 1, Buffer.from('hi')).toString('hex'), 'FIN data "hi" on 3').toBe(
      '00000003010000026869',
    );
  });

  test('the reader cuts bytes into frames, whatever pieces they come in', () => {
    const reader = new FrameReader();
    const bytes = Buffer.concat([kubectlSynStream1, kubectlFin1]);
    expect(reader.push(bytes.subarray(0, 5)), 'the first 5 bytes: no frame yet').toEqual([]);
    const frames = reader.push(bytes.subarray(5));
    expect(
      frames.map((frame) => (frame.control ? `control ${frame.type}` : `data ${frame.streamId}`)),
      "the rest: kubectl's SYN_STREAM, then data on stream 1",
    ).toEqual(['control 1', 'data 1']);
    expect(frames[1]!.flags, 'the data frame carries FIN').toBe(1);
  });

  test('a frame of another SPDY version is refused', () => {
    const version2 = Buffer.from('8002000600000004' + '00000001', 'hex');
    expect(() => new FrameReader().push(version2), 'a SPDY/2 PING').toThrow(/version 2/);
  });

  test('a header block counts its pairs, each name and value after its 4-byte length', () => {
    const block = encodeHeaderBlock({ Port: '80' });
    expect(block.toString('hex'), 'port: 80 (names are lower-cased)').toBe(
      '00000001' + '00000004' + Buffer.from('port').toString('hex') + '00000002' + '3830',
    );
    expect(decodeHeaderBlock(block), 'read back').toEqual({ port: '80' });
  });

  test("the dictionary is SPDY/3's: 1423 bytes, starting with options, head, post", () => {
    expect(headerDictionary().length, 'its length').toBe(1423);
    expect(headerDictionary().subarray(0, 15).toString('latin1'), 'its start').toBe(
      '\0\0\0\x07options\0\0\0\x04',
    );
  });

  test("kubectl's header blocks decompress, one after another, with the dictionary", async () => {
    const compression = new HeaderCompression();
    const first = readSynStream(kubectlSynStream1.subarray(8));
    const second = readSynStream(kubectlSynStream3.subarray(8));
    const headers = [
      await compression.decompress(first.headerBlock),
      await compression.decompress(second.headerBlock),
    ];
    compression.close();
    expect([first.streamId, second.streamId], 'the stream ids').toEqual([1, 3]);
    expect(headers, 'the error stream, then the data stream, of request 0 for port 8080').toEqual([
      { port: '8080', requestid: '0', streamtype: 'error' },
      { port: '8080', requestid: '0', streamtype: 'data' },
    ]);
  });

  test('what one end compresses, the other decompresses', async () => {
    const sender = new HeaderCompression();
    const receiver = new HeaderCompression();
    const sent: SpdyHeaders[] = [{ streamtype: 'data' }, { streamtype: 'data', port: '9' }];
    const received = [];
    for (const headers of sent)
      received.push(await receiver.decompress(await sender.compress(headers)));
    sender.close();
    receiver.close();
    expect(received, 'two blocks through one compression stream').toEqual(sent);
  });

  test('SYN_REPLY names its stream; RST_STREAM its stream and status', () => {
    expect(synReply(5, Buffer.from('ab')).toString('hex'), 'SYN_REPLY on 5').toBe(
      '80030002000000060000000561' + '62',
    );
    const reset = rstStream(7, 5);
    expect(reset.toString('hex'), 'RST_STREAM 7, CANCEL').toBe(
      '800300030000000800000007' + '00000005',
    );
    expect(streamIdOf(reset.subarray(8)), 'the stream it names').toBe(7);
  });
});
