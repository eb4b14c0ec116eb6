/** One SAE API request, end to end: gateway checks, faults, RAM, handler, call log. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../lib/clock.js';
import { readBody, sleep } from '../http.js';
import { logRequestedAction } from './action-log.js';
import { answer, arrivingCall, type Outcome } from './arrival.js';
import {
  gatewayError,
  inShape,
  knownGatewayError,
  newRequestId,
  newTraceId,
  type Reply,
  type SaeErrorShape,
  saeError,
} from './envelope.js';
import type { FaultPlan, FaultQueue } from './faults.js';
import type { Acs3Gate } from './gate.js';
import { deniedReply, routeForPath, SAE_API_VERSION } from './handlers.js';
import type { RateLimiter } from './rate-limit.js';
import type { SaeState } from './state.js';
import type { CallRecord } from './types.js';

export interface ApiDeps {
  clock: Clock;
  regionId: string;
  gate: Acs3Gate;
  state: SaeState;
  faults: FaultQueue;
  rateLimiter: RateLimiter;
  /** How SAE error bodies name the code (read per request: tests switch it). */
  errorShape(): SaeErrorShape;
  record(call: CallRecord): void;
}

function faultOutcome(deps: ApiDeps, requestId: string, failure: NonNullable<FaultPlan['failure']>): Outcome {
  switch (failure.kind) {
    case 'throttle':
      return knownGatewayErrorWithStatus(deps, requestId, failure.status);
    case 'html':
      return { html: failure.status ?? 502 };
    case 'reset':
      return { reset: true };
    case 'success-false':
      return saeError(requestId, failure.code, failure.message ?? failure.code, 200, 400);
    case 'http-error': {
      const message = failure.message ?? failure.code;
      return failure.shape === 'pop'
        ? gatewayError(requestId, deps.regionId, failure.code, message, failure.status)
        : saeError(requestId, failure.code, message, failure.status);
    }
  }
}

function knownGatewayErrorWithStatus(deps: ApiDeps, requestId: string, status: number | undefined): Reply {
  const reply = knownGatewayError(requestId, deps.regionId, 'Throttling.User');
  return status === undefined ? reply : { ...reply, status };
}

async function decide(
  deps: ApiDeps,
  req: IncomingMessage,
  requestId: string,
  call: CallRecord,
  body: Buffer,
): Promise<Outcome> {
  const input = { method: call.method, path: call.path, query: call.query, headers: req.headers, body };
  const gate = deps.gate.admit(call, input, SAE_API_VERSION, (code, detail) =>
    knownGatewayError(requestId, deps.regionId, code, detail),
  );
  if (!gate.ok) return gate.reply;
  const route = routeForPath(call.path);
  if (!route || route.method !== call.method) {
    return knownGatewayError(requestId, deps.regionId, 'InvalidAction.NotFound');
  }
  if (req.headers['x-acs-action'] !== route.action) {
    const message = `Specified api is not found, please check your url and method. (x-acs-action is not ${route.action})`;
    return gatewayError(requestId, deps.regionId, 'InvalidAction.NotFound', message, 400);
  }

  // Flow control sits at the gateway: a throttled call never reaches the API (or the fault queue).
  if (deps.rateLimiter.throttle(gate.accessKeyId, deps.clock.now())) {
    return knownGatewayError(requestId, deps.regionId, 'Throttling.User');
  }
  const plan = deps.faults.take(route.action);
  if (plan.latencyMs > 0) await sleep(plan.latencyMs);
  if (plan.failure) return faultOutcome(deps, requestId, plan.failure);

  const ctx = {
    requestId,
    query: call.query,
    credential: gate.credential,
    state: deps.state,
    regionId: deps.regionId,
  };
  return deniedReply(ctx, route.action) ?? route.handle(ctx);
}

/** Serves one API request and appends it to the call log, whatever the outcome (status 0 until answered). */
export async function serveApi(deps: ApiDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = newRequestId();
  const call = arrivingCall(
    req,
    deps.clock.now(),
    requestId,
    (path, _, header) => routeForPath(path)?.action ?? header ?? '',
  );
  // Logged on arrival so the log keeps arrival order and reset() also forgets calls still in flight.
  deps.record(call);
  logRequestedAction(call, req.headers['user-agent']);
  let outcome: Outcome;
  try {
    const body = await readBody(req);
    outcome = await decide(deps, req, requestId, call, body);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    outcome = gatewayError(requestId, deps.regionId, 'InternalError', `SAE emulator error: ${message}`, 500);
  }

  const headers = { 'x-acs-request-id': requestId, 'x-acs-trace-id': newTraceId() };
  answer(req, res, call, outcome, headers, (reply) => inShape(reply, deps.errorShape()).body);
}
