/** Shapes every emulator shares: what a verifier is handed, and the controls a test holds. */
import type { IncomingHttpHeaders } from 'node:http';

/** One request as received, for a signature verifier; `C` is the emulator's credential type. */
export interface ReceivedRequest<C> {
  method: string;
  /** Path plus query, exactly as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The emulator's "now" for Date checks, epoch ms. */
  nowMs: number;
  credentials: ReadonlyMap<string, C>;
}

/** The controls of a running emulator with credentials, a call log and a fault queue. */
export interface EmulatorControls<C, R, F> {
  /** Origin, e.g. `http://127.0.0.1:40123`: the client's endpoint. */
  readonly url: string;
  close(): Promise<void>;
  addCredential(credential: C): void;
  /** Every non-admin request so far, oldest first (copies). */
  readonly requests: readonly R[];
  injectFault(fault: F): void;
  clearFaults(): void;
  /** Forgets what was received and armed; restores what was given at start. */
  reset(): void;
}

/** One entry of a signed API's call log. `status` is 0 when an injected reset dropped the connection. */
export interface SignedCall<FaultKind extends string> {
  method: string;
  path: string;
  status: number;
  code?: string;
  accessKeyId?: string;
  /** True only if the signature was checked and matched. */
  signatureValid: boolean;
  /** Set when an injected fault decided (or delayed) the outcome. */
  fault?: FaultKind;
}
