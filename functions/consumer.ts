import middy from '@middy/core';
import { loadConfig } from '../lib/config.js';
import type { FcContext } from '../lib/fc/context.js';
import { fcInvocation } from '../lib/fc/invocation-middleware.js';
import { createConsumerHandler } from '../lib/handlers/consumer.js';
import { createRuntime } from '../lib/runtime.js';

/**
 * FC 3.0 entry point for event triggers: MNS topic, EventBridge (MNS queue, RocketMQ, Kafka, RabbitMQ,
 * SAE and CloudMonitor events) and the timer. Built once per cold start; throws only when a record
 * should be redelivered.
 */
const runtime = createRuntime(loadConfig());

export const handler = middy<unknown, unknown, Error, FcContext>(createConsumerHandler(runtime)).use(
  fcInvocation({ credentials: runtime.credentials, logger: runtime.logger }),
);
