import type { InvocationInfo } from '../rollback/types.js';

/**
 * The FC 3.0 context object handed to event handlers (built-in Node.js runtimes). Only the fields we
 * use; FC passes more. Note: FC has no `getRemainingTimeInMillis`, so the deadline is computed from
 * `function.timeout` (seconds) and the moment the invocation started.
 */
export interface FcContext {
  requestId: string;
  credentials?: { accessKeyId?: string; accessKeySecret?: string; securityToken?: string };
  function?: { name?: string; handler?: string; memory?: number; timeout?: number };
  region?: string;
  accountId?: string;
  retryCount?: number;
}

/** Epoch ms by which this invocation must be done, or undefined when FC did not say. */
export function deadlineOf(context: FcContext, startedAt: number): number | undefined {
  const t = context.function?.timeout;
  return typeof t === 'number' && t > 0 ? startedAt + t * 1000 : undefined;
}

/** What the core learns of the invocation: FC's request ID and, when FC said, the deadline. */
export function invocationOf(context: FcContext, startedAt: number): InvocationInfo {
  const deadline = deadlineOf(context, startedAt);
  return deadline === undefined
    ? { fcRequestId: context.requestId }
    : { fcRequestId: context.requestId, deadline };
}

/** What a handler answers an FC 3.0 HTTP trigger with. */
export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** FC hands events as a Buffer; tests and local tools may pass a string or an object. */
export function eventBytes(event: unknown): Buffer {
  if (Buffer.isBuffer(event)) return event;
  if (typeof event === 'string') return Buffer.from(event, 'utf8');
  if (event instanceof Uint8Array) return Buffer.from(event);
  return Buffer.from(JSON.stringify(event ?? null), 'utf8');
}
