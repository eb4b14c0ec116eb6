import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaeEmulator } from '../../emulators/sae/index.js';
import { httpTriggerEvent } from '../../lib/dev/http-event.js';
import { STS, type Stack, startStack } from '../helpers/stack.js';

type HttpAnswer = { statusCode: number; body: string };
const outcomeOf = (r: unknown) =>
  (JSON.parse((r as HttpAnswer).body) as { outcomes: Array<{ outcome: string; summary: string }> })
    .outcomes[0];

/**
 * Ways SAE refuses the function's credentials. On FC the next invocation brings fresh STS credentials
 * (and a rotated key is usually fixed within minutes), so each is a retryable failure: answered so the
 * platform delivers again, and never remembered as a permanent one that would swallow the redelivery.
 */
const REJECTIONS: Array<[name: string, code: string, reject: (sae: SaeEmulator) => void]> = [
  [
    'a secret SAE no longer accepts',
    'SignatureDoesNotMatch',
    (sae) => sae.addCredential({ ...STS, accessKeySecret: 'rotated-secret-0123456789' }),
  ],
  [
    'an STS token that does not match the key',
    'InvalidSecurityToken.Mismatch',
    (sae) => sae.addCredential({ ...STS, securityToken: 'another-sts-token-abcdefghij' }),
  ],
  [
    'an unknown AccessKey ID',
    'InvalidAccessKeyId.NotFound',
    (sae) =>
      sae.injectFault({
        kind: 'http-error',
        shape: 'pop',
        status: 404,
        code: 'InvalidAccessKeyId.NotFound',
        times: 50,
      }),
  ],
  [
    'an expired STS token',
    'InvalidSecurityToken.Expired',
    (sae) =>
      sae.injectFault({
        kind: 'http-error',
        shape: 'pop',
        status: 400,
        code: 'InvalidSecurityToken.Expired',
        times: 50,
      }),
  ],
];

describe('credential errors from SAE are retryable and never remembered', () => {
  let s: Stack;
  let seq = 0;
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(() => s.close());

  it.each(REJECTIONS)('%s (%s): 503 now, the redelivery aborts', async (_name, code, reject) => {
    const appId = `0099b7be-5f5b-4512-a7fc-c0000000${String(++seq).padStart(4, '0')}`;
    s.sae.seedApp({ appId, versions: ['v1', 'v2'] });
    const co = s.sae.startChangeOrder({ appId, toVersion: 'v3' });
    const alarm = httpTriggerEvent(JSON.stringify({ appId, ChangeOrderId: co }));
    reject(s.sae);

    const refused = (await s.invoke(alarm)) as HttpAnswer;
    // SAE really refused the credentials — once: repeating the call with the same ones cannot help.
    expect(s.sae.calls.filter((c) => c.code === code)).toHaveLength(1);
    s.sae.clearFaults();
    s.sae.addCredential(STS); // fresh credentials, as the next FC invocation brings
    const redelivered = (await s.invoke(alarm)) as HttpAnswer;

    expect(refused.statusCode).toBe(503);
    expect(outcomeOf(refused)?.outcome).toBe('failed-retryable');
    expect(outcomeOf(refused)?.summary).toMatch(/refused the function's credentials/);
    expect(outcomeOf(redelivered)?.outcome).toBe('aborted');
    expect(s.sae.getChangeOrder(co)?.status).toBe(6);
    expect(
      s.sae
        .callsTo('AbortAndRollbackChangeOrder')
        .filter((c) => c.status === 200 && c.query.ChangeOrderId === co),
    ).toHaveLength(1);
  });
});
