/**
 * Timing wrappers around the ports, so a figure can subtract the time spent awaiting SAE and MNS (the
 * SDK call, the network and the emulator) from the time spent in a handler. They patch the adapters'
 * prototypes for the duration of one measurement; events must run one at a time for the sums to hold.
 */
import OpenApiModule from '@alicloud/openapi-client';
import { cjsDefault } from '../lib/interop.js';
import { MnsNotifier } from '../lib/notify/mns-notifier.js';
import { SaeClient } from '../lib/sae/client.js';

const OpenApiClient = cjsDefault<typeof OpenApiModule.default>(OpenApiModule);

/** Milliseconds spent inside wrapped calls since the last `reset()`. */
export interface Meter {
  ms: number;
  calls: number;
  reset(): void;
  restore(): void;
}

type Proto = Record<string, unknown>;

function patch(targets: Array<[Proto, string]>): Meter {
  const originals: Array<[Proto, string, unknown]> = [];
  const meter: Meter = {
    ms: 0,
    calls: 0,
    reset() {
      meter.ms = 0;
      meter.calls = 0;
    },
    restore() {
      for (const [proto, name, fn] of originals) proto[name] = fn;
    },
  };
  for (const [proto, name] of targets) {
    const original = proto[name] as (...args: unknown[]) => Promise<unknown>;
    originals.push([proto, name, original]);
    proto[name] = async function timed(this: unknown, ...args: unknown[]) {
      const start = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        meter.ms += performance.now() - start;
        meter.calls += 1;
      }
    };
  }
  return meter;
}

/** Times our SaeApi adapter (every SAE action) and the MNS notifier. */
export function meterOurPorts(): Meter {
  const sae = SaeClient.prototype as unknown as Proto;
  const mns = MnsNotifier.prototype as unknown as Proto;
  return patch([
    [sae, 'abortAndRollbackChangeOrder'],
    [sae, 'describeChangeOrder'],
    [sae, 'describeApplicationStatus'],
    [sae, 'listChangeOrders'],
    [mns, 'publish'],
  ]);
}

/** Times openapi-client's `callApi`, the baseline's only I/O. */
export function meterCallApi(): Meter {
  return patch([[OpenApiClient.prototype as unknown as Proto, 'callApi']]);
}
