import { type ChildProcess, execFile, spawn } from 'node:child_process';
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

/** A long-running CLI process (`dev`), with what it wrote to stderr so far. */
export interface Spawned<T> {
  child: ChildProcess;
  /** The first JSON line it printed on stdout. */
  info: T;
  stdout(): string;
  stderr(): string;
}

/** The first stdout line that parses as a JSON object. */
const firstJsonLine = <T>(out: string): T | undefined => {
  const line = out.split('\n').find((l) => l.startsWith('{'));
  return line ? (JSON.parse(line) as T) : undefined;
};

/**
 * Spawns `node bin/sae-rollback.mjs <args>` with only `env` (plus PATH, HOME and LOG_LEVEL=error) and
 * resolves with the first stdout line that parses as a JSON object; rejects if it exits first.
 */
export function spawnCli<T>(
  args: string[],
  env: Record<string, string> = {},
  ready: (stdout: string) => T | undefined = firstJsonLine,
): Promise<Spawned<T>> {
  const child = spawn('node', ['bin/sae-rollback.mjs', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`sae-rollback ${args.join(' ')} exited with ${code}: ${err}`)),
    );
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const info = ready(out);
      if (info !== undefined) resolve({ child, info, stdout: () => out, stderr: () => err });
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves with the exit code (null if killed). */
export async function stopChild(child: ChildProcess, graceMs = 3_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}
