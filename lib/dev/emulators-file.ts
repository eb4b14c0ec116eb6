/**
 * What `sae-rollback dev --emulators-only` prints (one JSON line) and `--functions-only --emulators
 * <file>` reads: where the emulators listen, the credentials they accept, the seeded app. Parsed with
 * zod at the boundary, so a hand-edited or truncated file is refused with the field at fault.
 */
import { z } from 'zod';
import { appIdSchema } from '../ids.js';

const url = z.url({ protocol: /^https?$/ });

export const devEmulatorsSchema = z.object({
  emulators: z.object({ sae: url, mns: url, dingtalk: url, webhook: url, cms: url }),
  /** The STS triple every emulator accepts (what FC would pass the functions from their role). */
  credentials: z.object({
    accessKeyId: z.string().min(1),
    accessKeySecret: z.string().min(1),
    securityToken: z.string().min(1),
  }),
  regionId: z.string().min(1),
  mns: z.object({ topic: z.string().min(1) }),
  dingtalk: z.object({ sendUrl: url, accessToken: z.string().min(1), secret: z.string().min(1) }),
  webhook: z.object({ url, secret: z.string().min(1) }),
  /** Accepted by every `--functions-only` process of the run unless the environment sets ALARM_AUTH_*. */
  alarmToken: z.string().regex(/^[A-Za-z0-9._~-]{16,256}$/),
  /** The seeded app ("checkout") and its running change order. */
  appId: appIdSchema,
  changeOrderId: z.string().min(1),
});

export type DevEmulators = z.output<typeof devEmulatorsSchema>;

/** `http://127.0.0.1:9001` → `127.0.0.1:9001`, what the SAE and CMS clients take with protocol http. */
const hostOf = (u: string) => new URL(u).host;

/**
 * The environment the functions read at import (as on an FC cold start) to talk to these emulators.
 * Everything else — the store, Redis, log level, tuning — stays as the caller's environment has it.
 */
export function emulatorEnv(e: DevEmulators): Record<string, string> {
  return {
    SAE_REGION: e.regionId,
    SAE_ENDPOINT: hostOf(e.emulators.sae),
    SAE_PROTOCOL: 'http',
    MNS_ENDPOINT: e.emulators.mns,
    MNS_TOPIC: e.mns.topic,
    DINGTALK_ENDPOINT: e.dingtalk.sendUrl,
    DINGTALK_ACCESS_TOKEN: e.dingtalk.accessToken,
    DINGTALK_SECRET: e.dingtalk.secret,
    WEBHOOK_URL: e.webhook.url,
    WEBHOOK_SECRET: e.webhook.secret,
    CMS_ENDPOINT: hostOf(e.emulators.cms),
    CMS_PROTOCOL: 'http',
  };
}

/** Whether the environment configures the alarm trigger's authentication itself. */
export function authFromEnvironment(env: Record<string, string | undefined>): boolean {
  return ['ALARM_AUTH_TOKENS', 'ALARM_HMAC_SECRETS', 'ALARM_AUTH_REQUIRED'].some(
    (k) => (env[k] ?? '') !== '',
  );
}
