// dist/<name>/index.js: what FC loads (`index.handler`). It compiles the bundle, bundle.js, with the V8 code
// cache `npm run build` wrote beside it (bundle.cache), so a cold start skips parsing and compiling most of
// ~800 KB of JavaScript. When V8 rejects the cache (another Node/V8 version or other V8 flags) it simply
// compiles the source, as a plain require would; the cache can make a cold start faster, never wrong.
'use strict';
const { readFileSync } = require('node:fs');
const { wrap } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const file = join(__dirname, 'bundle.js');
let cachedData;
try {
  cachedData = readFileSync(join(__dirname, 'bundle.cache'));
} catch {
  // No cache (a build without one): compile from source.
}
const script = new Script(wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
// Said once per cold start, so a runtime whose V8 never takes the cache shows up in the function's log,
// with the flags to build it with (V8 rejects a cache made under other heap flags too).
if (script.cachedDataRejected)
  process.emitWarning(
    `bundle.cache was made by another Node/V8 build or other V8 flags (this process: ${process.version}, ` +
      `flags "${process.execArgv.join(' ')}"; build with CODE_CACHE_NODE_FLAGS set to them); compiled bundle.js from source`,
    { code: 'SAE_ROLLBACK_CODE_CACHE_REJECTED' },
  );
script.runInThisContext()(module.exports, require, module, file, __dirname);
