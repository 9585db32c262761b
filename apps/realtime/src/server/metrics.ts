import { Counter, Gauge, Histogram, type Registry, collectDefaultMetrics } from "prom-client";

export type DropReason = "slow_consumer";
export type DisconnectReason = "slow_consumer" | "heartbeat_timeout" | "token_expired" | "client" | "shutdown";

export interface Metrics {
  readonly registry: Registry;
  readonly connectedClients: Gauge;
  readonly subscriptions: Gauge;
  readonly eventsReceived: Counter<"channel">;
  readonly eventsDelivered: Counter<"channel">;
  readonly eventsDropped: Counter<"reason">;
  readonly connectionsRejected: Counter<"reason">;
  readonly disconnects: Counter<"reason">;
  readonly listenerUp: Gauge;
  readonly listenerReconnects: Counter;
  readonly gaps: Counter<"reason">;
  readonly maxConnections: Gauge;
  readonly eventLag: Histogram<"channel">;
  readonly replays: Counter<"outcome">;
  readonly feedPending: Gauge;
  readonly feedReadFailures: Counter;
}

/** The server's metrics on a registry the caller owns (tests run several servers in one process). */
export function createMetrics(registry: Registry, options: { defaultMetrics?: boolean } = {}): Metrics {
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    connectedClients: new Gauge({ name: "cloudsync_realtime_connected_clients", help: "Authenticated WebSocket clients connected now.", registers }),
    subscriptions: new Gauge({ name: "cloudsync_realtime_subscriptions", help: "Active subscriptions across all clients.", registers }),
    eventsReceived: new Counter({
      name: "cloudsync_realtime_events_received_total",
      help: "Events read from the realtime_events outbox, by channel.",
      labelNames: ["channel"] as const,
      registers,
    }),
    eventsDelivered: new Counter({
      name: "cloudsync_realtime_events_delivered_total",
      help: "Event messages handed to client sockets (one per matching subscription), by channel.",
      labelNames: ["channel"] as const,
      registers,
    }),
    eventsDropped: new Counter({
      name: "cloudsync_realtime_events_dropped_total",
      help: "Events not delivered to a subscriber that matched, by reason.",
      labelNames: ["reason"] as const,
      registers,
    }),
    connectionsRejected: new Counter({
      name: "cloudsync_realtime_connections_rejected_total",
      help: "Connections closed at once: missing/invalid/expired token, no organization, server full.",
      labelNames: ["reason"] as const,
      registers,
    }),
    disconnects: new Counter({
      name: "cloudsync_realtime_disconnects_total",
      help: "Authenticated connections that ended, by reason.",
      labelNames: ["reason"] as const,
      registers,
    }),
    listenerUp: new Gauge({ name: "cloudsync_realtime_listener_up", help: "1 while the PostgreSQL LISTEN connection is confirmed up, else 0.", registers }),
    listenerReconnects: new Counter({ name: "cloudsync_realtime_listener_reconnects_total", help: "Times the LISTEN connection was lost and re-established.", registers }),
    gaps: new Counter({ name: "cloudsync_realtime_gaps_total", help: "Gap messages sent to clients, by reason.", labelNames: ["reason"] as const, registers }),
    // With connected_clients, how close the server is to refusing connections as server_full.
    maxConnections: new Gauge({ name: "cloudsync_realtime_max_connections", help: "Connections the server accepts before refusing new ones (CLOUDSYNC_REALTIME_MAX_CONNECTIONS).", registers }),
    eventLag: new Histogram({
      name: "cloudsync_realtime_event_lag_seconds",
      help: "From the change in PostgreSQL (the event's changed_at / triggered_at) to its notification reaching this server, by channel.",
      labelNames: ["channel"] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
    replays: new Counter({
      name: "cloudsync_realtime_replays_total",
      help: "Subscriptions that asked to resume (after), by outcome: replayed, or unavailable (a gap was sent).",
      labelNames: ["outcome"] as const,
      registers,
    }),
    feedPending: new Gauge({
      name: "cloudsync_realtime_feed_pending",
      help: "Sequence numbers the feed saw missing whose transactions may still commit (tracked until they end).",
      registers,
    }),
    feedReadFailures: new Counter({ name: "cloudsync_realtime_feed_read_failures_total", help: "Reads of the realtime_events outbox that failed (retried).", registers }),
  };
}
