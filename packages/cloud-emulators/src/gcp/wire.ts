/** Google's JSON error envelope, as the Compute API sends it. */
export interface GoogleErrorBody {
  error: {
    code: number;
    message: string;
    errors: { message: string; domain: string; reason: string }[];
    status: string;
  };
}

export function googleError(code: number, status: string, reason: string, message: string): GoogleErrorBody {
  return { error: { code, message, errors: [{ message, domain: "global", reason }], status } };
}

export const errors = {
  unauthenticated: () =>
    googleError(
      401,
      "UNAUTHENTICATED",
      "authError",
      "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
    ),
  throttled: (project: string, service = "compute.googleapis.com") =>
    googleError(
      429,
      "RESOURCE_EXHAUSTED",
      "rateLimitExceeded",
      `Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' of service '${service}' for consumer 'project_number:${project}'.`,
    ),
  insufficientScopes: (api: string) =>
    googleError(403, "PERMISSION_DENIED", "insufficientPermissions", `Request had insufficient authentication scopes for the ${api} API.`),
  unavailable: () =>
    googleError(503, "UNAVAILABLE", "backendError", "The service is currently unavailable. Please try again later."),
  permissionDenied: (project: string, permission: string) =>
    googleError(403, "PERMISSION_DENIED", "forbidden", `Required '${permission}' permission for 'projects/${project}'`),
  projectNotFound: (project: string) =>
    googleError(404, "NOT_FOUND", "notFound", `The resource 'projects/${project}' was not found`),
  notFound: (path: string) => googleError(404, "NOT_FOUND", "notFound", `The resource '${path}' was not found`),
  badPageToken: () =>
    googleError(400, "INVALID_ARGUMENT", "invalid", "Invalid value for field 'pageToken': the token is not valid."),
};

/** Page tokens are positions in the (project, kind) list, so any page is computed on demand. */
export function encodePageToken(position: number): string {
  return Buffer.from(`pos:${position}`, "utf8").toString("base64url");
}

export function decodePageToken(token: string): number | null {
  const match = /^pos:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  return match?.[1] === undefined ? null : Number(match[1]);
}
