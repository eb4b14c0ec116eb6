import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MnsEmulator, startMnsEmulator } from '../../emulators/mns/index.js';
import { probeMnsTopic } from '../../lib/notify/mns-topic-probe.js';

const CREDS = {
  accessKeyId: 'STS.probe',
  accessKeySecret: 'probe-secret-0123456789',
  securityToken: 'probe-token',
};
let mns: MnsEmulator;
beforeAll(async () => {
  mns = await startMnsEmulator({ credentials: [CREDS], topics: ['outcomes'] });
});
afterAll(() => mns.close());

describe('probeMnsTopic (GetTopicAttributes, signed, against the MNS emulator)', () => {
  const probe = (topic: string, credentials = CREDS) =>
    probeMnsTopic({ endpoint: mns.url, topic, credentials, timeoutMs: 2_000 });

  it('tells an existing topic from a missing one, and publishes nothing', async () => {
    expect(await probe('outcomes')).toEqual({ kind: 'exists' });
    expect(await probe('missing-topic')).toEqual({ kind: 'missing' });
    expect(mns.messages()).toHaveLength(0);
  });

  it('a wrong secret is never taken for an existing topic', async () => {
    const r = await probe('outcomes', { ...CREDS, accessKeySecret: 'wrong-secret-0123456789' });
    expect(r.kind).not.toBe('exists');
    expect(r.kind).not.toBe('missing');
  });
});
