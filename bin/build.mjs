// `npm run build`: one self-contained bundle per FC function in dist/<name>/bundle.js, with a source map, a
// V8 code cache of it (bundle.cache) and the small entry FC loads, dist/<name>/index.js, which compiles the
// bundle with that cache (bin/code-cache-entry.cjs). `--no-code-cache` writes the bundle as index.js instead.
// CommonJS, because FC's nodejs20 runtime loads `index.handler` from a .js file as CommonJS by default,
// and the @alicloud SDKs are CommonJS themselves (no require-in-ESM shims needed).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { bundlePlugins } from './build-plugins.mjs';

const root = new URL('..', import.meta.url).pathname;
const codeCache = !process.argv.includes('--no-code-cache');

// The cache is V8's compiled code for the bundle after it ran, so it holds the functions a cold start
// compiles. With tsx at hand (a dev install), bin/code-cache-warm.ts makes it after one event handled end
// to end against the emulators; else it is made here after the module scope alone, with any configuration
// that loads (nothing is called). Either way by a fresh node, as FC's would compile it.
// V8 rejects a cache made under other heap flags (`--max-old-space-size`, `--max-semi-space-size`, …):
// when the runtime starts node with some, set CODE_CACHE_NODE_FLAGS to them (the entry's warning names them).
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const cacheFlags = (process.env.CODE_CACHE_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const CACHE_ENV = {
  PATH: process.env.PATH ?? '',
  SAE_REGION: 'cn-hangzhou',
  MNS_ENDPOINT: 'http://127.0.0.1:9',
  MNS_TOPIC: 'build',
  ALARM_AUTH_REQUIRED: 'false',
  LOG_LEVEL: 'error',
};
const MAKE_CACHE = `
const { readFileSync, writeFileSync } = require('node:fs');
const { wrap } = require('node:module');
const { Script } = require('node:vm');
const [file, out] = process.argv.slice(1);
const script = new Script(wrap(readFileSync(file, 'utf8')), { filename: file });
const m = { exports: {} };
script.runInThisContext()(m.exports, require, m, file, require('node:path').dirname(file));
writeFileSync(out, script.createCachedData());`;
const functions = readdirSync(join(root, 'functions')).filter((f) => f.endsWith('.ts'));
rmSync(join(root, 'dist'), { recursive: true, force: true });

for (const file of functions) {
  const name = basename(file, '.ts');
  const dir = join(root, 'dist', name);
  const outfile = join(dir, codeCache ? 'bundle.js' : 'index.js');
  await build({
    entryPoints: [join(root, 'functions', file)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    minify: true,
    // No keepNames: it wraps ~1,100 functions and classes in a `.name`-setting call run at load (~6 % of a
    // cold start to first abort, measured). Nothing here reads a class's `.name` (errors set their own
    // `name`); stack traces map through the source map either way.
    keepNames: false,
    legalComments: 'linked',
    plugins: bundlePlugins,
    // FC's Node.js runtime overview lists @alicloud/fc2 2.6.6 among the modules built into nodejs18/nodejs20
    // (https://alibabacloud.com/help/ja/functioncompute/fc-3-0/user-guide/runtime-overview-1; see
    // shared/reference/libraries.md §3), so a bundle may require it from the runtime. The FC 2.0
    // invoker loads it lazily (lib/invoke/fc2.ts), so it stays a runtime require: bundling it would add
    // ali-oss, axios and core-js to a function that may never use them.
    external: ['@alicloud/fc2'],
    logLevel: 'warning',
  });
  // FC uploads dist/<name>/ alone, where .js means CommonJS; say so here too, since this repo is "type": "module".
  writeFileSync(join(dir, 'package.json'), '{ "type": "commonjs" }\n');
  if (codeCache) {
    await build({
      entryPoints: [join(root, 'bin', 'code-cache-entry.cjs')],
      outfile: join(dir, 'index.js'),
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      sourcemap: true,
      logLevel: 'warning',
    });
    const cache = join(dir, 'bundle.cache');
    if (existsSync(tsx))
      execFileSync(tsx, [join(root, 'bin', 'code-cache-warm.ts'), name, outfile, cache], {
        stdio: 'inherit',
      });
    else
      execFileSync(process.execPath, [...cacheFlags, '-e', MAKE_CACHE, outfile, cache], {
        env: CACHE_ENV,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
  }
  // Metric-analysis files travel with the code: ANALYSIS_CONFIG=analysis/<file> is read from FC's /code.
  if (existsSync(join(root, 'analysis'))) {
    cpSync(join(root, 'analysis'), join(dir, 'analysis'), { recursive: true });
  }
  console.log(
    `dist/${name}/${codeCache ? 'bundle.js' : 'index.js'}  ${(statSync(outfile).size / 1024).toFixed(0)} KiB` +
      `${codeCache ? `, bundle.cache ${(statSync(join(dir, 'bundle.cache')).size / 1024).toFixed(0)} KiB` : ''}  (handler: index.handler)`,
  );
}
