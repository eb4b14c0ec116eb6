import middy from '@middy/core';
import { loadConfig } from '../lib/config.js';
import type { FcContext } from '../lib/fc/context.js';
import { fcInvocation } from '../lib/fc/invocation-middleware.js';
import { createGuardHandler } from '../lib/handlers/guard.js';
import { createRuntime } from '../lib/runtime.js';

/**
 * FC 3.0 entry point for the scheduled guard (timer trigger, e.g. `@every 1m`): checks the watched apps
 * and hands what needs a rollback to the same core as the alarms. Built once per cold start.
 */
const runtime = createRuntime(loadConfig());

export const handler = middy<unknown, unknown, Error, FcContext>(createGuardHandler(runtime)).use(
  fcInvocation({ credentials: runtime.credentials, logger: runtime.logger }),
);
