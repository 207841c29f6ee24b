// The HPACK kata's gRPC server reads header blocks with (hpack.ts): the Huffman code and the
// header blocks of RFC 7541's own examples, and literals written and read back.
import { describe, expect, test } from 'vitest';
import { encodeLiterals, HpackDecoder, huffmanCodeOf, huffmanDecode } from './hpack.ts';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('HPACK', () => {
  test('the canonical Huffman code from the lengths gives RFC 7541 Appendix B codes', () => {
    expect(
      [48, 97, 32, 0, 256].map((symbol) => huffmanCodeOf(symbol)),
      "the codes of '0', 'a', ' ', byte 0 and EOS",
    ).toEqual([
      [0x0, 5],
      [0x3, 5],
      [0x14, 6],
      [0x1ff8, 13],
      [0x3fffffff, 30],
    ]);
    expect(
      huffmanDecode(hex('f1e3 c2e5 f23a 6ba0 ab90 f4ff')).toString(),
      'RFC 7541 C.4.1: the Huffman-coded www.example.com',
    ).toBe('www.example.com');
  });

  test("RFC 7541 C.4's requests decode, the second through the first's dynamic table entry", () => {
    const decoder = new HpackDecoder();
    expect(decoder.decode(hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff')), 'C.4.1').toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
    ]);
    expect(decoder.decode(hex('8286 84be 5886 a8eb 1064 9cbf')), 'C.4.2').toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
      ['cache-control', 'no-cache'],
    ]);
    const fields: Array<[string, string]> = [
      [':path', '/etcdserverpb.KV/Range'],
      ['te', 'trailers'],
    ];
    expect(new HpackDecoder().decode(encodeLiterals(fields)), 'literals read back').toEqual(fields);
  });
});
