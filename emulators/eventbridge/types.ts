/** The EventBridge emulator's public types and the admin surface's schemas. */
import { z } from 'zod';
import type { Clock } from '../kit/clock.js';
import { type BaseFault, baseFaultSchemas } from '../kit/faults.js';
import type { EmulatorControls, SignedCall } from '../kit/types.js';
import type { CloudEvent } from './cloudevent.js';
import { type EventPattern, eventPatternSchema } from './pattern.js';
import type { RocketMqSink } from './rocketmq-sink.js';
import type { EmulatorCredential } from './verify.js';

/** Where a rule sends matched events: a topic of the emulated RocketMQ. */
export interface RocketMqTarget {
  type: 'rocketmq';
  topic: string;
}

/** A rule on a bus. */
export interface Rule {
  bus: string;
  name: string;
  pattern: EventPattern;
  targets: RocketMqTarget[];
}

/**
 * A failure to inject, consumed in order: `status`/`reset`/`latency` as for the other receivers; `error` answers
 * the whole request with an EventBridge error; `entry-error` fails single events (`times` events) in a 200 answer.
 */
export type EventBridgeFault =
  | BaseFault
  | { kind: 'error'; status: number; code: string; times?: number }
  | { kind: 'entry-error'; code: string; message?: string; times?: number };

export type EntryFault = Extract<EventBridgeFault, { kind: 'entry-error' }>;
export type RequestFault = Exclude<EventBridgeFault, EntryFault>;

/** An event the bus accepted. */
export interface StoredEvent {
  bus: string;
  event: CloudEvent;
  accessKeyId: string;
  receivedAt: number;
  /** `rule → topic` for every target it was routed to. */
  routedTo: string[];
}

/** Every non-admin request. `status` 0: dropped by an injected reset. */
export interface EventBridgeRequest extends SignedCall<EventBridgeFault['kind']> {
  events: number;
}

export interface EventBridgeEmulatorOptions {
  port?: number;
  /** "Now" for Date checks; share a ManualClock with the code under test. */
  clock?: Clock;
  credentials?: EmulatorCredential[];
  buses?: string[];
  rules?: Rule[];
  /** Echoed as ResourceOwnerAccountId. */
  accountId?: string;
}

/** `reset()` also forgets nonces and sink messages. */
export interface EventBridgeEmulator
  extends EmulatorControls<EmulatorCredential, EventBridgeRequest, EventBridgeFault> {
  readonly sink: RocketMqSink;
  createBus(name: string): void;
  putRule(rule: Rule): void;
  /** Accepted events, oldest first, optionally of one bus. */
  events(bus?: string): StoredEvent[];
}

/** Events per request the emulator takes. */
export const MAX_EVENTS_PER_REQUEST = 100;

export const BUS_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,126}$/;

export const credentialSchema = z.object({
  accessKeyId: z.string().min(1),
  accessKeySecret: z.string().min(1),
  securityToken: z.string().min(1).optional(),
  denied: z.array(z.enum(['PutEvents', 'GetEventBus'])).optional(),
});
export const ruleSchema = z.object({
  bus: z.string().min(1),
  name: z.string().regex(BUS_NAME),
  pattern: eventPatternSchema,
  targets: z.array(z.object({ type: z.literal('rocketmq'), topic: z.string().min(1) })).min(1),
});
const times = z.number().int().positive().optional();
export const faultSchema = z.discriminatedUnion('kind', [
  ...baseFaultSchemas,
  z.object({
    kind: z.literal('error'),
    status: z.number().int().min(400).max(599),
    code: z.string().min(1),
    times,
  }),
  z.object({
    kind: z.literal('entry-error'),
    code: z.string().min(1),
    message: z.string().optional(),
    times,
  }),
]);
