/** Where the MNS client sends: the endpoint rule, the checks on a configured endpoint, and their errors. */
import { type ClientFailure, misconfigured, NotifyChannel, type NotifyError } from './errors.js';

/** How the function reaches MNS: over the internet, the classic internal network, or a VPC. */
export const MnsNetwork = { public: 'public', internal: 'internal', vpc: 'vpc' } as const;
export type MnsNetwork = (typeof MnsNetwork)[keyof typeof MnsNetwork];

/** `https://<accountId>.mns.<region>[-internal|-internal-vpc].aliyuncs.com`; https always. */
export function defaultMnsEndpoint(
  accountId: string,
  region: string,
  network: MnsNetwork = 'public',
): string {
  if (!/^\d+$/.test(accountId)) throw invalidConfig('accountId must be the numeric Alibaba Cloud account ID');
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(region)) throw invalidConfig(`region "${region}" is not a region ID`);
  const suffix = network === 'internal' ? '-internal' : network === 'vpc' ? '-internal-vpc' : '';
  return `https://${accountId}.mns.${region}${suffix}.aliyuncs.com`;
}

/** The configured endpoint as a URL: an origin, https (plain http only to loopback), no credentials. */
export function parseMnsEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalidConfig('endpoint is not a valid URL');
  }
  if (url.username !== '' || url.password !== '') throw invalidConfig('endpoint must not embed credentials');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw invalidConfig('endpoint must be an origin such as https://<accountId>.mns.<region>.aliyuncs.com');
  }
  // Plain http would put the STS token (sent unsigned) and the message on the wire in clear text;
  // it is allowed only for the local emulator.
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw invalidConfig('endpoint must use https (http is accepted only for loopback emulators)');
  }
  return url;
}

/** What a request rejected before it left the process is: never retryable. */
export function mnsInvalidInput(failure: ClientFailure): ConstructorParameters<typeof NotifyError>[1] {
  return { channel: NotifyChannel.mns, ...failure, retryable: false };
}

export function invalidConfig(message: string): NotifyError {
  return misconfigured(NotifyChannel.mns, 'MNS client', message);
}
