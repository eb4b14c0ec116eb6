import { randomUUID } from 'node:crypto';
import type { CloudCredentials } from '../credentials.js';
import type { FcContext } from '../fc/context.js';

/**
 * A context shaped like the one FC 3.0 passes to a Node.js event handler, for running handlers
 * in-process (the demo, tests, `sae-rollback invoke`). Includes the STS triple FC would pass.
 */
export function fakeFcContext(
  opts: { credentials?: CloudCredentials; timeoutSeconds?: number; functionName?: string } = {},
): FcContext {
  return {
    requestId: `1-${Date.now().toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    credentials: opts.credentials ?? {},
    function: {
      name: opts.functionName ?? 'sae-rollback-alarm',
      handler: 'alarm.handler',
      memory: 256,
      timeout: opts.timeoutSeconds ?? 30,
    },
    region: 'cn-hangzhou',
    accountId: '1234567890123456',
    retryCount: 0,
  };
}
