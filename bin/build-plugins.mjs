// The esbuild plugins of `npm run build` (bin/build.mjs); bench/profile/ builds its variants with them too.
import { dirname, join } from 'node:path';

// `import { z } from 'zod'` keeps zod's whole `z` namespace, including `z.locales`: every language's
// error messages (~260 KB minified, a quarter of the bundle), which esbuild cannot prove unused. We
// never call `z.config(z.locales.xx())`, so only English (zod's default) is kept.
export const zodEnglishOnly = {
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

// zod's `z.fromJSONSchema` (JSON Schema → zod) is the one part of the namespace whose module builds
// something at load (a `z` of its own, spread from every schema and check export, and keyword tables),
// and no bundle converts JSON Schema to zod. The bundles get a stub that says so if it is ever called;
// `z.toJSONSchema` (lib/notify/outcome-json-schema.ts) is untouched.
export const zodWithoutFromJsonSchema = {
  name: 'zod-without-from-json-schema',
  setup(b) {
    b.onResolve({ filter: /^\.\/from-json-schema\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]classic$/.test(args.resolveDir)
        ? { path: 'from-json-schema', namespace: 'zod-stub' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-stub' }, () => ({
      contents:
        'export function fromJSONSchema() { throw new Error("z.fromJSONSchema is not in this bundle (bin/build.mjs)"); }',
    }));
  },
};

// @middy/core imports `ReadableStream` from node:stream/web for streamed responses only (it checks
// `instanceof ReadableStream` when `streamifyResponse` is on, which no function here uses). Importing
// node:stream/web loads node's whole WHATWG streams implementation (~2.5 ms of CPU at a cold start,
// measured); this gives middy the same class, loaded on first use.
export const middyLazyWebStreams = {
  name: 'middy-lazy-web-streams',
  setup(b) {
    b.onResolve({ filter: /^node:stream\/web$/ }, (args) =>
      /[\\/]@middy[\\/]core[\\/]/.test(args.importer)
        ? { path: 'stream-web', namespace: 'lazy-builtin' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents:
        "module.exports = { get ReadableStream() { return require('node:stream/web').ReadableStream; } };",
      loader: 'js',
    }));
  },
};

/** Every plugin the bundles are built with. */
export const bundlePlugins = [zodEnglishOnly, zodWithoutFromJsonSchema, middyLazyWebStreams];
