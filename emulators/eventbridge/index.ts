/**
 * A local EventBridge data plane for PutEvents: a real HTTP server on 127.0.0.1 that verifies the `acs:` HMAC-SHA1
 * signature, Date, nonce, STS token and Content-MD5 (./verify.ts), validates every CloudEvent (./cloudevent.ts),
 * stores accepted events per bus, and routes them through rules (an event-pattern subset, ./pattern.ts) to a
 * stand-in RocketMQ (./rocketmq-sink.ts), so an outcome can be followed from the bus to a consumer.
 *
 * Answers: 200 `{"RequestId","ResourceOwnerAccountId","FailedEntryCount","EntryList":[{"EventId","TraceId"}|
 * {"EventId","ErrorCode","ErrorMessage"}]}` (an event for an unknown bus fails alone, `EventBusNotExist`);
 * errors `{"code","message","requestId"}` with 400/403/404/405/415, or an injected status.
 *
 * Admin surface (JSON): GET /__admin/events[?bus=], GET /__admin/requests, GET /__admin/sink[?topic=],
 * POST /__admin/buses {name}, POST /__admin/rules {bus,name,pattern,targets}, POST /__admin/credentials {…},
 * POST /__admin/faults <fault>, DELETE /__admin/faults, POST /__admin/reset.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { type Clock, systemClock } from '../../lib/clock.js';
import { closeServer, listenLocal, readBody, sendJson } from '../http.js';
import { type BaseFault, baseFaultSchemas, FaultQueue, Sleeps, withoutUndefined } from '../notify-faults.js';
import { type CloudEvent, cloudEventSchema, describeEnvelopeError } from './cloudevent.js';
import { type EventPattern, eventPatternSchema, matchesPattern } from './pattern.js';
import { RocketMqSink } from './rocketmq-sink.js';
import { type ApiError, type EmulatorCredential, verifyPutEvents } from './verify.js';

export { type RocketMqMessage, RocketMqSink } from './rocketmq-sink.js';
export type { EmulatorCredential } from './verify.js';

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
export interface EventBridgeRequest {
  method: string;
  path: string;
  status: number;
  code?: string;
  accessKeyId?: string;
  signatureValid: boolean;
  events: number;
  fault?: EventBridgeFault['kind'];
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

export interface EventBridgeEmulator {
  /** Origin, e.g. `http://127.0.0.1:40123`: the client's endpoint. */
  readonly url: string;
  readonly sink: RocketMqSink;
  close(): Promise<void>;
  addCredential(credential: EmulatorCredential): void;
  createBus(name: string): void;
  putRule(rule: Rule): void;
  /** Accepted events, oldest first, optionally of one bus. */
  events(bus?: string): StoredEvent[];
  readonly requests: readonly EventBridgeRequest[];
  injectFault(fault: EventBridgeFault): void;
  clearFaults(): void;
  /** Forgets events, requests, faults, nonces and sink messages; restores the buses, rules and credentials. */
  reset(): void;
}

/** Events per request the emulator takes. */
export const MAX_EVENTS_PER_REQUEST = 100;

const credentialSchema = z.object({
  accessKeyId: z.string().min(1),
  accessKeySecret: z.string().min(1),
  securityToken: z.string().min(1).optional(),
});
const ruleSchema = z.object({
  bus: z.string().min(1),
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,126}$/),
  pattern: eventPatternSchema,
  targets: z.array(z.object({ type: z.literal('rocketmq'), topic: z.string().min(1) })).min(1),
});
const times = z.number().int().positive().optional();
const faultSchema = z.discriminatedUnion('kind', [
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

type EntryFault = Extract<EventBridgeFault, { kind: 'entry-error' }>;
type RequestFault = Exclude<EventBridgeFault, EntryFault>;

/** Starts the emulator on 127.0.0.1. */
export async function startEventBridgeEmulator(
  opts: EventBridgeEmulatorOptions = {},
): Promise<EventBridgeEmulator> {
  const clock = opts.clock ?? systemClock;
  const accountId = opts.accountId ?? '1234567890123456';
  const sink = new RocketMqSink();
  const sleeps = new Sleeps();
  const faults = new FaultQueue<RequestFault>();
  const entryFaults = new FaultQueue<EntryFault>();
  const credentials = new Map<string, EmulatorCredential>();
  const buses = new Set<string>();
  let rules: Rule[] = [];
  let stored: StoredEvent[] = [];
  let requests: EventBridgeRequest[] = [];
  let nonces = new Map<string, number>();
  let generation = 0;

  const addRule = (rule: Rule): void => {
    const parsed = ruleSchema.parse(rule);
    if (!buses.has(parsed.bus)) throw new Error(`EventBusNotExist: ${parsed.bus}`);
    rules = [...rules.filter((r) => !(r.bus === parsed.bus && r.name === parsed.name)), rule];
  };
  const reset = (): void => {
    generation += 1;
    sleeps.cancelAll();
    credentials.clear();
    for (const c of opts.credentials ?? []) credentials.set(c.accessKeyId, { ...c });
    buses.clear();
    for (const b of opts.buses ?? []) buses.add(b);
    rules = [];
    for (const r of opts.rules ?? []) addRule(r);
    stored = [];
    requests = [];
    nonces = new Map();
    faults.clear();
    entryFaults.clear();
    sink.clear();
  };
  reset();

  const route = (bus: string, event: CloudEvent): string[] => {
    const routed: string[] = [];
    for (const rule of rules) {
      if (rule.bus !== bus || !matchesPattern(rule.pattern, event)) continue;
      for (const target of rule.targets) {
        sink.deliver(target.topic, {
          keys: event.id,
          tags: event.type,
          body: JSON.stringify(event),
          bornTimestamp: clock.now(),
        });
        routed.push(`${rule.name} → ${target.topic}`);
      }
    }
    return routed;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const method = req.method ?? '';
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    const requestId = randomUUID().toUpperCase();
    const plan = faults.take();
    if (plan.latencyMs > 0) {
      const before = generation;
      await sleeps.sleep(plan.latencyMs);
      if (generation !== before) {
        req.socket.destroy();
        return;
      }
    }
    const log = (entry: Omit<EventBridgeRequest, 'method' | 'path'>): void => {
      requests.push({
        method,
        path,
        ...entry,
        ...(plan.latencyMs > 0 && !entry.fault ? { fault: 'latency' } : {}),
      });
    };
    const fail = (
      error: ApiError,
      extra: Omit<EventBridgeRequest, 'method' | 'path' | 'status' | 'code'>,
    ): void => {
      log({ status: error.status, code: error.code, ...extra });
      sendJson(res, error.status, { code: error.code, message: error.message, requestId });
    };
    const failure = plan.failure;
    if (failure?.kind === 'reset') {
      log({ status: 0, signatureValid: false, events: 0, fault: 'reset' });
      req.socket.destroy();
      return;
    }
    if (failure?.kind === 'status' || failure?.kind === 'error') {
      const code = failure.kind === 'error' ? failure.code : 'InternalError';
      const error = { status: failure.status, code, message: 'injected fault' };
      return fail(error, { signatureValid: false, events: 0, fault: failure.kind });
    }

    const verdict = verifyPutEvents({
      method,
      url: req.url ?? '/',
      headers: req.headers,
      body,
      nowMs: clock.now(),
      credentials,
      nonces,
    });
    if (!verdict.ok) {
      const who = verdict.accessKeyId === undefined ? {} : { accessKeyId: verdict.accessKeyId };
      return fail(verdict.error, { ...who, signatureValid: verdict.signatureValid, events: 0 });
    }
    const signed = { accessKeyId: verdict.accessKeyId, signatureValid: true };
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch {
      return fail(
        { status: 400, code: 'InvalidArgument', message: 'The body is not UTF-8 JSON.' },
        { ...signed, events: 0 },
      );
    }
    const list = verdict.batch ? json : [json];
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_EVENTS_PER_REQUEST) {
      const message = `A batch is a JSON array of 1-${MAX_EVENTS_PER_REQUEST} CloudEvents.`;
      return fail({ status: 400, code: 'InvalidArgument', message }, { ...signed, events: 0 });
    }
    const events: CloudEvent[] = [];
    for (const [i, raw] of list.entries()) {
      const parsed = cloudEventSchema.safeParse(raw);
      if (!parsed.success) {
        const message = describeEnvelopeError(i, parsed.error);
        return fail({ status: 400, code: 'InvalidArgument', message }, { ...signed, events: list.length });
      }
      events.push(parsed.data);
    }

    const entries = events.map((event) => {
      const injected = entryFaults.take().failure;
      if (injected) {
        return {
          EventId: event.id,
          ErrorCode: injected.code,
          ErrorMessage: injected.message ?? 'injected fault',
        };
      }
      const bus = event.aliyuneventbusname;
      if (!buses.has(bus)) {
        return {
          EventId: event.id,
          ErrorCode: 'EventBusNotExist',
          ErrorMessage: `The event bus [${bus}] not existed!`,
        };
      }
      stored.push({
        bus,
        event,
        accessKeyId: verdict.accessKeyId,
        receivedAt: clock.now(),
        routedTo: route(bus, event),
      });
      return { EventId: event.id, TraceId: randomUUID().replace(/-/g, '') };
    });
    log({ status: 200, ...signed, events: events.length });
    sendJson(res, 200, {
      RequestId: requestId,
      ResourceOwnerAccountId: accountId,
      FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length,
      EntryList: entries,
    });
  };

  const routeAdmin = (method: string, url: URL, body: Buffer): [number, unknown] => {
    const input = (): unknown => (body.length === 0 ? {} : JSON.parse(body.toString('utf8')));
    const bus = url.searchParams.get('bus') ?? undefined;
    const topic = url.searchParams.get('topic') ?? undefined;
    switch (`${method} ${url.pathname}`) {
      case 'GET /__admin/events':
        return [200, stored.filter((e) => bus === undefined || e.bus === bus)];
      case 'GET /__admin/requests':
        return [200, requests];
      case 'GET /__admin/sink':
        return [200, sink.messages(topic)];
      case 'POST /__admin/buses':
        buses.add(
          z.object({ name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,126}$/) }).parse(input()).name,
        );
        return [201, { ok: true }];
      case 'POST /__admin/rules':
        addRule(withoutUndefined(ruleSchema.parse(input())) as Rule);
        return [201, { ok: true }];
      case 'POST /__admin/credentials': {
        const c = withoutUndefined(credentialSchema.parse(input())) as EmulatorCredential;
        credentials.set(c.accessKeyId, c);
        return [201, { ok: true }];
      }
      case 'POST /__admin/faults':
        inject(withoutUndefined(faultSchema.parse(input())) as EventBridgeFault);
        return [201, { ok: true }];
      case 'DELETE /__admin/faults':
        faults.clear();
        entryFaults.clear();
        return [200, { ok: true }];
      case 'POST /__admin/reset':
        reset();
        return [200, { ok: true }];
      default:
        return [404, { error: `no admin route ${method} ${url.pathname}` }];
    }
  };

  const inject = (fault: EventBridgeFault): void => {
    if (fault.kind === 'entry-error') entryFaults.add(fault);
    else faults.add(fault);
  };

  const server = createServer((req, res) => {
    readBody(req)
      .then(async (body) => {
        const url = new URL(req.url ?? '/', 'http://emulator');
        if (url.pathname.startsWith('/__admin/')) {
          let answer: [number, unknown];
          try {
            answer = routeAdmin(req.method ?? '', url, body);
          } catch (e) {
            answer = [400, { error: e instanceof Error ? e.message : String(e) }];
          }
          sendJson(res, ...answer);
          return;
        }
        await handle(req, res, body);
      })
      .catch(() => {
        if (!res.headersSent) sendJson(res, 413, { code: 'EntityTooLarge', message: 'request too large' });
      });
  });
  const port = await listenLocal(server, opts.port ?? 0);

  return {
    url: `http://127.0.0.1:${port}`,
    sink,
    async close() {
      sleeps.cancelAll();
      await closeServer(server);
    },
    addCredential: (c) => void credentials.set(c.accessKeyId, { ...c }),
    createBus: (name) => void buses.add(name),
    putRule: addRule,
    events: (bus) => structuredClone(stored.filter((e) => bus === undefined || e.bus === bus)),
    get requests() {
      return requests.map((r) => ({ ...r }));
    },
    injectFault: inject,
    clearFaults() {
      faults.clear();
      entryFaults.clear();
    },
    reset,
  };
}
