/** Doctor's EventBridge check: the configured bus exists (GetEventBus, read-only), with a fix when not. */
import type { CloudCredentials } from '../credentials.js';
import type { EventBridgeChannelConfig } from '../notify/config.js';
import { probeEventBus } from '../notify/eventbridge-bus-probe.js';
import type { CheckResult } from './checks.js';

export async function busCheck(
  eb: EventBridgeChannelConfig,
  credentials: CloudCredentials,
): Promise<CheckResult> {
  const name = 'EventBridge bus exists';
  const { bus, endpoint, timeoutMs, region } = eb;
  const probe = await probeEventBus({ endpoint, bus, credentials, timeoutMs });
  if (probe.kind === 'exists') return { name, status: 'ok', detail: `${bus} at ${endpoint}` };
  if (probe.kind === 'missing')
    return {
      name,
      status: 'fail',
      detail: `${bus} does not exist at ${endpoint}`,
      fix: `create the event bus ${bus} in ${region} (EventBridge console or CreateEventBus) or set EVENTBRIDGE_BUS to yours`,
    };
  if (probe.kind === 'forbidden')
    return {
      name,
      status: 'fail',
      detail: `${probe.code}: these credentials may not read the bus`,
      fix: `grant eventbridge:GetEventBus on acs:eventbridge:${region}:*:eventbus/${bus} to the credentials running doctor (the functions' role needs only PutEvents)`,
    };
  return {
    name,
    status: 'fail',
    detail: `${endpoint}: ${probe.detail.slice(0, 160)}`,
    fix: 'check EVENTBRIDGE_ENDPOINT (or MNS_ACCOUNT_ID and the region), the credentials, and the network path to EventBridge',
  };
}
