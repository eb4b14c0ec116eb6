/** The emulated PutEvents, once the request is verified: the batch parsed, each event stored or failed alone. */
import { randomUUID } from 'node:crypto';
import type { FaultQueue } from '../kit/faults.js';
import { type CloudEvent, cloudEventSchema, describeEnvelopeError } from './cloudevent.js';
import { type EntryFault, MAX_EVENTS_PER_REQUEST } from './types.js';
import type { ApiError } from './verify.js';

export type PutEventsEntry =
  | { EventId: string; TraceId: string }
  | { EventId: string; ErrorCode: string; ErrorMessage: string };

export interface PutEventsBus {
  buses: ReadonlyMap<string, number>;
  entryFaults: FaultQueue<EntryFault>;
  /** Stores an accepted event (and routes it). */
  accept(bus: string, event: CloudEvent): void;
}

/** The entries of a 200 answer, or the error that refuses the whole request; `events` as counted. */
export function putEvents(
  bus: PutEventsBus,
  body: Buffer,
  batch: boolean,
): { error: ApiError; events: number } | { entries: PutEventsEntry[]; events: number } {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return { error: invalid('The body is not UTF-8 JSON.'), events: 0 };
  }
  const list = batch ? json : [json];
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_EVENTS_PER_REQUEST)
    return {
      error: invalid(`A batch is a JSON array of 1-${MAX_EVENTS_PER_REQUEST} CloudEvents.`),
      events: 0,
    };
  const events: CloudEvent[] = [];
  for (const [i, raw] of list.entries()) {
    const parsed = cloudEventSchema.safeParse(raw);
    if (!parsed.success)
      return { error: invalid(describeEnvelopeError(i, parsed.error)), events: list.length };
    events.push(parsed.data);
  }
  const entries = events.map((event): PutEventsEntry => {
    const injected = bus.entryFaults.take().failure;
    if (injected)
      return {
        EventId: event.id,
        ErrorCode: injected.code,
        ErrorMessage: injected.message ?? 'injected fault',
      };
    const name = event.aliyuneventbusname;
    if (!bus.buses.has(name))
      return { EventId: event.id, ErrorCode: 'EventBusNotExist', ErrorMessage: notExisted(name) };
    bus.accept(name, event);
    return { EventId: event.id, TraceId: randomUUID().replace(/-/g, '') };
  });
  return { entries, events: events.length };
}

export const notExisted = (bus: string): string => `The event bus [${bus}] not existed!`;

function invalid(message: string): ApiError {
  return { status: 400, code: 'InvalidArgument', message };
}
