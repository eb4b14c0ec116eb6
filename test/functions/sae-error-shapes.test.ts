import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpTriggerEvent } from '../../lib/dev/http-event.js';
import { type Stack, startStack } from '../helpers/stack.js';

type HttpAnswer = { statusCode: number; body: string };
const outcomeOf = (r: unknown) =>
  (JSON.parse((r as HttpAnswer).body) as { outcomes: Array<{ outcome: string }> }).outcomes[0]?.outcome;

/**
 * The abort race through the whole function: DescribeChangeOrder says executing, the change order
 * finishes, and the abort is refused with Application.ChangerOrder.Not.Running — in the documented
 * body (Code "400", the code in ErrorCode) and the old one (Code == ErrorCode), thrown (HTTP 400) or
 * as HTTP 200 Success:false. Every one is already-finished, never failed-permanent.
 */
describe.each(['documented', 'legacy'] as const)('SAE error bodies in the %s shape, end to end', (shape) => {
  let s: Stack;
  let seq = 0;
  beforeAll(async () => {
    s = await startStack();
    s.sae.setErrorShape(shape);
  });
  afterAll(() => s.close());

  it.each([
    ['HTTP 400', { kind: 'http-error', status: 400, code: 'Application.ChangerOrder.Not.Running' } as const],
    [
      'HTTP 200 Success:false',
      { kind: 'success-false', code: 'Application.ChangerOrder.Not.Running' } as const,
    ],
  ])('an abort refused as not running (%s) is already-finished', async (_how, fault) => {
    const appId = `0099b7be-5f5b-4512-a7fc-5e0000${shape === 'legacy' ? 1 : 0}${String(++seq).padStart(5, '0')}`;
    s.sae.seedApp({ appId, versions: ['v1', 'v2'] });
    const co = s.sae.startChangeOrder({ appId, toVersion: 'v3' });
    s.sae.injectFault({ ...fault, action: 'AbortAndRollbackChangeOrder' });

    const res = (await s.invoke(httpTriggerEvent(JSON.stringify({ ChangeOrderId: co })))) as HttpAnswer;

    expect([res.statusCode, outcomeOf(res)]).toEqual([200, 'already-finished']);
  });

  it('an unknown change order is not-found', async () => {
    const res = await s.invoke(
      httpTriggerEvent(JSON.stringify({ ChangeOrderId: 'ba386059-69b1-4e65-b1e5-0682d9fa9999' })),
    );
    expect(outcomeOf(res)).toBe('not-found');
  });
});
