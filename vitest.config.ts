import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Least authority over the whole run: every SAE emulator logs what it was asked (see the file).
    globalSetup: ['test/security/least-authority.setup.ts'],
    // CI (.ci/run) reads the JSON report to print the plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.ci/out/vitest.json' },
    // Tests start real HTTP emulators and talk to a real Redis; keep them honest but not flaky.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    env: {
      // The @alicloud/credentials default chain probes IMDS and https://undefined/ when nothing is set;
      // tests always inject explicit credentials, so make any accidental use fail fast instead.
      ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
      ALIBABA_CLOUD_CLI_PROFILE_DISABLED: 'true',
    },
  },
});
