// The session metadata sidecar `<recording>.meta.json`, validated at the boundary.
import { z } from 'zod';

export const PRODUCT_TYPES = [
  'traditional',
  'participating', // 分红
  'universal', // 万能
  'investment-linked', // 投连
  'health',
  'accident',
  'other',
] as const;

export const CHANNELS = ['agent', 'bank', 'broker', 'telesales', 'remote'] as const;

export const SessionMetaSchema = z
  .object({
    session_id: z.string().min(1).max(200),
    recorded_at: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    product: z
      .object({
        name: z.string().max(200).optional(),
        type: z.enum(PRODUCT_TYPES).default('other'),
        term_years: z.number().nonnegative().optional(),
      })
      .strict()
      .default({ type: 'other' }),
    channel: z.enum(CHANNELS).default('agent'),
    policyholder: z
      .object({
        age: z.number().int().min(0).max(130).optional(),
        /** names are personal data: accepted so sidecars validate, never logged */
        name: z.string().max(200).optional(),
      })
      .strict()
      .default({}),
    insured_is_policyholder: z.boolean().optional(),
    agent: z
      .object({
        id: z.string().max(100).optional(),
        name: z.string().max(200).optional(),
      })
      .strict()
      .default({}),
    region: z.string().max(100).optional(),
    /** a session recorded in parts (interrupted, then resumed): the part files in order, names beside
     *  the sidecar (no folders); analyzed as one session on one timeline */
    parts: z
      .array(
        z
          .string()
          .min(1)
          .max(255)
          .regex(/^[^/\\]+$/, 'a file name beside the sidecar, without folders'),
      )
      .min(2)
      .max(50)
      .optional(),
    /** expected recording length from the recording terminal, to detect truncation or splicing */
    duration_s: z.number().positive().optional(),
    /** speaker label or audio channel → role, when the recording terminal knows it */
    roles: z
      .object({
        speakers: z.record(z.string(), z.enum(['agent', 'customer'])).optional(),
        channels: z
          .object({ left: z.enum(['agent', 'customer']), right: z.enum(['agent', 'customer']) })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type SessionMeta = z.infer<typeof SessionMetaSchema>;
export type ProductType = (typeof PRODUCT_TYPES)[number];
export type Channel = (typeof CHANNELS)[number];
