// How much of a cold start zod's own module init costs, as bundled (minified, English only), with and without
// zod's JSON-Schema converters: CPU ms of require() in fresh processes, median of N.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('../..', import.meta.url).pathname;
const dir = join(tmpdir(), 'sae-rollback-zod-init');
mkdirSync(dir, { recursive: true });
const en = {
  name: 'z',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (a) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)$/.test(a.resolveDir)
        ? { path: join(dirname(a.resolveDir), 'locales', 'en.js'), namespace: 'zl' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zl' }, (a) => ({
      contents: `export { default as en } from ${JSON.stringify(a.path)};`,
      resolveDir: dirname(a.path),
    }));
  },
};
const noFrom = {
  name: 'nofrom',
  setup(b) {
    b.onResolve({ filter: /^\.\/from-json-schema\.js$/ }, (a) =>
      /[\\/]zod[\\/]v4[\\/]classic$/.test(a.resolveDir) ? { path: 'x', namespace: 'nofrom' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'nofrom' }, () => ({
      contents: 'export function fromJSONSchema() { throw new Error("not bundled"); }',
    }));
  },
};
writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}');
writeFileSync(
  join(dir, 'entry.ts'),
  `import { z } from 'zod'; z.config({ jitless: true }); export const s = z.object({ a: z.string() });`,
);
const variants = { plain: [en], noFrom: [en, noFrom] };
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
