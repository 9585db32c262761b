import { z } from "zod";
import { type ClientMessage, type ErrorCode, channels, severities } from "../protocol.ts";

const subscriptionId = z
  .string()
  .min(1, "id must not be empty")
  .max(64, "id must be at most 64 characters");

const filter = z.strictObject({
  resourceId: z.guid({ error: "filter.resourceId must be a UUID (cloud_resources.id)" }).optional(),
  severity: z.array(z.enum(severities)).min(1, "filter.severity must list at least one severity").optional(),
  weddingCriticalOnly: z.boolean().optional(),
});

const subscribe = z
  .strictObject({
    type: z.literal("subscribe"),
    id: subscriptionId,
    channel: z.enum(channels, { error: `channel must be one of ${channels.join(", ")}` }),
    filter: filter.optional(),
    after: z.number({ error: "after must be a sequence number (a whole number ≥ 0) from an earlier event's resume" }).int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .refine((m) => m.filter?.severity === undefined || m.channel === "infrastructure_alert", {
    message: "filter.severity applies to infrastructure_alert only",
    path: ["filter", "severity"],
  });

const clientMessage = z.discriminatedUnion(
  "type",
  [subscribe, z.strictObject({ type: z.literal("unsubscribe"), id: subscriptionId }), z.strictObject({ type: z.literal("ping") })],
  { error: 'type must be "subscribe", "unsubscribe" or "ping"' },
);

export type ParsedMessage = { ok: true; message: ClientMessage } | { ok: false; code: ErrorCode; message: string; id?: string };

/** Parses one text frame. Never throws: a bad frame becomes an error reply, not a closed socket. */
export function parseClientMessage(text: string): ParsedMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, code: "invalid_json", message: "the message is not JSON; send one JSON object per frame" };
  }
  const result = clientMessage.safeParse(raw);
  if (result.success) {
    const message = result.data;
    // zod's output types optional keys as `T | undefined`; drop them so the wire type holds.
    if (message.type === "subscribe" && message.filter) {
      message.filter = Object.fromEntries(Object.entries(message.filter).filter(([, v]) => v !== undefined));
    }
    if (message.type === "subscribe" && message.after === undefined) delete message.after;
    return { ok: true, message: message as ClientMessage };
  }
  const issues = result.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message));
  const id = typeof raw === "object" && raw !== null && typeof (raw as { id?: unknown }).id === "string" ? (raw as { id: string }).id : undefined;
  return { ok: false, code: "invalid_message", message: issues.join("; "), ...(id !== undefined && id.length <= 64 ? { id } : {}) };
}
