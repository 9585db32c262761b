import type { Transporter } from "nodemailer";
import { type AlertMessage, bodyText, headline } from "./message.ts";
import type { SendResult } from "./send-result.ts";

/** Where mail goes out: the deployment's SMTP server (CLOUDSYNC_SMTP_URL), not a tenant's setting. */
export interface SmtpSettings {
  /** `smtp://user:pass@host:port` or `smtps://…`. */
  url: string;
  from: string;
}

/** A mail sender over one SMTP server; nodemailer is loaded on first use, only by processes that send mail. */
export interface Mailer {
  send(to: readonly string[], message: AlertMessage): Promise<SendResult>;
  close(): void;
}

export function createMailer(settings: SmtpSettings): Mailer {
  let transport: Promise<Transporter> | undefined;
  const open = () => {
    transport ??= import("nodemailer").then((m) => m.createTransport(settings.url));
    return transport;
  };
  return {
    async send(to, message) {
      try {
        const info = await (await open()).sendMail({
          from: settings.from,
          to: [...to],
          subject: headline(message),
          text: bodyText(message),
          // Receivers and mail clients drop repeats by Message-ID: the same on every attempt.
          messageId: `<${message.idempotency_key}@cloudsync.alerts>`,
          headers: { "Idempotency-Key": message.idempotency_key, "X-Cloudsync-Alert-Id": message.alert.id },
        });
        return { ok: true, code: Number.parseInt(String(info.response ?? "250"), 10) || 250 };
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode ?? null;
        // A 5xx reply is the server refusing this message for good; 4xx and no reply are worth retrying.
        const retryable = code === null || code < 500;
        return { ok: false, retryable, code, error: error instanceof Error ? error.message : String(error) };
      }
    },
    close() {
      void transport?.then((t) => t.close());
    },
  };
}
