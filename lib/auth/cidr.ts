import { BlockList, isIP } from 'node:net';

/** One allowlist entry: an address family, a network address and a prefix length. */
export interface Cidr {
  family: 'ipv4' | 'ipv6';
  address: string;
  prefix: number;
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address (a /32 or /128); undefined when invalid. */
export function parseCidr(text: string): Cidr | undefined {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0) return undefined;
  const v = isIP(address);
  if (v === 0) return undefined;
  const max = v === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  return { family: v === 4 ? 'ipv4' : 'ipv6', address, prefix };
}

/**
 * A source-IP allowlist over node's {@link BlockList}. IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`,
 * what a dual-stack socket reports) are checked as the IPv4 address they carry.
 */
export class SourceAllowlist {
  readonly #list = new BlockList();
  readonly size: number;

  constructor(cidrs: readonly string[]) {
    let n = 0;
    for (const text of cidrs) {
      const c = parseCidr(text);
      if (!c) throw new RangeError(`not an IP or CIDR block: entry ${n + 1}`);
      this.#list.addSubnet(c.address, c.prefix, c.family);
      n++;
    }
    this.size = n;
  }

  /** True when `ip` is inside one of the blocks. Anything that is not an IP address is outside. */
  allows(ip: string | undefined): boolean {
    if (!ip) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
    const address = mapped ?? ip;
    const v = isIP(address);
    if (v === 0) return false;
    return this.#list.check(address, v === 4 ? 'ipv4' : 'ipv6');
  }
}
