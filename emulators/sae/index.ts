/**
 * SAE (2019-05-06) API emulator: a real HTTP server on 127.0.0.1 that verifies ACS3-HMAC-SHA256
 * signatures and serves AbortAndRollbackChangeOrder, DescribeChangeOrder, DescribeApplicationStatus,
 * ListChangeOrders, ListApplications, ListAppVersions and RollbackApplication over an in-memory state
 * machine, with fault injection and an admin surface.
 */
import { type Clock, systemClock } from '../kit/clock.js';
import { type PopEmulatorBase, popEmulatorBase, startSplitServer } from '../kit/split-server.js';
import { ADMIN_PREFIX, serveAdmin } from './admin.js';
import { serveApi } from './api.js';
import { setApprovalRequired } from './app-rollback.js';
import { AutoScaler } from './auto-scaling.js';
import type { SaeErrorShape } from './envelope.js';
import { FaultQueue } from './faults.js';
import { Acs3Gate } from './gate.js';
import { type RateLimit, RateLimiter } from './rate-limit.js';
import { SaeState } from './state.js';
import type {
  AbortProgress,
  CallRecord,
  EmulatorCredential,
  RollbackCompletion,
  SaeEmulator,
} from './types.js';

export { ACS3_ALGORITHM, EMPTY_PAYLOAD_SHA256, signAcs3 } from './acs3.js';
export { ACTION_LOG_DIR_ENV, type ActionLogEntry } from './action-log.js';
export type { SaeErrorShape } from './envelope.js';
export { SAE_API_VERSION } from './handlers.js';
export type { RateLimit } from './rate-limit.js';
export { SaeStateError } from './state.js';
export { CO_STATUS, type CoStatus, isTerminalStatus } from './status.js';
export type {
  AbortProgress,
  AppVersionView,
  AppView,
  AutoScaleOutOptions,
  CallRecord,
  ChangeOrderView,
  EmulatorCredential,
  EmulatorSnapshot,
  Fault,
  FaultKind,
  FinishChangeOrderOptions,
  RollbackCompletion,
  SaeEmulator,
  SeedAppInput,
  StartChangeOrderInput,
} from './types.js';

export interface StartSaeEmulatorOptions {
  /** Default 0: any free port. */
  port?: number;
  /**
   * Drives every emulated time (apps' and versions' CreateTime, change orders' CreateTime/FinishTime,
   * the call log), and the signature checks unless `signatureClock` is set. Default: the system clock.
   */
  clock?: Clock;
  /**
   * Clock for the x-acs-date window and nonce expiry; default `clock`. The SDK stamps requests with
   * real time, so pass `systemClock` here when `clock` is a ManualClock far from now.
   */
  signatureClock?: Clock;
  credentials?: EmulatorCredential[];
  /** Used in gateway `HostId`s (`sae.<region>.aliyuncs.com`) and ListApplications' `RegionId`. Default `cn-hangzhou`. */
  regionId?: string;
  /** How RollbackApplication's change orders end; default `immediate`. See {@link RollbackCompletion}. */
  rollbackCompletion?: RollbackCompletion;
  /** What SAE does after an abort; default `immediate`. See {@link AbortProgress}. */
  abortProgress?: AbortProgress;
  /** SAE's flow control (60 calls per minute per user), scaled as a test needs; default off. */
  rateLimit?: RateLimit;
  /**
   * `documented` (default): error bodies as the official SDK's models say (`Code` the HTTP status,
   * `ErrorCode` the code); `legacy`: `Code` repeats `ErrorCode`. See {@link SaeErrorShape}.
   */
  errorShape?: SaeErrorShape;
  /**
   * Called as each API request arrives, before faults are taken for it: a soak can arm a fault for
   * this very call (per-call fault rates) or count calls.
   */
  onCall?: (call: CallRecord) => void;
}

/** Starts the emulator; `close()` it when done. */
export async function startSaeEmulator(opts: StartSaeEmulatorOptions = {}): Promise<SaeEmulator> {
  const clock = opts.clock ?? systemClock;
  const regionId = opts.regionId ?? 'cn-hangzhou';
  const credentials = new Map<string, EmulatorCredential>();
  const state = new SaeState(clock);
  state.rollbackCompletion = opts.rollbackCompletion ?? 'immediate';
  if (opts.abortProgress) state.abortProgress = structuredClone(opts.abortProgress);
  const scaler = new AutoScaler(state);
  const faults = new FaultQueue();
  const rateLimiter = new RateLimiter();
  rateLimiter.set(opts.rateLimit);
  const gate = new Acs3Gate(opts.signatureClock ?? clock, credentials);
  let calls: CallRecord[] = [];
  let errorShape: SaeErrorShape = opts.errorShape ?? 'documented';

  const addCredential = (c: EmulatorCredential): void => {
    credentials.set(c.accessKeyId, structuredClone(c));
  };
  for (const c of opts.credentials ?? []) addCredential(c);

  const apiDeps = {
    clock,
    regionId,
    gate,
    state,
    faults,
    rateLimiter,
    errorShape: () => errorShape,
    record: (c: CallRecord) => {
      calls.push(c);
      scaler.onCall();
      opts.onCall?.(c);
    },
  };
  const server = await startSplitServer({
    name: 'sae',
    port: opts.port,
    adminPrefix: ADMIN_PREFIX,
    admin: (req, res) => serveAdmin(emulator, req, res),
    api: (req, res) => serveApi(apiDeps, req, res),
  });

  const emulator: SaeEmulator = Object.assign(
    popEmulatorBase(server, () => calls, addCredential),
    {
      seedApp: (input) => state.seedApp(input),
      startChangeOrder: (input) => state.startChangeOrder(input),
      setChangeOrderStatus: (id, status, subStatus) => state.setChangeOrderStatus(id, status, subStatus),
      finishChangeOrder: (id, finish) => state.finishChangeOrder(id, finish),
      autoScaleOut: (appId, o) => scaler.scaleOut(appId, o),
      seedNamespace: (namespaceId) => state.seedNamespace(namespaceId),
      listApps: (namespaceId) => state.listApps(namespaceId),
      getAppVersions: (appId) => state.appVersions(appId),
      setApprovalRequired: (appId, on) => setApprovalRequired(state, appId, on),
      setRollbackCompletion(mode) {
        state.rollbackCompletion = mode;
      },
      setAbortProgress(progress) {
        state.abortProgress = structuredClone(progress);
      },
      getApp: (appId) => state.getApp(appId),
      getChangeOrder: (id) => state.getChangeOrder(id),
      callsTo: (action) => calls.filter((c) => c.action === action),
      clearCalls() {
        calls = [];
      },
      injectFault: (fault) => faults.add(fault),
      clearFaults: () => faults.clear(),
      setRateLimit: (limit) => rateLimiter.set(limit),
      setErrorShape(shape) {
        errorShape = shape;
      },
      reset() {
        state.reset();
        scaler.clear();
        faults.clear();
        rateLimiter.clear();
        calls = [];
      },
      snapshot: () => ({
        apps: state.apps(),
        namespaces: state.namespaces(),
        rollbackCompletion: state.rollbackCompletion,
        abortProgress: state.abortProgress,
        errorShape,
        changeOrders: state.changeOrders(),
        faults: faults.list(),
        accessKeyIds: [...credentials.keys()],
      }),
    } satisfies Omit<SaeEmulator, keyof PopEmulatorBase<EmulatorCredential, CallRecord>>,
  );
  return emulator;
}
