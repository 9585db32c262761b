import { alertDeliveries, cloudProviders, cloudRegions, cloudResources, infrastructureAlerts, organizations, resolveAlert, userProfiles, withOrganization } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AlertReceiver, startAlertReceiver } from "../src/demo/alert-receiver.ts";
import { silentLogger } from "../src/logger.ts";
import { type DeliveryDeps, deliverNotification } from "../src/notifications/deliver.ts";
import { createMailer } from "../src/notifications/email.ts";
import { type NotificationQueue, type NotificationWorker, createNotificationQueue, enqueuePendingNotifications, startNotificationWorker } from "../src/notifications/queue.ts";
import { deletePrefix, redisUrl, testPrefix, waitFor } from "./fixtures/redis.ts";
import { startSmtpSink } from "./fixtures/smtp-sink.ts";

const secret = "s3cret-for-tests-0123456789";
let tdb: TestDatabase;
let receiver: AlertReceiver;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let queue: NotificationQueue;
let worker: NotificationWorker;
let deps: DeliveryDeps;
let orgId: string;
let alertId: string;
const prefix = testPrefix();

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_notify" });
  // The webhook fails twice (503) before it accepts: the queue must retry, recording each attempt.
  receiver = await startAlertReceiver({
    secret,
    respond: (path, nth) => (path === "/hook" && nth <= 2 ? { status: 503, body: "busy" } : path === "/bad-slack" ? { status: 400, body: "invalid_payload" } : undefined),
  });
  smtp = await startSmtpSink();
  const channels = {
    ops: { type: "webhook", url: `${receiver.url}/hook`, secret },
    chat: { type: "slack", url: `${receiver.url}/slack` },
    mail: { type: "email", to: ["oncall@example.com"] },
    archived: { type: "slack", url: `${receiver.url}/bad-slack` },
  };
  const [org] = await tdb.db.insert(organizations).values({ name: "Notify", slug: "notify", settings: { notification_channels: channels } }).returning();
  orgId = org!.id;
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: orgId, email: "o@notify.example" }).returning();
  const [provider] = await tdb.db
    .insert(cloudProviders)
    .values({ organizationId: orgId, providerName: "aws", providerType: "primary", displayName: "AWS", credentialsConfig: {}, createdBy: user!.id })
    .returning();
  const [region] = await tdb.db.insert(cloudRegions).values({ organizationId: orgId, providerId: provider!.id, regionCode: "us-east-1", regionName: "N. Virginia" }).returning();
  const [resource] = await tdb.db
    .insert(cloudResources)
    .values({ organizationId: orgId, providerId: provider!.id, regionId: region!.id, resourceId: "i-1", resourceName: "vm-1", resourceType: "compute", configuration: {}, createdBy: user!.id })
    .returning();
  const [alert] = await tdb.db
    .insert(infrastructureAlerts)
    .values({
      organizationId: orgId,
      alertName: "vm-1 is critical",
      alertType: "resource_health",
      severityLevel: "critical",
      resourceId: resource!.id,
      alertConditions: { health_status: "critical" },
      notificationChannels: ["ops", "chat", "mail", "archived", "pager"],
      recipientList: [],
    })
    .returning();
  alertId = alert!.id;
  // The local receiver is on loopback: allowed explicitly, as a deployment would (docs/alerts.md).
  deps = { db: tdb.db, mailer: createMailer({ url: smtp.url, from: "cloudsync <alerts@cloudsync.test>" }), http: { allowPrivateDestinations: true } };
  queue = await createNotificationQueue({ connection: redisUrl, prefix, jobOptions: { backoff: { type: "fixed", delay: 50 } } });
  worker = await startNotificationWorker({ connection: redisUrl, prefix, deps, logger: silentLogger() });
});

afterAll(async () => {
  await worker?.close();
  await queue?.close();
  await deletePrefix(prefix);
  await receiver?.close();
  await smtp?.close();
  await tdb?.drop();
});

const deliveries = () => tdb.db.select().from(alertDeliveries).where(eq(alertDeliveries.alertId, alertId)).orderBy(asc(alertDeliveries.attemptedAt));
const settled = async (event: "raised" | "resolved") => {
  const counts = await queue.queue.getJobCounts("waiting", "active", "delayed");
  const rows = (await deliveries()).filter((d) => d.event === event && d.status !== "failed");
  const busy = (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0);
  return busy === 0 && rows.length === 5 ? rows : undefined;
};

describe("alert notifications through the queue", () => {
  it("delivers a raised alert to each channel, retrying the webhook, recording every attempt", async () => {
    const queued = await enqueuePendingNotifications(deps, queue, orgId, { now: new Date() });
    expect(queued).toBe(5);
    await waitFor("every channel settled", () => settled("raised"));
    const rows = (await deliveries()).map((d) => [d.channel, d.attempt, d.status, d.responseCode]);
    expect(rows.filter((r) => r[0] === "ops")).toEqual([
      ["ops", 1, "failed", 503],
      ["ops", 2, "failed", 503],
      ["ops", 3, "delivered", 200],
    ]);
    expect(rows.filter((r) => r[0] !== "ops").sort()).toEqual(
      [
        ["archived", 1, "undeliverable", 400],
        ["chat", 1, "delivered", 200],
        ["mail", 1, "delivered", 250],
        ["pager", 1, "undeliverable", null],
      ].sort(),
    );
    const pager = (await deliveries()).find((d) => d.channel === "pager")!;
    expect(pager.error).toMatch(/channel "pager" is not configured: add it to organizations.settings.notification_channels/);
  });

  it("signs each webhook attempt, with the same idempotency key on every one", () => {
    const hooks = receiver.received.filter((r) => r.path === "/hook");
    expect(hooks).toHaveLength(3);
    expect(hooks.every((h) => h.signatureValid)).toBe(true);
    expect(new Set(hooks.map((h) => h.headers["idempotency-key"]))).toEqual(new Set([`${alertId}.raised.ops`]));
    expect(hooks.map((h) => h.headers["x-cloudsync-delivery-attempt"])).toEqual(["1", "2", "3"]);
    const body = JSON.parse(hooks[2]!.body);
    expect(body).toMatchObject({ event: "raised", idempotency_key: `${alertId}.raised.ops`, alert: { id: alertId, alert_type: "resource_health", severity_level: "critical" } });
  });

  it("posts Slack's incoming-webhook shape and mails through SMTP with a stable Message-ID", () => {
    const slack = JSON.parse(receiver.received.find((r) => r.path === "/slack")!.body);
    expect(slack.text).toBe("[CRITICAL] vm-1 is critical");
    expect(slack.blocks[0]).toEqual({ type: "section", text: { type: "mrkdwn", text: "*[CRITICAL] vm-1 is critical*" } });
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.to).toEqual(["oncall@example.com"]);
    expect(smtp.mails[0]!.raw).toMatch(/^Subject: \[CRITICAL\] vm-1 is critical\r?$/m);
    // A long header may be folded onto the next line (RFC 5322 §2.2.3).
    expect(smtp.mails[0]!.raw).toMatch(new RegExp(`^Message-ID:\\s+<${alertId}\\.raised\\.mail@cloudsync\\.alerts>`, "m"));
  });

  it("owes nothing more, and a repeat of a delivered one sends nothing", async () => {
    expect(await enqueuePendingNotifications(deps, queue, orgId, { now: new Date() })).toBe(0);
    const before = receiver.received.length;
    const again = await deliverNotification(deps, { organizationId: orgId, alertId, event: "raised", channel: "chat" }, { number: 1 });
    expect(again.status).toBe("already_delivered");
    expect(receiver.received.length).toBe(before);
  });

  it("delivers the resolution once the alert is resolved", async () => {
    await withOrganization(tdb.db, orgId, (tx) => resolveAlert(tx, { alertId, userId: null, notes: "back to healthy" }));
    expect(await enqueuePendingNotifications(deps, queue, orgId, { now: new Date() })).toBe(5);
    const rows = await waitFor("the resolution settled", () => settled("resolved"));
    expect(rows.map((r) => [r.channel, r.status]).sort()).toEqual(
      [
        ["archived", "undeliverable"],
        ["chat", "delivered"],
        ["mail", "delivered"],
        ["ops", "delivered"],
        ["pager", "undeliverable"],
      ].sort(),
    );
    const resolved = JSON.parse(receiver.received.filter((r) => r.path === "/hook").at(-1)!.body);
    expect(resolved).toMatchObject({ event: "resolved", alert: { alert_status: "resolved", resolution_notes: "back to healthy" } });
  });
});
