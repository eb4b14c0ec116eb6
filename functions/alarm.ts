import middy from '@middy/core';
import { loadConfig } from '../lib/config.js';
import type { FcContext } from '../lib/fc/context.js';
import { fcInvocation } from '../lib/fc/invocation-middleware.js';
import { createAlarmHandler } from '../lib/handlers/alarm.js';
import { createRuntime } from '../lib/runtime.js';

/**
 * FC 3.0 entry point for alarms (HTTP trigger, or direct/async invocation). Clients, store and
 * loggers are built once per cold start; a configuration error fails the cold start loudly.
 */
const runtime = createRuntime(loadConfig());

export const handler = middy<unknown, unknown, Error, FcContext>(createAlarmHandler(runtime)).use(
  fcInvocation({ credentials: runtime.credentials, logger: runtime.logger }),
);
