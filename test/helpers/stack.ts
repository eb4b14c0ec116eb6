import { type MnsEmulator, startMnsEmulator } from '../../emulators/mns/index.js';
import { type SaeEmulator, startSaeEmulator } from '../../emulators/sae/index.js';
import { loadConfig } from '../../lib/config.js';
import type { CloudCredentials } from '../../lib/credentials.js';
import { staticCredentials } from '../../lib/credentials.js';
import { fakeFcContext } from '../../lib/dev/fc-context.js';
import { createAlarmHandler } from '../../lib/handlers/alarm.js';
import { memoryLogger } from '../../lib/log.js';
import { createRuntime, type Runtime } from '../../lib/runtime.js';

export const TOPIC = 'sae-rollback-outcomes';
/** What FC would put in context.credentials (an STS triple), accepted by both emulators. */
export const STS: CloudCredentials = {
  accessKeyId: 'STS.testAccessKeyId',
  accessKeySecret: 'test-secret-0123456789',
  securityToken: 'test-sts-token-abcdefghij',
};

export interface Stack {
  sae: SaeEmulator;
  mns: MnsEmulator;
  rt: Runtime;
  logs: string[];
  handler: ReturnType<typeof createAlarmHandler>;
  /** Invokes the alarm handler with a fresh fake FC context carrying {@link STS}. */
  invoke(event: unknown, creds?: CloudCredentials): ReturnType<ReturnType<typeof createAlarmHandler>>;
  close(): Promise<void>;
}

/**
 * These stacks test what the handler does with a request; who may send one is tested in test/security/.
 * So the HTTP trigger is opened on purpose (ALARM_AUTH_REQUIRED=false) unless the test passes any auth
 * variable itself — credentials, or '' to get the secure default back.
 */
export function openUnlessAuthGiven(env: Record<string, string>): Record<string, string> {
  const given = Object.keys(env).some((k) => k.startsWith('ALARM_AUTH_') || k === 'ALARM_HMAC_SECRETS');
  return given ? {} : { ALARM_AUTH_REQUIRED: 'false' };
}

/** Both emulators on free ports plus a runtime wired to them, as `createRuntime` does on FC. */
export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const sae = await startSaeEmulator({ credentials: [STS] });
  const mns = await startMnsEmulator({ credentials: [STS], topics: [TOPIC] });
  const logger = memoryLogger('debug');
  const config = loadConfig({
    SAE_REGION: 'cn-hangzhou',
    SAE_ENDPOINT: sae.endpoint,
    SAE_PROTOCOL: 'http',
    SAE_READ_TIMEOUT_MS: '1500',
    SAE_CONNECT_TIMEOUT_MS: '1500',
    MNS_ENDPOINT: mns.url,
    MNS_TOPIC: TOPIC,
    MNS_TIMEOUT_MS: '1500',
    ...openUnlessAuthGiven(env),
    ...env,
  });
  const rt = createRuntime(config, {
    logger,
    fallbackCredentials: {
      get: () => Promise.reject(new Error('tests must pass credentials in the FC context')),
    },
  });
  const handler = createAlarmHandler(rt);
  return {
    sae,
    mns,
    rt,
    logs: logger.lines,
    handler,
    invoke(event, creds = STS) {
      const context = fakeFcContext({ credentials: creds });
      rt.credentials.set(context.credentials);
      return handler(event, context);
    },
    async close() {
      await Promise.all([sae.close(), mns.close()]);
    },
  };
}

/** A POP client's options against an emulator on 127.0.0.1: plain HTTP, the test STS triple, 1 s timeouts. */
export function emulatorClientOptions(endpoint: string) {
  return {
    regionId: 'cn-hangzhou',
    endpoint,
    protocol: 'http' as const,
    credentials: staticCredentials(STS),
    connectTimeoutMs: 1000,
    readTimeoutMs: 1000,
  };
}
