/** The webhook receiver's public types. */
import type { Outcome } from '../../lib/rollback/outcome.js';
import type { Clock } from '../kit/clock.js';
import type { BaseFault } from '../kit/faults.js';
import type { SignatureRefusal } from './verify.js';

/** Options for `startWebhookEmulator`. */
export interface WebhookEmulatorOptions {
  port?: number;
  /** The receiver's "now" for the replay window; share a ManualClock with the code under test. */
  clock?: Clock;
  /** Accepted signing secrets (several during a rotation). */
  secrets: string[];
  /** Replay window in seconds; default 300. */
  toleranceSec?: number;
}

/** A delivery the receiver accepted. `body` is the raw body; `outcome` is it parsed. */
export interface WebhookDelivery {
  path: string;
  body: string;
  outcome: Outcome;
  headers: { contentType: string; timestamp: string; signature: string; messageId: string };
  receivedAt: number;
}

/** Every non-admin request, accepted or not. */
export interface WebhookEmulatorRequest {
  method: string;
  path: string;
  /** 0 when an injected reset dropped the connection. */
  status: number;
  /** Why it was refused, when it was. */
  error?: SignatureRefusal | 'replay' | 'not-json' | 'bad-json' | 'not-an-outcome' | 'message-id-mismatch';
  signatureValid: boolean;
  fault?: BaseFault['kind'];
}

/** A running receiver. */
export interface WebhookEmulator {
  /** Base URL; any path is accepted, e.g. `${url}/hooks/sae-rollback`. */
  readonly url: string;
  close(): Promise<void>;
  addSecret(secret: string): void;
  deliveries(): WebhookDelivery[];
  /** Requests currently held by a latency fault. */
  readonly sleeping: number;
  readonly requests: readonly WebhookEmulatorRequest[];
  injectFault(fault: BaseFault): void;
  clearFaults(): void;
  /** Forgets deliveries, requests, faults and seen signatures; restores the secrets given at start. */
  reset(): void;
}
