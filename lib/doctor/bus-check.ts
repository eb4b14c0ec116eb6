/** Doctor's EventBridge check: the configured bus exists (GetEventBus, read-only), with a fix when not. */
import type { CloudCredentials } from '../credentials.js';
import type { EventBridgeChannelConfig } from '../notify/config.js';
import { probeEventBus } from '../notify/eventbridge-bus-probe.js';
import type { CheckResult } from './checks.js';
import { probeCheck } from './probe-check.js';

export async function busCheck(
  eb: EventBridgeChannelConfig,
  credentials: CloudCredentials,
): Promise<CheckResult> {
  const { bus, endpoint, timeoutMs, region } = eb;
  const probe = await probeEventBus({ endpoint, bus, credentials, timeoutMs });
  return probeCheck('EventBridge bus exists', endpoint, probe, {
    exists: `${bus} at ${endpoint}`,
    missing: {
      detail: `${bus} does not exist at ${endpoint}`,
      fix: `create the event bus ${bus} in ${region} (EventBridge console or CreateEventBus) or set EVENTBRIDGE_BUS to yours`,
    },
    forbidden: (code) => ({
      status: 'fail',
      detail: `${code}: these credentials may not read the bus`,
      fix: `grant eventbridge:GetEventBus on acs:eventbridge:${region}:*:eventbus/${bus} to the credentials running doctor (the functions' role needs only PutEvents)`,
    }),
    error:
      'check EVENTBRIDGE_ENDPOINT (or MNS_ACCOUNT_ID and the region), the credentials, and the network path to EventBridge',
  });
}
