import type { STSClient } from "@aws-sdk/client-sts";
import { CredentialsRejectedError } from "../errors.ts";
import type { AwsCredentialIdentity, AwsCredentialProvider } from "./clients.ts";
import { awsSdk } from "./sdk.ts";

/**
 * Credentials for one account. An account with a role is reached through STS AssumeRole from
 * the base key; the temporary keys are cached and renewed a margin before they expire, and
 * concurrent scopes share one renewal instead of each calling STS.
 */

export interface AssumeRoleRequest {
  account: string;
  roleArn: string;
  externalId?: string;
  sessionName: string;
  durationSeconds: number;
}

/** One STS call; the adapter passes the real one, tests may pass a recording one. */
export type AssumeRole = (request: AssumeRoleRequest) => Promise<AwsCredentialIdentity & { expiration: Date }>;

export interface RefreshOptions {
  /** Renew this long before `Expiration` (default five minutes). */
  refreshMarginMs?: number;
  now?: () => number;
}

export function staticCredentials(credentials: AwsCredentialIdentity): AwsCredentialProvider {
  const fixed: AwsCredentialIdentity = { ...credentials };
  return async () => fixed;
}

export function assumeRoleCredentials(assume: AssumeRole, request: AssumeRoleRequest, options: RefreshOptions = {}): AwsCredentialProvider {
  const margin = options.refreshMarginMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  let current: (AwsCredentialIdentity & { expiration: Date }) | undefined;
  let renewing: Promise<AwsCredentialIdentity & { expiration: Date }> | undefined;

  return async () => {
    if (current && now() < current.expiration.getTime() - margin) return current;
    renewing ??= assume(request).then(
      (fresh) => {
        current = fresh;
        renewing = undefined;
        return fresh;
      },
      (error: unknown) => {
        // A refusal is not cached: the next sync may find the role fixed.
        renewing = undefined;
        throw error;
      },
    );
    return renewing;
  };
}

/** AssumeRole through the given STS client, as `AssumeRole` expects. */
export function stsAssumeRole(sts: STSClient): AssumeRole {
  return async (request) => {
    const out = await sts.send(
      new (awsSdk("@aws-sdk/client-sts").AssumeRoleCommand)({
        RoleArn: request.roleArn,
        RoleSessionName: request.sessionName,
        DurationSeconds: request.durationSeconds,
        ...(request.externalId ? { ExternalId: request.externalId } : {}),
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new CredentialsRejectedError("aws", request.account, `AssumeRole on ${request.roleArn} returned no usable credentials`);
    }
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  };
}
