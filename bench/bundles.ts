/** The bundles measured: ours from `npm run build` (dist/), the baseline built the same way into a temp dir. */
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

export const ROOT = new URL('..', import.meta.url).pathname;

export interface Bundle {
  name: string;
  file: string;
  bytes: number;
}

/** dist/<name>/index.js for every function in functions/; run `npm run build` first (`npm run bench` does). */
export function ourBundles(): Bundle[] {
  const names = readdirSync(join(ROOT, 'functions'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3));
  return names.map((name) => {
    const file = join(ROOT, 'dist', name, 'index.js');
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
    // With the code cache, index.js is the small entry and the code is bundle.js beside it.
    const code = join(ROOT, 'dist', name, 'bundle.js');
    return { name, file, bytes: statSync(existsSync(code) ? code : file).size };
  });
}

/** The baseline handler bundled with the options bin/build.mjs uses, so the comparison is like for like. */
export async function baselineBundle(): Promise<Bundle> {
  const dir = mkdtempSync(join(tmpdir(), 'sae-rollback-bench-'));
  const file = join(dir, 'index.js');
  await build({
    entryPoints: [join(ROOT, 'bench', 'baseline', 'handler.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    keepNames: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  writeFileSync(join(dir, 'package.json'), '{ "type": "commonjs" }\n');
  return { name: 'baseline', file, bytes: statSync(file).size };
}
