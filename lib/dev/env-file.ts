/**
 * The shell file `sae-rollback dev` writes (default `./sae-rollback-dev.env`): sourced, it points the
 * CLI's `status`, `abort` and `invoke` at the running emulators, with the credentials they accept. It
 * first unsets every variable sae-rollback reads, so a shell with a deployment's settings exported
 * (README "Deploy") cannot send a dev command to production.
 */
import { configSchema } from '../config.js';
import { CHAIN_VARIABLES } from '../credentials.js';
import { type DevEmulators, emulatorEnv } from './emulators-file.js';

export const DEFAULT_DEV_ENV_FILE = 'sae-rollback-dev.env';

export interface DevEnvExtras {
  /** The alarm function's token, when it takes one. */
  alarmToken?: string;
  /** The functions' URLs, when this process serves them. */
  functions?: Readonly<Record<string, string>>;
}

/** `'…'` with embedded quotes escaped, for POSIX shells. */
const quote = (v: string) => `'${v.replaceAll("'", `'\\''`)}'`;

/** The variables the file exports, in order. */
export function devEnvVariables(e: DevEmulators, x: DevEnvExtras = {}): Array<[string, string]> {
  return [
    ['ALIBABA_CLOUD_ACCESS_KEY_ID', e.credentials.accessKeyId],
    ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', e.credentials.accessKeySecret],
    ['ALIBABA_CLOUD_SECURITY_TOKEN', e.credentials.securityToken],
    ['ALIBABA_CLOUD_ECS_METADATA_DISABLED', 'true'],
    ...Object.entries(emulatorEnv(e)),
    ['IDEMPOTENCY_STORE', 'memory'],
    ['WATCH_APP_IDS', e.appId],
    ...(x.alarmToken ? ([['ALARM_AUTH_TOKENS', x.alarmToken]] as Array<[string, string]>) : []),
    ['SAE_ROLLBACK_DEV_APP_ID', e.appId],
    ['SAE_ROLLBACK_DEV_CHANGE_ORDER_ID', e.changeOrderId],
    ...Object.entries(x.functions ?? {}).map(([name, url]): [string, string] => [
      `SAE_ROLLBACK_DEV_${name.toUpperCase()}_URL`,
      url,
    ]),
  ];
}

/** The file's text. */
export function devEnvFile(e: DevEmulators, x: DevEnvExtras = {}): string {
  const unset = [...Object.keys(configSchema.shape), ...CHAIN_VARIABLES].sort();
  return [
    '# Written by "sae-rollback dev"; removed when it stops. Source it: . ./sae-rollback-dev.env',
    '# It unsets every sae-rollback variable first, so nothing exported for a deployment applies.',
    `unset ${unset.join(' ')}`,
    ...devEnvVariables(e, x).map(([k, v]) => `export ${k}=${quote(v)}`),
    '',
  ].join('\n');
}
