// grpc-json.ts: a gRPC request as the proto loader decodes it becomes the JSON gateway's body
// (bytes base64, oneof markers gone, int64 and enums as strings), and a gateway answer becomes a
// message the loader serializes with its bytes and 64-bit integers intact.
import { describe, expect, test } from 'vitest';
import { gatewayBody, protoMessageOf } from './grpc-json.ts';
import { serviceDefinition, type ProtoMessage } from './grpc.ts';

const kv = serviceDefinition('KV');
/** A request as a client sends it and the server's loader decodes it. */
const received = (method: string, request: ProtoMessage): ProtoMessage =>
  kv[method]!.requestDeserialize(kv[method]!.requestSerialize(request)) as ProtoMessage;
/** A response as the server's loader encodes it and a client decodes it. */
const sent = (method: string, response: ProtoMessage): ProtoMessage =>
  kv[method]!.responseDeserialize(kv[method]!.responseSerialize(response)) as ProtoMessage;

describe('gRPC messages and gateway JSON', () => {
  test('a txn request becomes the gateway body: base64 bytes, no oneof markers', () => {
    const request = received('Txn', {
      compare: [{ result: 'EQUAL', target: 'VERSION', key: Buffer.from('a'), version: 0 }],
      success: [{ requestPut: { key: Buffer.from('a'), value: Buffer.from('1'), lease: '7' } }],
    });
    expect(JSON.parse(gatewayBody(request)), 'the txn as the gateway reads it').toEqual({
      compare: [{ result: 'EQUAL', target: 'VERSION', key: 'YQ==', version: '0' }],
      success: [{ requestPut: { key: 'YQ==', value: 'MQ==', lease: '7' } }],
    });
  });

  test('a gateway answer becomes the proto message, bytes and int64 kept', () => {
    const answer = {
      header: { cluster_id: '14841639068965178418', member_id: '1', revision: '5', raft_term: '2' },
      kvs: [{ key: 'YQ==', create_revision: '4', mod_revision: '5', version: '2', value: 'MQ==' }],
      count: '1',
    };
    const message = sent('Range', protoMessageOf(answer));
    expect(
      [message.header.clusterId, message.header.raftTerm, message.count],
      'header and count',
    ).toEqual(['14841639068965178418', '2', '1']);
    expect(
      [message.kvs[0].key.toString(), message.kvs[0].value.toString(), message.kvs[0].modRevision],
      'the key-value',
    ).toEqual(['a', '1', '5']);
  });

  test('a txn answer keeps which response each op has', () => {
    const answer = {
      header: { revision: '6' },
      succeeded: true,
      responses: [{ response_put: { header: { revision: '6' } } }],
    };
    const message = sent('Txn', protoMessageOf(answer));
    expect(
      [message.succeeded, message.responses[0].response, message.responses[0].responsePut],
      'the put response',
    ).toEqual([true, 'responsePut', { header: { revision: '6' } }]);
  });
});
