/** What every figure shares: the two emulators, our config pointed at them, apps to roll back, events. */
import { randomUUID } from 'node:crypto';
import { type MnsEmulator, startMnsEmulator } from '../emulators/mns/index.js';
import { type SaeEmulator, startSaeEmulator } from '../emulators/sae/index.js';
import type { Clock } from '../lib/clock.js';
import { loadConfig } from '../lib/config.js';
import type { CloudCredentials } from '../lib/credentials.js';
import { fakeFcContext } from '../lib/dev/fc-context.js';
import { httpTriggerEvent } from '../lib/dev/http-event.js';
import type { FcContext } from '../lib/fc/context.js';
import { connectRedis } from '../lib/idempotency/redis.js';
import { createLogger } from '../lib/log.js';
import { createRuntime, type Runtime } from '../lib/runtime.js';

export const TOPIC = 'sae-rollback-outcomes';
/** The STS triple FC would pass in `context.credentials`; both emulators accept it. */
export const STS: CloudCredentials = {
  accessKeyId: 'STS.benchAccessKeyId',
  accessKeySecret: 'bench-secret-0123456789',
  securityToken: 'bench-sts-token-abcdefghij',
};
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface Emulators {
  sae: SaeEmulator;
  mns: MnsEmulator;
  /** Environment for our functions (and the baseline: it reads SAE_ENDPOINT / SAE_PROTOCOL). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startEmulators(): Promise<Emulators> {
  const sae = await startSaeEmulator({ credentials: [STS] });
  const mns = await startMnsEmulator({ credentials: [STS], topics: [TOPIC] });
  const env = {
    SAE_REGION: 'cn-hangzhou',
    FC_REGION: 'cn-hangzhou',
    SAE_ENDPOINT: sae.endpoint,
    SAE_PROTOCOL: 'http',
    MNS_ENDPOINT: mns.url,
    MNS_TOPIC: TOPIC,
    LOG_LEVEL: 'info',
    // The benchmarks measure the decision path, not the credential check: open on purpose.
    ALARM_AUTH_REQUIRED: 'false',
  };
  // The baseline, run in this process, reads its endpoint from the environment like the FC function would.
  const saved = { SAE_ENDPOINT: process.env.SAE_ENDPOINT, SAE_PROTOCOL: process.env.SAE_PROTOCOL };
  process.env.SAE_ENDPOINT = env.SAE_ENDPOINT;
  process.env.SAE_PROTOCOL = env.SAE_PROTOCOL;
  const close = async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await Promise.all([sae.close(), mns.close()]);
  };
  return { sae, mns, env, close };
}

let appSeq = 0;

/** Seeds `n` apps, each with a running (stuck) release: the change orders a rollback should stop. */
export function seedApps(sae: SaeEmulator, n: number): Array<{ appId: string; co: string }> {
  const run = randomUUID().slice(0, 4);
  return Array.from({ length: n }, () => {
    const seq = ++appSeq;
    const appId = `be0c${run}-0000-4000-8000-${String(seq).padStart(12, '0')}`;
    sae.seedApp({ appId, appName: `bench${seq}`, versions: ['v1', 'v2'] });
    return { appId, co: sae.startChangeOrder({ appId, toVersion: 'v3', subStatus: 1 }) };
  });
}

/** An alarm as the HTTP trigger delivers it: the direct JSON body, which both functions read. */
export function alarmEvent(target: { appId: string } | { ChangeOrderId: string }): Buffer {
  return httpTriggerEvent(JSON.stringify(target));
}

/** An EventBridge batch from an MNS queue, one message per target (what the consumer function gets). */
export function mnsQueueBatch(targets: ReadonlyArray<{ appId: string } | { ChangeOrderId: string }>): Buffer {
  const batch = targets.map((t, i) => ({
    id: randomUUID(),
    source: 'MNS-sae-rollback-consumer-mnsqueue',
    specversion: '1.0',
    type: 'mns:Queue:SendMessage',
    datacontenttype: 'application/json; charset=utf-8',
    subject: 'acs:mns:cn-hangzhou:1234567890123456:queues/sae-rollback',
    time: new Date().toISOString(),
    data: {
      requestId: randomUUID().replace(/-/g, '').toUpperCase().slice(0, 24),
      messageId: `${randomUUID().replace(/-/g, '').toUpperCase()}${i}`,
      messageBody: JSON.stringify(t),
    },
  }));
  return Buffer.from(JSON.stringify(batch));
}

export function context(timeoutSeconds = 30): FcContext {
  return fakeFcContext({ credentials: STS, timeoutSeconds });
}

/**
 * Our runtime as `functions/*.ts` builds it, from environment-style config. Logs at the configured
 * level are serialized as in production but not written (the figures measure work, not a terminal).
 */
export function runtimeFor(env: Record<string, string>, clock?: Clock): Runtime {
  const config = loadConfig(env);
  const rt = createRuntime(config, {
    logger: createLogger({ level: config.logLevel, write: () => undefined }),
    fallbackCredentials: { get: () => Promise.reject(new Error('bench passes credentials in the context')) },
    ...(clock ? { clock } : {}),
  });
  rt.credentials.set(STS);
  return rt;
}

/** True when the Redis the storm shares between "instances" answers. */
export async function redisAvailable(): Promise<boolean> {
  const redis = connectRedis({ url: REDIS_URL, timeoutMs: 500 });
  try {
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix` (SCAN, not KEYS). */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = connectRedis({ url: REDIS_URL });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
