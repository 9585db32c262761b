import { type AlertMessage, bodyText, headline } from "./message.ts";
import type { SendResult } from "./send-result.ts";
import { type HttpSendOptions, post } from "./webhook.ts";

/**
 * Slack's incoming-webhook format (also what Mattermost, Rocket.Chat and Discord's `/slack`
 * endpoints take): a JSON body with `text` (the fallback and notification line) and `blocks`.
 * Slack answers `200 ok`, or a 4xx with a plain-text reason (`invalid_payload`,
 * `channel_is_archived`, …), which is final. Incoming webhooks take no custom headers' meaning,
 * so the idempotency key travels in the message too.
 */
export function slackPayload(message: AlertMessage): { text: string; blocks: unknown[] } {
  const text = headline(message);
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${escapeMrkdwn(text)}*` } },
      { type: "section", text: { type: "mrkdwn", text: escapeMrkdwn(bodyText(message).split("\n").slice(1).join("\n")) } },
      { type: "context", elements: [{ type: "mrkdwn", text: `idempotency key: ${message.idempotency_key}` }] },
    ],
  };
}

export function sendSlack(channel: { url: string }, message: AlertMessage, options: HttpSendOptions = {}): Promise<SendResult> {
  return post(channel.url, JSON.stringify(slackPayload(message)), { "content-type": "application/json", "idempotency-key": message.idempotency_key }, options);
}

/** Slack's mrkdwn reserves these three characters. */
function escapeMrkdwn(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
