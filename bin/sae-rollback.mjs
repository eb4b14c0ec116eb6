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
// The command is done once main returns. Connections the functions opened at import (a Redis client
// under IDEMPOTENCY_STORE=redis, as with `dev --functions-only` or `invoke`) have no shutdown hook —
// on FC the instance is frozen, not closed — so they would keep this process alive; don't wait for them.
setTimeout(() => process.exit(), 1_000).unref();
