import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudCredentials } from '../../lib/credentials.js';
import { freshFixture } from '../helpers/http-event.js';

export const root = new URL('../../', import.meta.url).pathname;
export const fixture = (name: string) => `test/fixtures/events/${name}`;

/** Credentials the spawned CLI finds through the default chain's first provider (env), as an operator's would. */
export const CLI_STS: CloudCredentials = {
  accessKeyId: 'STS.cliTestAccessKey',
  accessKeySecret: 'cli-test-secret-0123456789',
  securityToken: 'cli-test-sts-token-abcdef',
};

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/sae-rollback.mjs <args>` with only `env` (plus PATH and the credentials); never throws. */
export function cli(args: string[], env: Record<string, string> = {}, creds = CLI_STS): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      'node',
      ['bin/sae-rollback.mjs', ...args],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: '/nonexistent',
          ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
          ALIBABA_CLOUD_CLI_PROFILE_DISABLED: 'true',
          ALIBABA_CLOUD_ACCESS_KEY_ID: creds.accessKeyId,
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: creds.accessKeySecret,
          ...(creds.securityToken ? { ALIBABA_CLOUD_SECURITY_TOKEN: creds.securityToken } : {}),
          LOG_LEVEL: 'error',
          ...env,
        },
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** `freshFixture` (alarm times set to now) written to a temporary file, for a CLI that reads a path. */
export function freshFixturePath(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sae-rollback-fixture-'));
  const file = join(dir, name);
  writeFileSync(file, freshFixture(name));
  return file;
}
