// `npm run build`: one self-contained bundle per FC function in dist/<name>/index.js, with a source map.
// CommonJS, because FC's nodejs20 runtime loads `index.handler` from a .js file as CommonJS by default,
// and the @alicloud SDKs are CommonJS themselves (no require-in-ESM shims needed).
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { build } from 'esbuild';

// `import { z } from 'zod'` keeps zod's whole `z` namespace, including `z.locales`: every language's
// error messages (~260 KB minified, a quarter of the bundle), which esbuild cannot prove unused. We
// never call `z.config(z.locales.xx())`, so only English (zod's default) is kept.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir)
        ? { path: join(dirname(args.resolveDir), 'locales', 'en.js'), namespace: 'zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};

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
    plugins: [zodEnglishOnly],
    // FC's Node.js runtime overview lists @alicloud/fc2 2.6.6 among the modules built into nodejs18/nodejs20
    // (https://alibabacloud.com/help/ja/functioncompute/fc-3-0/user-guide/runtime-overview-1; see
    // shared/reference/libraries.md §3), so a bundle may require it from the runtime. The FC 2.0
    // invoker loads it lazily (lib/invoke/fc2.ts), so it stays a runtime require: bundling it would add
    // ali-oss, axios and core-js to a function that may never use them.
    external: ['@alicloud/fc2'],
    logLevel: 'warning',
  });
  // FC uploads dist/<name>/ alone, where .js means CommonJS; say so here too, since this repo is "type": "module".
  writeFileSync(join(root, 'dist', name, 'package.json'), '{ "type": "commonjs" }\n');
  // Metric-analysis files travel with the code: ANALYSIS_CONFIG=analysis/<file> is read from FC's /code.
  if (existsSync(join(root, 'analysis'))) {
    cpSync(join(root, 'analysis'), join(root, 'dist', name, 'analysis'), { recursive: true });
  }
  console.log(
    `dist/${name}/index.js  ${(statSync(outfile).size / 1024).toFixed(0)} KiB  (handler: index.handler)`,
  );
}
