import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CMS_ACTIONS } from '../../lib/cms/types.js';
import { httpTriggerEvent } from '../../lib/dev/http-event.js';
import { FC_ACTIONS } from '../../lib/invoke/types.js';
import { EVENTBRIDGE_ACTIONS } from '../../lib/notify/eventbridge-client.js';
import { MNS_ACTIONS } from '../../lib/notify/mns-client.js';
import { SAE_APP_ACTIONS } from '../../lib/sae/app-types.js';
import { SAE_ACTIONS } from '../../lib/sae/types.js';
import { type Stack, startStack } from '../helpers/stack.js';

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string | string[];
}
const policy = JSON.parse(readFileSync(new URL('../../ram-policy.json', import.meta.url), 'utf8')) as {
  Version: string;
  Statement: Statement[];
};
const allowed = new Set(policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action));

describe('ram-policy.json (least privilege)', () => {
  it('allows exactly the actions the clients can call, no wildcards', () => {
    const used = [
      ...SAE_ACTIONS.map((a) => `sae:${a}`),
      ...SAE_APP_ACTIONS.map((a) => `sae:${a}`),
      ...CMS_ACTIONS.map((a) => `cms:${a}`),
      ...MNS_ACTIONS.map((a) => `mns:${a}`),
      ...EVENTBRIDGE_ACTIONS.map((a) => `eventbridge:${a}`),
      ...FC_ACTIONS.map((a) => `fc:${a}`),
    ].sort();
    expect([...allowed].sort()).toEqual(used);
    for (const a of allowed) expect(a).not.toContain('*');
  });

  it('scopes publishing to the outcome topic', () => {
    const mns = policy.Statement.find((s) => s.Action.includes('mns:PublishMessage'));
    expect(mns?.Resource).toBe('acs:mns:*:*:/topics/sae-rollback-outcomes/messages');
  });

  it('scopes EventBridge publishing to the outcome bus', () => {
    const eb = policy.Statement.find((s) => s.Action.includes('eventbridge:PutEvents'));
    expect(eb?.Resource).toBe('acs:eventbridge:*:*:eventbus/sae-rollback');
  });

  it('lets the guard invoke only the consumer (the fan-out)', () => {
    const fc = policy.Statement.find((s) => s.Action.includes('fc:InvokeFunction'));
    expect(fc?.Resource).toBe('acs:fc:*:*:functions/sae-rollback-consumer');
  });

  describe('what a real rollback calls', () => {
    let s: Stack;
    beforeAll(async () => {
      s = await startStack();
    });
    afterAll(() => s.close());

    it('calls only SAE actions the policy allows (read from the emulator log)', async () => {
      s.sae.seedApp({ appId: 'policy-app-0001', versions: ['v1', 'v2'] });
      s.sae.startChangeOrder({ appId: 'policy-app-0001' });
      await s.invoke(httpTriggerEvent(JSON.stringify({ appId: 'policy-app-0001' })));
      const called = new Set(s.sae.calls.map((c) => `sae:${c.action}`));
      expect(called.size).toBeGreaterThanOrEqual(3);
      for (const a of called) expect(allowed).toContain(a);
      expect(s.mns.messages()).toHaveLength(1);
    });
  });
});
