import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWhole } from '../../lib/aliyun/openapi.js';
import { SaeClient } from '../../lib/sae/client.js';
import { SaeError } from '../../lib/sae/errors.js';
import { emulatorClientOptions } from '../helpers/stack.js';

// A gateway that promises a body and hangs up halfway: the answer must fail as a retryable reset,
// not hang and not parse half a document.
describe('an answer cut off before its body ends', () => {
  let server: Server;
  let endpoint = '';
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
      res.write('{"RequestId":"r-1","Data":{"AppId":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is a retryable reset', async () => {
    const client = new SaeClient(emulatorClientOptions(endpoint));
    const err = await client
      .describeApplicationStatus('0099b7be-5f5b-4512-a7fc-56049ef1b001')
      .catch((e) => e);
    expect(err).toBeInstanceOf(SaeError);
    expect([err.kind, err.code]).toEqual(['retryable', 'ECONNRESET']);
  });
});

describe('reading an answer whole', () => {
  it('gives the bytes once the stream ends', async () => {
    const s = new PassThrough();
    const read = readWhole(s);
    s.write('{"a":');
    s.end('1}');
    expect((await read).toString()).toBe('{"a":1}');
  });

  it('fails as a reset when the stream is destroyed without an error (it would otherwise wait forever)', async () => {
    const s = new PassThrough();
    const read = readWhole(s);
    s.write('{"a":');
    s.destroy();
    await expect(read).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('fails with the stream’s own error', async () => {
    const s = new PassThrough();
    const read = readWhole(s);
    s.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    await expect(read).rejects.toThrow('aborted');
  });
});
