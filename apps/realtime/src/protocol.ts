// The wire protocol shared by the server and the client. Types and constants only: the client
// imports this file, so nothing here may pull in Node, zod or the database package at runtime.
import type { NewAlertEvent, NotificationChannel, NotificationPayloads, ResourceStatusChangeEvent } from "@cloudsync/db";

export type { NewAlertEvent, NotificationChannel, NotificationPayloads, ResourceStatusChangeEvent };

/** The subprotocol every client offers; the server selects it. */
export const PROTOCOL = "cloudsync.v1";
/** Prefix of the subprotocol entry that carries the JWT: `token.<jwt>`. */
export const TOKEN_PROTOCOL_PREFIX = "token.";
/** Query parameter that may carry the JWT instead (see docs/realtime.md for the tradeoff). */
export const TOKEN_QUERY_PARAMETER = "access_token";
/** Path of the WebSocket endpoint. */
export const STREAM_PATH = "/v1/stream";

/** Declared here, not imported, so the client never loads `@cloudsync/db` at runtime. */
export const channels = ["infrastructure_change", "infrastructure_alert"] as const satisfies readonly NotificationChannel[];
export const severities = ["info", "warning", "critical", "emergency"] as const satisfies readonly NonNullable<NewAlertEvent["severity"]>[];
export type Severity = (typeof severities)[number];

export interface SubscriptionFilter {
  /** Only events about this resource (`cloud_resources.id`, a UUID). */
  resourceId?: string;
  /** Alerts only: only these severities. */
  severity?: Severity[];
  /** Only events about resources flagged `is_wedding_critical`. */
  weddingCriticalOnly?: boolean;
}

// ---- client → server --------------------------------------------------------------------

export interface SubscribeMessage {
  type: "subscribe";
  /** Chosen by the client, unique within its connection (1–64 characters). */
  id: string;
  channel: NotificationChannel;
  filter?: SubscriptionFilter;
  /**
   * Replay: the `resume` of the last event (or `subscribed`) this subscription received before
   * a disconnect. The server first sends the organization's matching events after it, then
   * live ones; events may repeat (same `seq`), none is skipped, unless a `replay_unavailable`
   * gap says so.
   */
  after?: number;
}
export interface UnsubscribeMessage {
  type: "unsubscribe";
  id: string;
}
export interface PingMessage {
  type: "ping";
}
export type ClientMessage = SubscribeMessage | UnsubscribeMessage | PingMessage;

// ---- server → client --------------------------------------------------------------------

/** Sent once the token is accepted, before anything else. */
export interface ReadyMessage {
  type: "ready";
  organization: string;
}
export interface SubscribedMessage {
  type: "subscribed";
  id: string;
  /** Where this subscription resumes if it reconnects before receiving an event (absent while the server has no position in the feed yet). */
  resume?: number;
}
export interface UnsubscribedMessage {
  type: "unsubscribed";
  id: string;
}
export type EventMessage = {
  [C in NotificationChannel]: {
    type: "event";
    subscription: string;
    channel: C;
    event: NotificationPayloads[C];
    /** The event's position in the feed (`realtime_events.seq`): the same event always has the same one. */
    seq: number;
    /** Send it back as `after` when subscribing again after a disconnect. At most `seq`. */
    resume: number;
  };
}[NotificationChannel];
export interface PongMessage {
  type: "pong";
}
export const errorCodes = [
  "invalid_json",
  "invalid_message",
  "duplicate_subscription",
  "unknown_subscription",
  "too_many_subscriptions",
] as const;
export type ErrorCode = (typeof errorCodes)[number];
export interface ErrorMessage {
  type: "error";
  code: ErrorCode;
  message: string;
  /** The subscription the error is about, when there is one. */
  id?: string;
}
export const gapReasons = [
  /**
   * Not sent any more: the server reads the events it missed while its LISTEN connection was
   * down from the outbox. Kept so clients written against earlier servers still compile.
   */
  "listener_reconnected",
  /** The server had no position in the feed yet when this client connected (the database was unreachable at start). */
  "listener_started",
  /** Not sent any more (the wedding-critical flag is in the event). */
  "filter_lookup_failed",
  /** Not sent any more (the server reads the outbox at its own pace instead of dropping). */
  "server_overloaded",
  /** Client side: the WebSocket was disconnected and has reconnected without a position to replay from. */
  "client_reconnected",
  /** A subscription's replay (`after`) could not be done: events were pruned, too many, or the database failed. */
  "replay_unavailable",
] as const;
export type GapReason = (typeof gapReasons)[number];
/**
 * Events committed between `from` and `to` (ISO timestamps, the server's clock; the client's
 * clock for `client_reconnected`) may not have been delivered: refetch what you show.
 */
export interface GapMessage {
  type: "gap";
  from: string;
  to: string;
  reason: GapReason;
  /** Set when the gap concerns one subscription only. */
  subscription?: string;
}
export type ServerMessage = ReadyMessage | SubscribedMessage | UnsubscribedMessage | EventMessage | PongMessage | ErrorMessage | GapMessage;

/** Close codes the server uses; reasons are short human-readable strings. */
export const CloseCode = {
  /** Normal closure by the client (or the server's close()). */
  normal: 1000,
  /** The server is shutting down: reconnect (to another instance). */
  goingAway: 1001,
  /** The server is at its connection limit: retry later. */
  tryAgainLater: 1013,
  /** Token missing, invalid or expired ("missing token", "invalid token", "token expired"). */
  unauthorized: 4401,
  /** Token valid but not usable here (no `org` claim that is a UUID). */
  forbidden: 4403,
  /** The client did not read fast enough and the server's send buffer passed its bound. */
  slowConsumer: 4008,
} as const;

/** Reasons that go with 4401: a client fetches a new token after `expired`, gives up after the others. */
export const CloseReason = {
  missingToken: "missing token",
  invalidToken: "invalid token",
  tokenExpired: "token expired",
  noOrganization: "token has no org claim that is a UUID",
  serverFull: "server at capacity, retry later",
  organizationFull: "organization at its connection limit, retry later",
  tokenFull: "too many connections with this token, retry later",
  shuttingDown: "server shutting down",
} as const;
