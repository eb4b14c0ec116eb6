/**
 * CloudMonitor (CMS 2019-01-01) API emulator: a real HTTP server on 127.0.0.1 that verifies
 * ACS3-HMAC-SHA256 signatures (the SAE emulator's gate) and serves DescribeMetricRuleList (RPC) over
 * in-memory alert rules whose AlertState tests set, with the SAE emulator's faults and call log.
 * Production endpoint: `metrics.<region>.aliyuncs.com`.
 */
import { type Clock, systemClock } from '../kit/clock.js';
import { type PopEmulatorBase, popEmulatorBase, startSplitServer } from '../kit/split-server.js';
import { FaultQueue } from '../sae/faults.js';
import { Acs3Gate } from '../sae/gate.js';
import { CMS_ADMIN_PREFIX, serveCmsAdmin } from './admin.js';
import { serveCmsApi } from './api.js';
import { CmsState } from './state.js';
import type { CallRecord, CmsEmulator, EmulatorCredential } from './types.js';

export { CMS_API_VERSION } from './handlers.js';
export { CmsStateError, SAE_METRIC_NAMESPACE } from './state.js';
export {
  ALERT_LEVELS,
  ALERT_STATES,
  type AlertLevel,
  type AlertState,
  type CallRecord,
  type CmsEmulator,
  type CmsSnapshot,
  type EmulatorCredential,
  type Fault,
  type MetricRuleView,
  type SeedRuleInput,
} from './types.js';

export interface StartCmsEmulatorOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Rules' GmtCreate/GmtUpdate and the call log; the signature checks too unless `signatureClock` is set. */
  clock?: Clock;
  /** Clock for the x-acs-date window and nonce expiry; default `clock` (pass `systemClock` with a ManualClock). */
  signatureClock?: Clock;
  credentials?: EmulatorCredential[];
  /** Only used in gateway `HostId`s. Default `cn-hangzhou`. */
  regionId?: string;
}

/** Starts the emulator; `close()` it when done. */
export async function startCmsEmulator(opts: StartCmsEmulatorOptions = {}): Promise<CmsEmulator> {
  const clock = opts.clock ?? systemClock;
  const credentials = new Map<string, EmulatorCredential>();
  const state = new CmsState(clock);
  const faults = new FaultQueue();
  const gate = new Acs3Gate(opts.signatureClock ?? clock, credentials);
  let calls: CallRecord[] = [];
  const addCredential = (c: EmulatorCredential): void => {
    credentials.set(c.accessKeyId, structuredClone(c));
  };
  for (const c of opts.credentials ?? []) addCredential(c);

  const deps = {
    clock,
    regionId: opts.regionId ?? 'cn-hangzhou',
    gate,
    state,
    faults,
    record: (c: CallRecord) => void calls.push(c),
  };
  const server = await startSplitServer({
    name: 'cms',
    port: opts.port,
    adminPrefix: CMS_ADMIN_PREFIX,
    admin: (req, res) => serveCmsAdmin(emulator, req, res),
    api: (req, res) => serveCmsApi(deps, req, res),
  });

  const emulator: CmsEmulator = Object.assign(
    popEmulatorBase(server, () => calls, addCredential),
    {
      seedRule: (input) => state.seedRule(input),
      setAlertState: (ruleId, alertState) => state.setAlertState(ruleId, alertState),
      setEnableState: (ruleId, enabled) => state.setEnableState(ruleId, enabled),
      getRule: (ruleId) => state.getRule(ruleId),
      rules: () => state.rules(),
      callsTo: (action) => calls.filter((c) => c.action === action),
      clearCalls() {
        calls = [];
      },
      injectFault: (fault) => faults.add(fault),
      clearFaults: () => faults.clear(),
      reset() {
        state.reset();
        faults.clear();
        calls = [];
      },
      snapshot: () => ({
        rules: state.rules(),
        faults: faults.list(),
        accessKeyIds: [...credentials.keys()],
      }),
    } satisfies Omit<CmsEmulator, keyof PopEmulatorBase<EmulatorCredential, CallRecord>>,
  );
  return emulator;
}
