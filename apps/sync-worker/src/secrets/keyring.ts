import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Envelope encryption of provider credentials at rest: AES-256-GCM with a random 96-bit nonce
 * per encryption and the key id stored beside the ciphertext, so keys can be rotated and old
 * envelopes still opened while they exist. Plaintext lives only in memory while a job runs.
 *
 * Version 2 binds the envelope to the row it belongs to: key id, organization id and provider
 * id are the cipher's authenticated data, so an envelope copied onto another provider (of the
 * same or another organization) fails to open there. Version 1 bound only the key id; such
 * envelopes still open, and are re-sealed as version 2 by `cloudsync keys rotate` or by the
 * first job that loads them (docs/security.md, section 8).
 */
export interface EncryptedEnvelope {
  v: 1 | 2;
  alg: "A256GCM";
  kid: string;
  iv: string;
  tag: string;
  data: string;
}

/** The row an envelope belongs to: part of its authenticated data, never stored in it. */
export interface EnvelopeBinding {
  organizationId: string;
  providerId: string;
}

export interface Keyring {
  /** The key new envelopes are sealed with. */
  readonly activeKeyId: string;
  readonly keyIds: readonly string[];
  /** Seals `value` for one provider (version 2). */
  seal(value: unknown, binding: EnvelopeBinding): EncryptedEnvelope;
  /** Opens an envelope of this provider; a version 1 envelope opens without the binding. */
  open<T = unknown>(envelope: unknown, binding: EnvelopeBinding): T;
}

/** The version new envelopes get; anything older is re-sealed when met. */
export const currentEnvelopeVersion = 2;

/** The authenticated data of an envelope: unambiguous since ids contain no quote. */
function additionalData(version: 1 | 2, kid: string, binding: EnvelopeBinding): Buffer {
  if (version === 1) return Buffer.from(`cloudsync:v1:${kid}`);
  return Buffer.from(JSON.stringify(["cloudsync", 2, kid, binding.organizationId, binding.providerId]));
}

export class KeyringError extends Error {
  override name = "KeyringError";
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Parses `CLOUDSYNC_ENCRYPTION_KEYS`: comma-separated `keyId:base64key` pairs, 32-byte keys,
 * the first one active. Make a key with `openssl rand -base64 32`.
 */
export function parseKeyring(spec: string): Keyring {
  const entries = spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new KeyringError("no encryption key given: set CLOUDSYNC_ENCRYPTION_KEYS=keyid:base64key (make one with `openssl rand -base64 32`)");
  const keys = new Map<string, Buffer>();
  for (const entry of entries) {
    const colon = entry.indexOf(":");
    const id = colon > 0 ? entry.slice(0, colon) : "";
    const material = colon > 0 ? entry.slice(colon + 1) : "";
    if (!KEY_ID.test(id)) throw new KeyringError(`encryption key entry #${keys.size + 1} needs an id: write it as keyid:base64key (letters, digits, . _ -)`);
    const key = Buffer.from(material, "base64");
    if (key.length !== 32) throw new KeyringError(`encryption key "${id}" must be 32 bytes of base64 (got ${key.length} bytes); make one with \`openssl rand -base64 32\``);
    if (keys.has(id)) throw new KeyringError(`encryption key id "${id}" is listed twice`);
    keys.set(id, key);
  }
  return createKeyring(keys);
}

export function createKeyring(keys: ReadonlyMap<string, Buffer>): Keyring {
  const ids = [...keys.keys()];
  const activeKeyId = ids[0];
  if (!activeKeyId) throw new KeyringError("a keyring needs at least one key");
  return {
    activeKeyId,
    keyIds: ids,
    seal(value, binding) {
      const key = keys.get(activeKeyId)!;
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(additionalData(2, activeKeyId, binding));
      const data = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
      return { v: 2, alg: "A256GCM", kid: activeKeyId, iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64"), data: data.toString("base64") };
    },
    open<T>(envelope: unknown, binding: EnvelopeBinding): T {
      if (!isEnvelope(envelope)) throw new KeyringError("credentials are not an encrypted envelope (was this provider stored by an older tool, or in plaintext?); add the provider again");
      const key = keys.get(envelope.kid);
      if (!key) throw new KeyringError(`credentials are sealed with key "${envelope.kid}", which is not in CLOUDSYNC_ENCRYPTION_KEYS (${ids.join(", ")}); add that key back, then run \`cloudsync keys rotate\``);
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(envelope.iv, "base64"));
        decipher.setAAD(additionalData(envelope.v, envelope.kid, binding));
        decipher.setAuthTag(Buffer.from(envelope.tag, "base64"));
        const text = Buffer.concat([decipher.update(Buffer.from(envelope.data, "base64")), decipher.final()]).toString("utf8");
        return JSON.parse(text) as T;
      } catch {
        throw new KeyringError(
          `credentials sealed with key "${envelope.kid}" could not be opened: the key is wrong, the data was altered${envelope.v === 2 ? ", or they were sealed for another provider (copied)" : ""}; register this provider's credentials again with \`cloudsync provider add\``,
        );
      }
    },
  };
}

/** A fresh random key, base64, for tests and the demo. */
export function generateKey(): string {
  return randomBytes(32).toString("base64");
}

export function isEnvelope(value: unknown): value is EncryptedEnvelope {
  const v = value as Partial<EncryptedEnvelope> | null;
  return !!v && typeof v === "object" && (v.v === 1 || v.v === 2) && v.alg === "A256GCM" && typeof v.kid === "string" && typeof v.iv === "string" && typeof v.tag === "string" && typeof v.data === "string";
}
