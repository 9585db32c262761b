import { type AlertType, type SeverityLevel, alertTypes, severityLevels } from "@cloudsync/db";
import { z } from "zod";

/**
 * Where an organization's alerts go: `organizations.settings.notification_channels`, an object
 * from a channel's name to its configuration (docs/alerts.md). An alert's own
 * `notification_channels` lists names from it; a rule-raised alert gets every channel whose
 * filters let it through.
 */
const filters = {
  /** Only these alert types (default all). */
  alert_types: z.array(z.enum(alertTypes)).min(1).optional(),
  /** Only alerts at least this severe (default all). */
  min_severity: z.enum(severityLevels).optional(),
};

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

export const channelSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("webhook"),
    url: httpUrl,
    /** The HMAC-SHA256 key the receiver verifies `X-Cloudsync-Signature` with. */
    secret: z.string().min(16, "must be at least 16 characters (use a random one)"),
    ...filters,
  }),
  z.object({ type: z.literal("slack"), url: httpUrl, ...filters }),
  z.object({ type: z.literal("email"), to: z.array(z.email()).min(1, "name at least one address"), ...filters }),
]);
export type ChannelConfig = z.infer<typeof channelSchema>;

/** A channel's name: part of idempotency keys and BullMQ job ids, where `:` is reserved. */
export const channelName = /^[A-Za-z0-9_-]{1,64}$/;

export interface OrganizationChannels {
  channels: Map<string, ChannelConfig>;
  /** Channels that are configured wrongly, by name, with what is wrong (never their secrets). */
  invalid: Map<string, string>;
}

/** The channels of an organization's `settings`; a wrong one is set aside with its reason, the others still work. */
export function parseOrganizationChannels(settings: unknown): OrganizationChannels {
  const channels = new Map<string, ChannelConfig>();
  const invalid = new Map<string, string>();
  const raw = settings && typeof settings === "object" ? (settings as Record<string, unknown>).notification_channels : undefined;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { channels, invalid };
  for (const [name, value] of Object.entries(raw)) {
    if (!channelName.test(name)) {
      invalid.set(name, "the name must be 1 to 64 letters, digits, '_' or '-' (it is part of each delivery's idempotency key)");
      continue;
    }
    const parsed = channelSchema.safeParse(value);
    if (parsed.success) channels.set(name, parsed.data);
    else invalid.set(name, parsed.error.issues.map((i) => `${i.path.join(".") || "(channel)"}: ${i.message}`).join("; "));
  }
  return { channels, invalid };
}

/**
 * The channel names a new alert of this type and severity goes to. With no channel configured,
 * the design document's default `["email"]`: its deliveries are then recorded as undeliverable,
 * saying how to configure it, rather than silently dropped.
 */
export function channelsForAlert(config: OrganizationChannels, alert: { alertType: AlertType; severity: SeverityLevel }): string[] {
  if (config.channels.size === 0 && config.invalid.size === 0) return ["email"];
  const rank = (s: SeverityLevel) => severityLevels.indexOf(s);
  return [...config.channels]
    .filter(([, c]) => (!c.alert_types || c.alert_types.includes(alert.alertType)) && (!c.min_severity || rank(alert.severity) >= rank(c.min_severity)))
    .map(([name]) => name);
}
