// `npm run build`: one self-contained bundle per FC function in dist/<name>/index.js, with a source map.
// CommonJS, because FC's nodejs20 runtime loads `index.handler` from a .js file as CommonJS by default,
// and the @alicloud SDKs are CommonJS themselves (no require-in-ESM shims needed).
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const functions = readdirSync(join(root, 'functions')).filter((f) => f.endsWith('.ts'));
rmSync(join(root, 'dist'), { recursive: true, force: true });

for (const file of functions) {
  const name = basename(file, '.ts');
  const outfile = join(root, 'dist', name, 'index.js');
  await build({
    entryPoints: [join(root, 'functions', file)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    minify: true,
    keepNames: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  // FC uploads dist/<name>/ alone, where .js means CommonJS; say so here too, since this repo is "type": "module".
  writeFileSync(join(root, 'dist', name, 'package.json'), '{ "type": "commonjs" }\n');
  console.log(
    `dist/${name}/index.js  ${(statSync(outfile).size / 1024).toFixed(0)} KiB  (handler: index.handler)`,
  );
}
