import { existsSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/** The fc3 component's own schema for function props, vendored (MIT) from devsapp/fc3; see vendor/fc3/SOURCE.txt. */
const schema = JSON.parse(read('vendor/fc3/schema.json')) as Record<string, unknown>;

interface Resource {
  component: string;
  props: Record<string, unknown> & { code?: string; handler?: string; runtime?: string };
}
const raw = parse(read('s.yaml')) as {
  edition: string;
  vars: Record<string, unknown>;
  resources: Record<string, Resource>;
};

/**
 * Serverless Devs substitutes `${vars.x}` before the component validates its props; do the same. The
 * `${env(...)}` and `${config(...)}` references stay as strings (they are only known at deploy time).
 */
function resolveVars(value: unknown): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{vars\.(\w+)\}$/.exec(value);
    if (whole) return raw.vars[whole[1] ?? ''];
    return value.replace(/\$\{vars\.(\w+)\}/g, (_m, k: string) => String(raw.vars[k]));
  }
  if (Array.isArray(value)) return value.map(resolveVars);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveVars(v)]));
  }
  return value;
}
const project = { ...raw, resources: resolveVars(raw.resources) as Record<string, Resource> };
const functions = Object.entries(project.resources).filter(([, r]) => r.component === 'fc3');

describe('s.yaml', () => {
  it('is a Serverless Devs 3.0 project of fc3 functions on nodejs20', () => {
    expect(project.edition).toBe('3.0.0');
    expect(functions.length).toBeGreaterThanOrEqual(2);
    for (const [, r] of functions) expect(r.props.runtime).toBe('nodejs20');
  });

  it.each(functions)('%s: props validate against the fc3 component schema', (_name, r) => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const ok = validate(r.props);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects a broken function (the schema check is real)', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const [, first] = functions[0] ?? [];
    expect(validate({ ...first?.props, runtime: 'nodejs99' })).toBe(false);
    expect(
      validate({
        ...first?.props,
        triggers: [{ triggerName: 't', triggerType: 'timerx', triggerConfig: {} }],
      }),
    ).toBe(false);
  });

  it.each(functions)(
    '%s: code points at the bundle `npm run build` makes for an existing function',
    (_name, r) => {
      const match = /^\.\/dist\/([a-z-]+)$/.exec(String(r.props.code));
      expect(match, `code should be ./dist/<function>, got ${String(r.props.code)}`).not.toBeNull();
      expect(existsSync(new URL(`functions/${match?.[1]}.ts`, root))).toBe(true);
      expect(r.props.handler).toBe('index.handler');
    },
  );

  it('keeps secrets out: secret-looking values are env/vars references, never literals', () => {
    const text = read('s.yaml');
    const secretLines = text.split('\n').filter((l) => /^\s*[A-Z_]*(SECRET|TOKEN|PASSWORD)[A-Z_]*:/.test(l));
    expect(secretLines.length).toBeGreaterThan(0);
    for (const line of secretLines) expect(line, line).toMatch(/:\s+\$\{env\('[A-Z_]+'\)\}/);
    expect(text).not.toMatch(/LTAI[0-9A-Za-z]{12,}/); // an AccessKey ID pasted inline
  });

  it('vendors the same schema as the shared reference copy, when that copy is present', () => {
    const shared = new URL('../shared/vendor-data/fc3/schema.json', root);
    if (!existsSync(shared)) return; // a user's clone has only the vendored copy
    expect(JSON.parse(readFileSync(shared, 'utf8'))).toEqual(schema);
  });
});
