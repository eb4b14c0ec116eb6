import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { REQUIRED_ENV, renderTemplate } from './render.js';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/** The fc3 component's own schema for function props, vendored (MIT) from devsapp/fc3; see vendor/fc3/SOURCE.txt. */
const schema = JSON.parse(read('vendor/fc3/schema.json')) as {
  definitions: Record<string, { properties?: Record<string, unknown>; enum?: string[] }>;
};

interface Trigger {
  triggerName: string;
  triggerType: string;
  triggerConfig: Record<string, unknown>;
}
interface Resource {
  component: string;
  props: Record<string, unknown> & {
    code?: string;
    handler?: string;
    runtime?: string;
    triggers?: Trigger[];
  };
}

/** s.yaml as Serverless Devs renders it (`s preview`) before the fc3 component validates the props. */
const rendered = renderTemplate('s.yaml', { ...REQUIRED_ENV });
if (!rendered.project) throw new Error(`s preview failed:\n${rendered.output}`);
const project = rendered.project as { edition: string; resources: Record<string, Resource> };
const functions = Object.entries(project.resources).filter(([, r]) => r.component === 'fc3');

/**
 * The schema branch for each `triggerType`. The schema's own `triggerConfig` is an `anyOf` of all of them,
 * and its `IOtsConfig` branch is `{"type":"object"}`: anything validates against the whole schema, so each
 * trigger is checked against the branch of its own type instead.
 */
const TRIGGER_BRANCH: Record<string, string> = {
  http: 'IHttpTriggerConfig',
  timer: 'ITimerTriggerConfig',
  mns_topic: 'IMnsTriggerConfig',
  eventbridge: 'IEventBridge',
  oss: 'IOssTriggerConfig',
  log: 'ILogTriggerConfig',
  cdn_events: 'ICdnTriggerConfig',
  tablestore: 'IOtsConfig',
};

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addSchema(schema, 'fc3');
const validateProps = ajv.compile({ $ref: 'fc3#' });
const validateTriggerShape = ajv.compile({ $ref: 'fc3#/definitions/ITrigger' });

/** Every problem with one trigger: its envelope, its config against its type's branch, unknown config keys. */
function triggerProblems(t: Trigger): string[] {
  const fmt = (errs: ErrorObject[] | null | undefined, at: string) =>
    (errs ?? []).map((e) => `${t.triggerName}: ${at}${e.instancePath} ${e.message}`);
  const problems = validateTriggerShape(t) ? [] : fmt(validateTriggerShape.errors, '');
  const branch = TRIGGER_BRANCH[t.triggerType];
  if (!branch) return [...problems, `${t.triggerName}: unknown triggerType ${t.triggerType}`];
  const validate = ajv.getSchema(`fc3#/definitions/${branch}`);
  if (!validate) throw new Error(`no ${branch} in the fc3 schema`);
  if (!validate(t.triggerConfig)) problems.push(...fmt(validate.errors, 'triggerConfig'));
  // The branches do not forbid extra keys; a misspelt optional key would otherwise pass unnoticed.
  const known = Object.keys(schema.definitions[branch]?.properties ?? {});
  if (known.length > 0 && t.triggerConfig && typeof t.triggerConfig === 'object') {
    for (const k of Object.keys(t.triggerConfig)) {
      if (!known.includes(k)) problems.push(`${t.triggerName}: triggerConfig has unknown key ${k}`);
    }
  }
  return problems;
}

const clone = <T>(v: T): T => structuredClone(v);
const triggersOf = (name: string) => clone(project.resources[name]?.props.triggers ?? []);

describe('s.yaml', () => {
  it('is a Serverless Devs 3.0 project of fc3 functions on nodejs20', () => {
    expect(project.edition).toBe('3.0.0');
    expect(functions.length).toBeGreaterThanOrEqual(2);
    for (const [, r] of functions) expect(r.props.runtime).toBe('nodejs20');
  });

  it.each(functions)('%s: props validate against the fc3 component schema', (_name, r) => {
    const ok = validateProps(r.props);
    expect(validateProps.errors ?? [], JSON.stringify(validateProps.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('knows the schema branch of every trigger type the schema allows', () => {
    expect(Object.keys(TRIGGER_BRANCH).sort()).toEqual(
      [...(schema.definitions.ITriggerType?.enum ?? [])].sort(),
    );
  });

  it.each(functions)(
    '%s: each trigger validates against the schema branch of its own triggerType',
    (_n, r) => {
      const triggers = r.props.triggers ?? [];
      expect(triggers.length).toBeGreaterThan(0);
      expect(triggers.flatMap(triggerProblems)).toEqual([]);
    },
  );

  it('rejects a broken function (the schema check is real)', () => {
    const [, first] = functions[0] ?? [];
    expect(validateProps({ ...first?.props, runtime: 'nodejs99' })).toBe(false);
    expect(
      validateProps({
        ...first?.props,
        triggers: [{ triggerName: 't', triggerType: 'timerx', triggerConfig: {} }],
      }),
    ).toBe(false);
  });

  describe('rejects a broken trigger (which the whole-schema anyOf lets through)', () => {
    const http = () => triggersOf('alarm')[0] as Trigger;
    const timer = () => triggersOf('guard')[0] as Trigger;

    it('a typo in a value: authType "anonymus"', () => {
      const t = http();
      t.triggerConfig.authType = 'anonymus';
      expect(validateProps({ ...project.resources.alarm?.props, triggers: [t] })).toBe(true); // the trap
      expect(triggerProblems(t).join('\n')).toMatch(/authType must be equal to one of the allowed values/);
    });

    it('a missing required field: a timer without cronExpression, an HTTP trigger without methods', () => {
      const t = timer();
      delete t.triggerConfig.cronExpression;
      expect(triggerProblems(t).join('\n')).toMatch(/must have required property 'cronExpression'/);
      const h = http();
      delete h.triggerConfig.methods;
      expect(triggerProblems(h).join('\n')).toMatch(/must have required property 'methods'/);
    });

    it.each(['alarm', 'consumer', 'guard'])(
      '%s: {"bogus":1} as the config of each of its triggers',
      (name) => {
        for (const t of triggersOf(name)) {
          const broken = { ...t, triggerConfig: { bogus: 1 } };
          expect(validateProps({ ...project.resources[name]?.props, triggers: [broken] })).toBe(true); // the trap
          expect(triggerProblems(broken).length, t.triggerName).toBeGreaterThan(0);
        }
      },
    );

    it('a misspelt optional key, and a trigger type the schema does not know', () => {
      const t = http();
      t.triggerConfig.disableURLInternt = false;
      expect(triggerProblems(t)).toEqual(['cloudmonitor: triggerConfig has unknown key disableURLInternt']);
      expect(triggerProblems({ ...http(), triggerType: 'https' }).length).toBeGreaterThan(0);
    });
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
    // Optional secrets default to empty (`${env('X', '')}`): never a literal value.
    for (const line of secretLines) expect(line, line).toMatch(/:\s+\$\{env\('[A-Z_]+'(, '')?\)\}/);
    expect(text).not.toMatch(/LTAI[0-9A-Za-z]{12,}/); // an AccessKey ID pasted inline
  });

  it('vendors the schema unchanged: its sha256 is the one SOURCE.txt records', () => {
    // In every clone (no reference copy outside the project needed): the digest is committed with the copy.
    const recorded = /sha256 of schema\.json as vendored: ([0-9a-f]{64})/.exec(read('vendor/fc3/SOURCE.txt'));
    expect(recorded?.[1]).toMatch(/^[0-9a-f]{64}$/);
    const actual = createHash('sha256')
      .update(readFileSync(new URL('vendor/fc3/schema.json', root)))
      .digest('hex');
    expect(actual).toBe(recorded?.[1]);
  });
});
