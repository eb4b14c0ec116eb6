import type { FcContext } from '../../lib/fc/context.js';

/** An AccessKey the emulator accepts; with `securityToken`, requests must carry exactly that STS token. */
export interface FcEmulatorCredential {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** A function the emulator knows. FC 2.0 requests address `service/name`; FC 3.0 ones `name` (no service). */
export interface FcEmulatorFunction {
  name: string;
  /** Set for an FC 2.0 function: the service it lives in. */
  service?: string;
  /** Async task mode (`asyncInvokeConfig.asyncTask: true`); default true. Task IDs are refused without it. */
  asyncTask?: boolean;
  /** Runs the function in-process: sync invocations return its result; async ones run after the 202. */
  handler?: (event: Buffer, context: FcContext) => Promise<unknown>;
}

export type FcApi = 'fc3' | 'fc2';

export type InvocationStatus = 'Enqueued' | 'Running' | 'Succeeded' | 'Failed';

/** An invocation FC accepted. */
export interface FcInvocation {
  api: FcApi;
  service?: string;
  functionName: string;
  qualifier: string;
  type: 'Sync' | 'Async';
  taskId?: string;
  requestId: string;
  /** The event, as UTF-8. */
  payload: string;
  accessKeyId: string;
  receivedAt: number;
  status: InvocationStatus;
  /** What the in-process handler returned (JSON) or threw (message). */
  result?: unknown;
  error?: string;
}

/** Every request that reached an API route, accepted or not. */
export interface FcRequestRecord {
  api: FcApi;
  method: string;
  path: string;
  status: number;
  code?: string;
  signatureValid: boolean;
  taskId?: string;
}

export interface FcEmulator {
  /** `http://127.0.0.1:<port>`: the FC 2.0 client's endpoint. */
  readonly url: string;
  /** `127.0.0.1:<port>`: the FC 3.0 (openapi-client) endpoint. */
  readonly endpoint: string;
  readonly accountId: string;
  readonly invocations: readonly FcInvocation[];
  readonly requests: readonly FcRequestRecord[];
  addCredential(c: FcEmulatorCredential): void;
  addFunction(f: FcEmulatorFunction): void;
  /** Resolves when every async invocation started so far has finished running. */
  settled(): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}
