import { describe, expect, it } from 'vitest';
import { type NormalizedRequest, normalizedRequestSchema, parseEvent } from '../../lib/events/index.js';
import { fixture } from '../helpers/http-event.js';

const NOW = Date.parse('2026-11-29T03:00:00Z');
const CO = (n: number) => `ba386059-69b1-4e65-b1e5-0682d9fa${String(n).padStart(4, '0')}`;
const APP = (n: number) => `0099b7be-5f5b-4512-a7fc-56049ef1${String(n).padStart(4, '0')}`;

type Expect = Partial<
  Pick<NormalizedRequest, 'source' | 'changeOrderId' | 'appId' | 'disposition' | 'dedupeKey'>
> & {
  alarm?: Partial<NormalizedRequest['alarm']>;
  via?: string[];
  reason?: RegExp;
};
const act = (source: string, co: string | null, app: string | null, more: Expect = {}): Expect => ({
  source,
  disposition: 'act',
  changeOrderId: co,
  appId: app,
  ...more,
});

/** Every fixture, and what the function must make of it. */
const CASES: Array<[file: string, eventSource: string, records: Expect[]]> = [
  // CloudMonitor threshold-alert callback over the FC HTTP trigger.
  [
    'cloudmonitor-form.json',
    'http',
    [
      act('cloudmonitor', null, APP(1), {
        via: ['http'],
        alarm: {
          name: 'SAE 应用 5xx 比例过高',
          state: 'ALERT',
          value: '7.52',
          metric: 'acs_serverless/http_status_5xx_ratio',
          ruleId: 'applyTemplate8ab1c3d4-664f-4033-a1be-e9595746a001',
          severity: 'CRITICAL',
          firedAt: '2026-11-29T02:59:55.000Z', // timestamp in seconds
        },
        dedupeKey: 'cms:applyTemplate8ab1c3d4-664f-4033-a1be-e9595746a001@1795921195000',
      }),
    ],
  ],
  [
    'cloudmonitor-form-base64-ms.json',
    'http',
    [
      act('cloudmonitor', null, APP(2), {
        alarm: { name: '基础监控-SAE-RT 过高', firedAt: '2026-11-29T02:59:55.123Z' }, // milliseconds
        dedupeKey: 'cms:0b7a9f3e17959211951230001d1e2f', // transId
      }),
    ],
  ],
  [
    'cloudmonitor-form-ok.json',
    'http',
    [{ source: 'cloudmonitor', disposition: 'ignore', appId: APP(1), reason: /is OK: nothing to roll back/ }],
  ],
  [
    'cloudmonitor-form-insufficient-data.json',
    'http',
    [
      {
        source: 'cloudmonitor',
        disposition: 'ignore',
        reason: /INSUFFICIENT_DATA/,
        alarm: { value: undefined },
      },
    ],
  ],
  [
    'cloudmonitor-form-alarm-json-dimensions.json',
    'http',
    [act('cloudmonitor', null, APP(3), { alarm: { state: 'ALARM' } })],
  ],
  [
    'cloudmonitor-form-doc-sample-ecs.json',
    'http',
    [
      {
        source: 'cloudmonitor',
        disposition: 'reject',
        appId: null,
        reason: /No change order ID or app ID.*appId/,
      },
    ],
  ],
  [
    'cloudmonitor-json-legacy.json',
    'http',
    [act('cloudmonitor', null, APP(4), { alarm: { name: 'SAE CPU 使用率' } })],
  ],
  // ARMS (Alertmanager format) over the HTTP trigger: one record per alert.
  [
    'arms-alertmanager.json',
    'http',
    [
      act('alertmanager', null, APP(5), {
        alarm: { name: 'SAE 5xx 比例大于5%', state: 'firing', value: '15.52', severity: 'critical' },
        dedupeKey: 'alert:bec72890cc2c7b4a027e008df0cd1013@2026-11-29T02:58:15.578000000Z',
      }),
      act('alertmanager', CO(6), null, { alarm: { name: 'SAE 发布后 RT 升高' } }),
      { source: 'alertmanager', disposition: 'ignore', appId: APP(7), reason: /resolved/ },
    ],
  ],
  [
    'arms-alertmanager-no-ids.json',
    'http',
    [
      {
        source: 'alertmanager',
        disposition: 'reject',
        reason: /No change order ID or app ID.*label or annotation/,
      },
    ],
  ],
  // SAE's own events on EventBridge.
  [
    'eventbridge-sae-changeorder-fail.json',
    'sae-event',
    [
      act('sae-event', null, APP(8), {
        alarm: { name: 'sae:ChangeOrder:SaeChangeOrderFailEvent', severity: 'WARNING' },
        dedupeKey: 'ce:acs.sae:45ef4dew-7c35-447a-bd93-fab00000a008',
      }),
    ],
  ],
  ['eventbridge-sae-changeorder-unhealthy.json', 'sae-event', [act('sae-event', CO(9), APP(9))]],
  [
    'eventbridge-sae-wait-batch-confirm.json',
    'sae-event',
    [{ source: 'sae-event', disposition: 'ignore', reason: /does not say the release is bad/ }],
  ],
  [
    'eventbridge-sae-runtime-unhealthy.json',
    'sae-event',
    [{ source: 'sae-event', disposition: 'ignore', reason: /not about a release/ }],
  ],
  [
    'eventbridge-cms-alertwebhook.json',
    'cloudmonitor',
    [
      act('cloudmonitor', null, APP(12), {
        dedupeKey: 'ce:acs.cms:c0ffee00-1a2b-4c3d-8e9f-00000000a012/cms:cms-trans-000012',
      }),
    ],
  ],
  // FC triggers built on EventBridge.
  [
    'eventbridge-mns-queue.json',
    'mns-queue',
    [
      act('mns-queue', CO(13), null, {
        via: ['mns-queue'],
        alarm: { name: 'manual rollback' },
        dedupeKey: 'mns:C6DB60D1574661357FA227277445A013',
      }),
    ],
  ],
  [
    'eventbridge-mns-queue-base64-single.json',
    'mns-queue',
    [act('mns-queue', null, APP(14), { via: ['mns-queue', 'base64'] })],
  ],
  [
    'eventbridge-rocketmq.json',
    'rocketmq',
    [act('rocketmq', null, APP(15), { dedupeKey: 'rocketmq:AC14C305069E1B28CDFA3181CDA2A015' })],
  ],
  [
    'rocketmq-self-managed.json',
    'rocketmq',
    [act('rocketmq', CO(16), null, { dedupeKey: 'rocketmq:7F0000010BDD2A84AEE70DA49B57A016' })],
  ],
  [
    'eventbridge-kafka-json.json',
    'kafka',
    [act('kafka', CO(17), APP(17), { dedupeKey: 'kafka:sae-alerts/7/17' })],
  ],
  ['eventbridge-kafka-text.json', 'kafka', [act('kafka', CO(18), null)]],
  ['eventbridge-kafka-binary.json', 'kafka', [act('kafka', CO(19), null, { via: ['kafka', 'base64'] })]],
  [
    'eventbridge-kafka-string-elements.json',
    'kafka',
    [act('kafka', CO(20), null, { dedupeKey: 'kafka:sae-alerts/7/20' }), act('kafka', CO(21), null)],
  ],
  [
    'eventbridge-kafka-nested-sae-event.json',
    'kafka',
    [
      act('kafka/sae-event', CO(22), APP(22), {
        dedupeKey: 'kafka:sae-alerts/7/22/ce:acs.sae:nested-sae-0000-a022',
      }),
    ],
  ],
  [
    'eventbridge-rabbitmq.json',
    'rabbitmq',
    [act('rabbitmq', CO(23), null, { dedupeKey: 'rabbitmq:f7622d51-e198-41de-a072-77c1ead7a023' })],
  ],
  // MNS topic trigger, JSON and STREAM formats.
  [
    'mns-topic-json.json',
    'mns-topic',
    [act('mns-topic', CO(24), null, { dedupeKey: 'mns:2F5B3C082B923D4EAC694B76D928A024' })],
  ],
  [
    'mns-topic-json-base64-cloudmonitor.json',
    'mns-topic',
    [
      act('mns-topic/cloudmonitor', null, APP(25), {
        via: ['mns-topic', 'base64'],
        alarm: { name: 'SAE 应用 5xx 比例过高', state: 'ALERT' },
        dedupeKey: 'mns:2F5B3C082B923D4EAC694B76D928A025/cms:cms-trans-000025',
      }),
    ],
  ],
  ['mns-topic-json-attributes.json', 'mns-topic', [act('mns-topic', null, APP(26))]],
  ['mns-topic-stream.txt', 'direct', [act('direct', CO(27), null)]],
  [
    'mns-topic-stream-base64.txt',
    'direct',
    [act('direct', CO(28), null, { alarm: { name: 'release guard' } })],
  ],
  ['mns-topic-stream-attrs.json', 'mns-topic', [act('mns-topic', CO(29), null)]],
  // Timer and direct invocation.
  [
    'timer.json',
    'timer',
    [
      {
        source: 'timer',
        disposition: 'guard',
        changeOrderId: null,
        appId: null,
        reason: /guard tick, not a rollback request/,
        dedupeKey: 'timer:guard-every-minute@2026-11-29T03:00:00Z',
      },
    ],
  ],
  ['direct-change-order.json', 'direct', [act('direct', CO(30), null)]],
  [
    'direct-snake-case.json',
    'direct',
    [
      act('direct', CO(31), APP(31), {
        alarm: { name: 'scripted rollback' },
        dedupeKey: 'direct:ops-ticket-4711',
      }),
    ],
  ],
  ['direct-plain-id.txt', 'direct', [act('direct', CO(32), null)]],
  [
    'direct-bad-id-injection.json',
    'direct',
    [
      {
        source: 'direct',
        disposition: 'reject',
        reason: /ChangeOrderId: the change order ID is not valid: it contains "&" at position 37/,
      },
    ],
  ],
  [
    'http-trigger-direct.json',
    'http',
    [act('direct', null, '0099b7be-5f5b-4512-a7fc-56049ef10001', { alarm: { name: 'SAE 5xx 比例过高' } })],
  ],
];

describe('every fixture in test/fixtures/events', () => {
  it.each(CASES)('%s → %s', (file, eventSource, expected) => {
    const e = parseEvent(fixture(file), NOW);
    expect(e.source).toBe(eventSource);
    expect(e.records).toHaveLength(expected.length);
    e.records.forEach((r, i) => {
      const want = expected[i] ?? {};
      normalizedRequestSchema.parse(r);
      expect(r.receivedAt).toBe(NOW);
      expect(r.actionable).toBe(r.disposition === 'act');
      const { reason, alarm, ...rest } = want;
      expect(r).toMatchObject(rest);
      if (reason) expect(r.reason).toMatch(reason);
      for (const [k, v] of Object.entries(alarm ?? {})) expect(r.alarm[k as keyof typeof r.alarm]).toBe(v);
    });
    expect(e.understood).toBe(e.records.some((r) => r.disposition !== 'reject'));
  });
});

describe('batch fixtures', () => {
  it('ten MNS-queue messages, one bad: nine requests and one rejection naming where', () => {
    const e = parseEvent(fixture('batch-mns-queue-ten-one-bad.json'), NOW);
    expect(e.records.map((r) => r.disposition)).toEqual([
      ...Array(6).fill('act'),
      'reject',
      ...Array(3).fill('act'),
    ]);
    expect(e.records[6]?.reason).toMatch(/ChangeOrderId.*" " at position 9.*\[6\]\.data\.messageBody/);
    expect(e.records.filter((r) => r.actionable).map((r) => r.changeOrderId)).toEqual(
      [40, 41, 42, 43, 44, 45, 47, 48, 49].map(CO),
    );
    expect(new Set(e.records.map((r) => r.dedupeKey)).size).toBe(10);
    expect(e.understood).toBe(true);
  });

  it('a mixed batch: every element gets its own record and verdict', () => {
    const e = parseEvent(fixture('batch-mixed.json'), NOW);
    expect(e.source).toBe('mixed');
    expect(e.records.map((r) => [r.source, r.disposition, r.changeOrderId, r.appId])).toEqual([
      ['mns-queue', 'act', CO(60), null],
      ['kafka', 'act', null, APP(61)], // element delivered as a JSON string
      ['sae-event', 'ignore', null, APP(62)],
      ['mns-queue', 'reject', null, null],
      ['kafka', 'reject', null, null],
      ['unknown', 'reject', null, null],
      ['unknown', 'reject', null, null],
    ]);
    expect(e.records[3]?.reason).toMatch(/at \[3\]\.data\.messageBody is text that is not JSON/);
    expect(e.records[4]?.reason).toMatch(
      /changeOrderId must be a string, not number \(at \[4\]\.data\.value\)/,
    );
    expect(e.records[5]?.reason).toMatch(/at \[5\] is a JSON number/);
    expect(e.records[6]?.reason).toMatch(/Unrecognised event at \[6\]: an object with keys "hello"/);
  });
});
