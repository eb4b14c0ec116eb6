import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FcEmulator, startFcEmulator } from '../../emulators/fc/index.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const AK = { accessKeyId: 'LTAIbundleTestKey', accessKeySecret: 'bundle-test-secret-0123' };

/**
 * The function bundles are CommonJS with @alicloud/fc2 external (FC's nodejs20 runtime has it built in):
 * the FC 2.0 adapter must then load it with `require`, lazily, and still sign correctly.
 */
describe('Fc2Invoker inside a CommonJS bundle with @alicloud/fc2 external', () => {
  let fc: FcEmulator;
  let bundle: string;
  beforeAll(async () => {
    fc = await startFcEmulator({ credentials: [AK], functions: [{ name: 'consumer', service: 'svc' }] });
    bundle = join(mkdtempSync(join(tmpdir(), 'invoke-bundle-')), 'invoke.cjs');
    await build({
      entryPoints: [join(root, 'lib/invoke/index.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['@alicloud/fc2'],
      logLevel: 'error',
    });
  });
  afterAll(() => fc.close());

  it('requires it on first use and the emulator accepts the signature', async () => {
    const script = `
      const { Fc2Invoker } = require(${JSON.stringify(bundle)});
      const inv = new Fc2Invoker({ accountId: ${JSON.stringify(fc.accountId)}, regionId: 'cn-hangzhou',
        serviceName: 'svc', endpoint: ${JSON.stringify(fc.url)},
        credentials: { get: async () => (${JSON.stringify(AK)}) } });
      inv.invokeAsync('consumer', 'hello', { taskId: 'bundle-task' })
        .then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });
    `;
    // NODE_PATH stands in for FC's built-in module directory: the bundle's own folder has no node_modules.
    const { stdout } = await run('node', ['-e', script], {
      env: { PATH: process.env.PATH ?? '', NODE_PATH: join(root, 'node_modules') },
    });
    expect(JSON.parse(stdout)).toMatchObject({ taskId: 'bundle-task' });
    expect(fc.invocations).toMatchObject([
      { api: 'fc2', service: 'svc', taskId: 'bundle-task', payload: 'hello' },
    ]);
  });
});
