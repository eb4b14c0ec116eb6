import { z } from 'zod';
import type { Clock } from '../kit/clock.js';
import type { EmulatorControls, SignedCall } from '../kit/types.js';
import type { EmulatorCredential } from './verify.js';

/** Options for {@link startMnsEmulator}. */
export interface MnsEmulatorOptions {
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** The emulator's "now" for Date-skew checks and publishedAt; share a ManualClock with the code under test. */
  clock?: Clock;
  credentials?: EmulatorCredential[];
  topics?: string[];
  /** Used only in HostId; default 1234567890123456. */
  accountId?: string;
}

/** A message the emulator accepted. `body` is the XML-unescaped MessageBody, exactly. */
export interface MnsEmulatorMessage {
  topic: string;
  messageId: string;
  body: string;
  tag?: string;
  /** Upper-case hex MD5 of the UTF-8 body, as returned to the publisher. */
  bodyMd5: string;
  publishedAt: number;
  accessKeyId: string;
}

/** Every non-admin request, accepted or not. `status` is 0 when an injected reset dropped the connection. */
export type MnsEmulatorRequest = SignedCall<MnsFault['kind']>;

/**
 * A failure to inject. Faults apply in the order injected, before any verification, to non-admin requests;
 * each applies `times` times (default: until {@link MnsEmulator.clearFaults}). A latency fault delays, then the
 * request is processed normally, so a publish whose client timed out may still be stored, as with real MNS.
 */
export type MnsFault =
  | { kind: 'status'; status: number; code?: string; times?: number }
  | { kind: 'reset'; times?: number }
  | { kind: 'latency'; ms: number; times?: number };

/** A running emulator. */
export interface MnsEmulator extends EmulatorControls<EmulatorCredential, MnsEmulatorRequest, MnsFault> {
  createTopic(name: string): void;
  /** Stored messages, oldest first, optionally for one topic. */
  messages(topic?: string): MnsEmulatorMessage[];
}

export const TOPIC_NAME = /^[A-Za-z][A-Za-z0-9-]{0,254}$/;
export const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

export const credentialSchema = z.object({
  accessKeyId: z.string().min(1),
  accessKeySecret: z.string().min(1),
  securityToken: z.string().min(1).optional(),
});
export const faultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status'),
    status: z.number().int().min(400).max(599),
    code: z.string().min(1).optional(),
    times: z.number().int().positive().optional(),
  }),
  z.object({ kind: z.literal('reset'), times: z.number().int().positive().optional() }),
  z.object({
    kind: z.literal('latency'),
    ms: z.number().int().min(0),
    times: z.number().int().positive().optional(),
  }),
]);
export const topicSchema = z.object({ name: z.string().regex(TOPIC_NAME) });

export interface ActiveFault {
  fault: MnsFault;
  remaining: number;
}
