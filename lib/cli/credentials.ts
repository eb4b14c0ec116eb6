/**
 * Credentials for the CLI, decided before any call: the `@alicloud/credentials` chain, left to itself
 * with nothing configured, probes the ECS metadata address and a credentials URI of `undefined` and
 * ends in a ~700-character error that reads as a temporary failure. The CLI instead looks for a
 * configured source first and, without one, says in one line what to set (exit 78).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  CHAIN_VARIABLES,
  type CloudCredentials,
  type CredentialSource,
  defaultChainCredentials,
} from '../credentials.js';
import { EXIT, type Io } from './command.js';
import { envOf, errorLine } from './settings.js';

export const NO_CREDENTIALS =
  'no Alibaba Cloud credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET ' +
  '(against "sae-rollback dev": source the env file it writes), or ALIBABA_CLOUD_ECS_METADATA=<role> on ECS';

/** Which configured source the CLI would use; undefined when there is none. */
export function credentialSourceName(env: Record<string, string | undefined>): string | undefined {
  if (env.ALIBABA_CLOUD_ACCESS_KEY_ID && env.ALIBABA_CLOUD_ACCESS_KEY_SECRET) return 'environment';
  const named = CHAIN_VARIABLES.find((k) => (env[k] ?? '') !== '');
  if (named) return named;
  if (env.ALIBABA_CLOUD_CLI_PROFILE_DISABLED !== 'true') {
    const home = env.HOME ?? homedir();
    if (existsSync(join(home, '.aliyun', 'config.json'))) return '~/.aliyun/config.json';
    if (existsSync(join(home, '.alibabacloud', 'credentials'))) return '~/.alibabacloud/credentials';
  }
  return undefined;
}

/**
 * Resolves the credentials once, up front (a CLI run is short; nothing to rotate). Without a configured
 * source, or when it fails, prints one line and returns exit 78.
 */
export async function cliCredentials(
  command: string,
  io: Io,
): Promise<
  { ok: true; credentials: CloudCredentials; source: CredentialSource } | { ok: false; code: number }
> {
  const env = envOf(io);
  const from = credentialSourceName(env);
  if (from === undefined) {
    io.stderr(`sae-rollback ${command}: ${NO_CREDENTIALS}\n`);
    return { ok: false, code: EXIT.config };
  }
  try {
    const credentials =
      from === 'environment'
        ? {
            accessKeyId: env.ALIBABA_CLOUD_ACCESS_KEY_ID ?? '',
            accessKeySecret: env.ALIBABA_CLOUD_ACCESS_KEY_SECRET ?? '',
            ...(env.ALIBABA_CLOUD_SECURITY_TOKEN ? { securityToken: env.ALIBABA_CLOUD_SECURITY_TOKEN } : {}),
          }
        : await defaultChainCredentials().get();
    return { ok: true, credentials, source: { get: async () => credentials } };
  } catch (err) {
    const first = errorLine(err).split('\n')[0]?.slice(0, 200) ?? '';
    io.stderr(`sae-rollback ${command}: credentials from ${from} failed: ${first}\n`);
    return { ok: false, code: EXIT.config };
  }
}
