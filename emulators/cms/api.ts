/**
 * One CMS RPC request, end to end. openapi-client signs RPC calls with ACS3-HMAC-SHA256 too (doRequest
 * is used unless signatureAlgorithm is "v2"): the action and version travel in `x-acs-action` and
 * `x-acs-version`, the parameters the SDK puts in `query` go in the URL query string, and a
 * `formData` body (when a caller sends one) is covered by `x-acs-content-sha256`. The gate is the SAE
 * emulator's; parameters are read from the query and, for form bodies, the body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../lib/clock.js';
import { readBody, sleep } from '../http.js';
import { newRequestId } from '../kit/pop-envelope.js';
import { answer, arrivingCall, type Outcome } from '../sae/arrival.js';
import type { FaultPlan, FaultQueue } from '../sae/faults.js';
import type { Acs3Gate } from '../sae/gate.js';
import { cmsFailure, cmsGatewayError, knownCmsGatewayError } from './envelope.js';
import { CMS_API_VERSION, CMS_HANDLERS } from './handlers.js';
import type { CmsState } from './state.js';
import type { CallRecord } from './types.js';

export interface CmsApiDeps {
  clock: Clock;
  regionId: string;
  gate: Acs3Gate;
  state: CmsState;
  faults: FaultQueue;
  record(call: CallRecord): void;
}

function formParams(req: IncomingMessage, body: Buffer): Record<string, string> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') || body.length === 0) return {};
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}

function faultOutcome(
  deps: CmsApiDeps,
  requestId: string,
  failure: NonNullable<FaultPlan['failure']>,
): Outcome {
  switch (failure.kind) {
    case 'throttle': {
      const reply = knownCmsGatewayError(requestId, deps.regionId, 'Throttling.User');
      return failure.status === undefined ? reply : { ...reply, status: failure.status };
    }
    case 'html':
      return { html: failure.status ?? 502 };
    case 'reset':
      return { reset: true };
    case 'success-false':
      return cmsFailure(requestId, failure.code, failure.message ?? failure.code, 200);
    case 'http-error': {
      const message = failure.message ?? failure.code;
      // `shape: 'sae'` (the default) means "the product's own envelope", here CMS's.
      return failure.shape === 'pop'
        ? cmsGatewayError(requestId, deps.regionId, failure.code, message, failure.status)
        : cmsFailure(requestId, failure.code, message, failure.status);
    }
  }
}

async function decide(
  deps: CmsApiDeps,
  req: IncomingMessage,
  call: CallRecord,
  urlQuery: Record<string, string>,
  body: Buffer,
): Promise<Outcome> {
  const { requestId } = call;
  const input = { method: call.method, path: call.path, query: urlQuery, headers: req.headers, body };
  const gate = deps.gate.admit(call, input, CMS_API_VERSION, (code, detail) =>
    knownCmsGatewayError(requestId, deps.regionId, code, detail),
  );
  if (!gate.ok) return gate.reply;
  const handler = CMS_HANDLERS[call.action];
  if (!handler || call.path !== '/' || (call.method !== 'POST' && call.method !== 'GET')) {
    return knownCmsGatewayError(requestId, deps.regionId, 'InvalidAction.NotFound');
  }
  const plan = deps.faults.take(call.action);
  if (plan.latencyMs > 0) await sleep(plan.latencyMs);
  if (plan.failure) return faultOutcome(deps, requestId, plan.failure);
  if (gate.credential.deniedActions?.includes(call.action)) {
    const message = `User not authorized to operate on the specified resource (cms:${call.action}).`;
    return cmsGatewayError(requestId, deps.regionId, 'Forbidden.RAM', message, 403);
  }
  return handler({ requestId, regionId: deps.regionId, params: call.query, state: deps.state });
}

/** Serves one API request and appends it to the call log, whatever the outcome (status 0 until answered). */
export async function serveCmsApi(
  deps: CmsApiDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const requestId = newRequestId();
  const call = arrivingCall(req, deps.clock.now(), requestId, (_, q, header) => header ?? q.Action ?? '');
  const { query } = call;
  deps.record(call);
  let outcome: Outcome;
  try {
    const body = await readBody(req);
    call.query = { ...query, ...formParams(req, body) };
    outcome = await decide(deps, req, call, query, body);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    outcome = cmsGatewayError(
      requestId,
      deps.regionId,
      'InternalError',
      `CMS emulator error: ${message}`,
      500,
    );
  }
  answer(req, res, call, outcome, { 'x-acs-request-id': requestId });
}
