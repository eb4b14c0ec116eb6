#!/usr/bin/env node
// The `sae-rollback` command (package.json "bin"). Plain JavaScript so it runs straight from a clone
// after `npm install`, without a build: it registers tsx (a devDependency) and loads the TypeScript CLI.
let register;
try {
  ({ register } = await import('tsx/esm/api'));
} catch {
  process.stderr.write(
    'sae-rollback: tsx is not installed; run "npm install" in the sae-rollback checkout first.\n',
  );
  process.exit(70);
}
register();
const { main, processIo } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2), processIo);
