/**
 * The CloudEvents 1.0 envelope as the emulated bus accepts it (structured JSON mode, CloudEvents spec §3 and the
 * JSON format): the four required attributes, the optional ones with their types, extension attributes named
 * with lower-case letters and digits (at most 20 characters) holding strings, integers or booleans, `data` or
 * `data_base64` but not both, and EventBridge's own `aliyuneventbusname` naming the bus.
 */
import { z } from 'zod';

const nonEmpty = z.string().min(1);

/** Attribute names the spec reserves or the schema below names; everything else is an extension. */
const KNOWN = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'subject',
  'time',
  'datacontenttype',
  'dataschema',
  'data',
  'data_base64',
  'aliyuneventbusname',
]);

export const cloudEventSchema = z
  .object({
    specversion: z.literal('1.0'),
    id: nonEmpty.max(256),
    /** A URI-reference: no whitespace, at least one character. */
    source: nonEmpty.regex(/^\S+$/, 'must be a URI-reference'),
    type: nonEmpty,
    subject: nonEmpty.optional(),
    time: z.iso.datetime({ offset: true }).optional(),
    datacontenttype: nonEmpty.optional(),
    dataschema: z.url().optional(),
    data: z.unknown().optional(),
    data_base64: z.base64().optional(),
    aliyuneventbusname: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,126}$/, 'must name an event bus'),
  })
  .catchall(z.union([z.string(), z.number().int(), z.boolean()]))
  .superRefine((event, ctx) => {
    for (const key of Object.keys(event)) {
      if (!KNOWN.has(key) && !/^[a-z0-9]{1,20}$/.test(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'extension attribute names are 1-20 lower-case letters or digits',
        });
      }
    }
    if ('data' in event && 'data_base64' in event) {
      ctx.addIssue({ code: 'custom', path: ['data_base64'], message: 'data and data_base64 are exclusive' });
    }
  });
export type CloudEvent = z.infer<typeof cloudEventSchema>;

/** Describes the first problem of an invalid event, e.g. `events[2].specversion: Invalid input`. */
export function describeEnvelopeError(index: number, error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  return `events[${index}]${path ? `.${path}` : ''}: ${issue?.message ?? 'invalid'}`;
}
