import type { Config } from '../config-types.js';
import type { CredentialSource } from '../credentials.js';
import { SaeClient } from './client.js';

/** The SAE client of a configuration: its region, endpoint and timeouts, with these credentials. */
export function saeClientFrom(config: Config, credentials: CredentialSource): SaeClient {
  return new SaeClient({
    regionId: config.regionId,
    credentials,
    ...(config.sae.endpoint ? { endpoint: config.sae.endpoint } : {}),
    protocol: config.sae.protocol,
    connectTimeoutMs: config.sae.connectTimeoutMs,
    readTimeoutMs: config.sae.readTimeoutMs,
  });
}
