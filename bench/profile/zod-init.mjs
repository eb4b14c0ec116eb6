// How much of a cold start zod's own module init costs, as bundled (minified, English only), with and without
// zod's JSON-Schema converters: CPU ms of require() in fresh processes, median of N.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { zodEnglishOnly, zodWithoutFromJsonSchema } from '../../bin/build-plugins.mjs';

const root = new URL('../..', import.meta.url).pathname;
const dir = join(tmpdir(), 'sae-rollback-zod-init');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}');
writeFileSync(
  join(dir, 'entry.ts'),
  `import { z } from 'zod'; z.config({ jitless: true }); export const s = z.object({ a: z.string() });`,
);
const variants = { plain: [zodEnglishOnly], noFrom: [zodEnglishOnly, zodWithoutFromJsonSchema] };
for (const [name, plugins] of Object.entries(variants))
  await build({
    entryPoints: [join(dir, 'entry.ts')],
    outfile: join(dir, `${name}.js`),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    minify: true,
    plugins,
    nodePaths: [join(root, 'node_modules')],
    logLevel: 'warning',
  });
const ms = { plain: [], noFrom: [] };
for (let i = 0; i < Number(process.argv[2] ?? 11); i++)
  for (const name of Object.keys(variants))
    ms[name].push(
      Number(
        execFileSync(process.execPath, [
          '-e',
          `const c=process.cpuUsage();require(${JSON.stringify(join(dir, `${name}.js`))});const u=process.cpuUsage(c);console.log((u.user+u.system)/1000)`,
        ]),
      ),
    );
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const k of Object.keys(ms)) console.log(k, med(ms[k]).toFixed(2), 'ms CPU');
