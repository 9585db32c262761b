import { syncTriggers } from "@cloudsync/db";
import { z } from "zod";
import type { QueueKind } from "./types.ts";

/**
 * What each queue's jobs carry, checked when a job is added and again when a worker takes it
 * (Redis holds whatever an older or newer release wrote). Only identifiers travel: a worker
 * loads the provider, and opens its credentials, itself.
 */
const trigger = z.enum(syncTriggers).optional();

const providerJob = z.object({ providerId: z.uuid("providerId must be a provider's id (a UUID)"), trigger });

export const payloadSchemas = {
  resources: providerJob
    .extend({
      /** Only these resource kinds (default: all). */
      kinds: z.array(z.string().min(1).max(100)).min(1).max(50).optional(),
      /**
       * A shard of a fanned-out inventory (added by the provider's own resource job, never by a
       * producer): its number, the accounts it reads, and the run it writes under.
       */
      shard: z
        .object({
          index: z.number().int().min(0).max(100_000),
          accounts: z.array(z.string().min(1).max(200)).min(1).max(10_000),
          parentRunId: z.uuid("shard.parentRunId must be a sync run's id (a UUID)"),
        })
        .optional(),
    }),
  costs: providerJob
    .extend({
      /** First and last day, inclusive (default: the trailing `trailingDays`). */
      window: z.object({ start: z.iso.date(), end: z.iso.date() }).refine((w) => w.start <= w.end, "window.start must not be after window.end").optional(),
      trailingDays: z.number().int().min(0).max(366).optional(),
      monthToDate: z.boolean().optional(),
    })
    .refine((p) => !(p.window && (p.trailingDays !== undefined || p.monthToDate)), "give either window or trailingDays/monthToDate, not both"),
  metrics: providerJob.extend({
    lookbackMinutes: z.number().int().min(1).max(7 * 24 * 60).optional(),
    periodSeconds: z.number().int().min(60).max(86_400).optional(),
  }),
  backups: providerJob,
  deployments: providerJob,
  maintenance: z.object({ trigger }),
} satisfies Record<QueueKind, z.ZodType>;

export type PayloadSchemas = typeof payloadSchemas;
/** A payload after validation (what a processor receives). */
export type Payload<K extends QueueKind> = z.output<PayloadSchemas[K]>;
/** A payload as a producer may write it. */
export type PayloadInput<K extends QueueKind> = z.input<PayloadSchemas[K]>;

export class InvalidPayloadError extends Error {
  override name = "InvalidPayloadError";
}

/** Validates a payload; the message names each wrong field, never its value. */
export function parsePayload<K extends QueueKind>(kind: K, data: unknown): Payload<K> {
  const result = payloadSchemas[kind].safeParse(data);
  if (result.success) return result.data as Payload<K>;
  const problems = result.error.issues.map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`).join("; ");
  throw new InvalidPayloadError(`a ${kind} job payload is not valid: ${problems}`);
}

/**
 * Where a job keeps the state of its earlier step when it waits for child jobs and is then run
 * again (a fanned-out inventory): not part of the payload a producer writes.
 */
export const continuationField = "continuation";

/** Whether a job is being run again after its children, rather than started. */
export function isContinuation(data: unknown): boolean {
  return typeof data === "object" && data !== null && continuationField in data;
}

/** The provider a payload belongs to, if any (maintenance belongs to none). */
export function providerOf(payload: object): string | undefined {
  return "providerId" in payload && typeof payload.providerId === "string" ? payload.providerId : undefined;
}
