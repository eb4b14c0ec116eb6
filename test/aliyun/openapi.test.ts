import { describe, expect, it } from 'vitest';
import { compact, inOurSpelling, jsonObject } from '../../lib/aliyun/openapi.js';

interface Item {
  changeOrderId: string;
  appId?: string;
  coTypeCode?: string;
  batchCount?: number;
}

describe('answers in our spelling', () => {
  it('lower-cases the first letter of each field and drops null and undefined, nothing else', () => {
    const item = inOurSpelling<Item>({
      ChangeOrderId: 'co-1',
      AppId: null,
      CoTypeCode: 'CoDeploy',
      BatchCount: undefined,
    });
    expect(item).toEqual({ changeOrderId: 'co-1', coTypeCode: 'CoDeploy' });
    expect(Object.keys(item)).toEqual(['changeOrderId', 'coTypeCode']);
  });

  it('compact keeps falsy values that are not null or undefined', () => {
    expect(compact<{ a: number; b: string; c?: boolean }>({ a: 0, b: '', c: false })).toEqual({
      a: 0,
      b: '',
      c: false,
    });
  });

  it('reads a JSON object body as openapi-client does: SyntaxError for garbage, refusal for a non-object', () => {
    expect(jsonObject(Buffer.from('{"RequestId":"r"}'))).toEqual({ RequestId: 'r' });
    expect(() => jsonObject(Buffer.from('<html>'))).toThrow(SyntaxError);
    expect(() => jsonObject(Buffer.from('[1]'))).toThrow('The value is not a object');
    expect(() => jsonObject(Buffer.from('null'))).toThrow('The value is not a object');
  });
});
