import type middy from '@middy/core';
import type { InvocationCredentials } from '../credentials.js';
import { type Logger, registerSecret } from '../log.js';
import type { FcContext } from './context.js';

export interface FcInvocationOptions {
  credentials: InvocationCredentials;
  logger: Logger;
}

/**
 * Middy middleware for FC 3.0: hands the invocation's STS credentials to the clients built at cold start
 * (and registers them with the log redactor), and logs an unexpected error once before FC sees it.
 */
export function fcInvocation(
  opts: FcInvocationOptions,
): middy.MiddlewareObj<unknown, unknown, Error, FcContext> {
  const before: middy.MiddlewareFn<unknown, unknown, Error, FcContext> = async (request) => {
    const creds = request.context.credentials;
    registerSecret(creds?.accessKeySecret);
    registerSecret(creds?.securityToken);
    opts.credentials.set(creds);
  };
  const onError: middy.MiddlewareFn<unknown, unknown, Error, FcContext> = async (request) => {
    opts.logger.error('invocation failed', { fcRequestId: request.context.requestId, error: request.error });
  };
  return { before, onError };
}
