import { describe, expect, it } from 'vitest';
import { memoryLogger, redact, registerSecret } from '../lib/log.js';

describe('log redaction', () => {
  it('masks secret-looking fields and registered secret values anywhere in an entry', () => {
    registerSecret('STS.token-value-0123456789');
    const log = memoryLogger();
    log.info('calling SAE', {
      accessKeySecret: 'plain-secret',
      headers: { authorization: 'ACS3-HMAC-SHA256 Credential=AK,Signature=abc', host: 'sae' },
      note: 'token STS.token-value-0123456789 leaked into a message',
      nested: [{ securityToken: 'x' }],
    });
    const line = log.lines.join('\n');
    expect(line).not.toContain('plain-secret');
    expect(line).not.toContain('Signature=abc');
    expect(line).not.toContain('STS.token-value-0123456789');
    expect(JSON.parse(line).headers.host).toBe('sae');
  });

  it('keeps errors readable without leaking their causes', () => {
    const out = redact({ error: Object.assign(new Error('boom'), { code: 'E1', secret: 's' }) });
    expect(out).toEqual({ error: { name: 'Error', message: 'boom', code: 'E1' } });
  });
});
