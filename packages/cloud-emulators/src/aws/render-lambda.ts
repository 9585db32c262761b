import type { AwsErrorReply, ErrorReason } from "./errors.ts";
import type { EmulatedResource } from "./model.ts";

/**
 * Lambda's REST-JSON protocol: `GET /2015-03-31/functions/` lists, `GET
 * /2015-03-31/functions/{FunctionName}` reads one; errors name their code in the
 * `x-amzn-ErrorType` header and carry `Type` (User/Service) and a message in the body.
 */

export const lambdaContentType = "application/json";

/** The Lambda operation a path names, or "" when the path is none the emulator serves. */
export function lambdaAction(method: string, pathname: string): string {
  if (method !== "GET") return "";
  if (/^\/2015-03-31\/functions\/?$/.test(pathname)) return "ListFunctions";
  if (/^\/2015-03-31\/functions\/[^/]+\/?$/.test(pathname)) return "GetFunction";
  return "";
}

export function isLambdaPath(pathname: string): boolean {
  return /^\/20\d\d-\d\d-\d\d\/(functions|tags)\b/.test(pathname);
}

/** The `{FunctionName}` of a GetFunction path (a name, a full ARN or a partial one), decoded. */
export function functionNameOf(pathname: string): string {
  return decodeURIComponent(pathname.replace(/^\/2015-03-31\/functions\//, "").replace(/\/$/, ""));
}

/** Lambda writes times as `2019-10-24T20:51:04.421+0000`. */
function lambdaTime(iso: string): string {
  return iso.replace(/Z$/, "+0000");
}

/** The subset of FunctionConfiguration that ListFunctions returns: no State, no LastUpdateStatus. */
function listedConfiguration(item: EmulatedResource): Record<string, unknown> {
  const name = item.naturalName ?? "";
  return {
    FunctionName: name,
    FunctionArn: item.id,
    Runtime: item.extra.runtime,
    Role: `arn:aws:iam::${item.account}:role/${name.slice(0, 40)}-role`,
    Handler: item.extra.runtime?.startsWith("python") ? "app.handler" : "index.handler",
    CodeSize: Number(item.extra.codeSize),
    Description: "",
    Timeout: Number(item.extra.timeout),
    MemorySize: Number(item.size),
    LastModified: lambdaTime(item.createdAt),
    CodeSha256: Buffer.from(item.id).toString("base64").slice(0, 43) + "=",
    Version: "$LATEST",
    TracingConfig: { Mode: "PassThrough" },
    RevisionId: `${item.id.slice(-8)}-0000-4000-8000-${item.id.slice(-12)}`,
    PackageType: "Zip",
    Architectures: [item.extra.architecture],
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: "None", OptimizationStatus: "Off" },
    LoggingConfig: { LogFormat: "Text", LogGroup: `/aws/lambda/${name}` },
  };
}

export function renderListFunctions(items: readonly EmulatedResource[], nextMarker: string | undefined): string {
  const page: Record<string, unknown> = { Functions: items.map(listedConfiguration) };
  if (nextMarker) page.NextMarker = nextMarker;
  return JSON.stringify(page);
}

/** GetFunction: the full configuration (with State), the code location and the tags. */
export function renderGetFunction(item: EmulatedResource, malformed: boolean): string {
  const configuration: Record<string, unknown> = { ...listedConfiguration(item), LastUpdateStatus: "Successful" };
  if (!malformed) configuration.State = item.state;
  if (item.state === "Pending") {
    configuration.StateReason = "The function is being created.";
    configuration.StateReasonCode = "Creating";
  }
  if (item.state === "Inactive") {
    configuration.StateReason = "The function is inactive and will be activated on the next invoke.";
    configuration.StateReasonCode = "Idle";
  }
  if (item.state === "Failed") {
    configuration.StateReason = "The function could not be created because the subnet has no free IP addresses.";
    configuration.StateReasonCode = "SubnetOutOfIPAddresses";
  }
  const out: Record<string, unknown> = {
    Configuration: configuration,
    Code: { RepositoryType: "S3", Location: `https://awslambda-${item.region}-tasks.s3.${item.region}.amazonaws.com/snapshots/${item.account}/${item.naturalName}` },
  };
  if (Object.keys(item.tags).length > 0) out.Tags = { ...item.tags };
  return JSON.stringify(out);
}

export function lambdaErrorReply(reason: ErrorReason, detail?: string): AwsErrorReply {
  const { status, code, body } = describeLambdaError(reason, detail);
  const headers: Record<string, string> = { "content-type": lambdaContentType, "x-amzn-errortype": code };
  if (reason === "throttle") headers["retry-after"] = "1";
  return { status, body: JSON.stringify(body), headers };
}

function describeLambdaError(reason: ErrorReason, detail?: string): { status: number; code: string; body: Record<string, unknown> } {
  switch (reason) {
    case "throttle":
      return { status: 429, code: "TooManyRequestsException", body: { Reason: "CallerRateLimitExceeded", Type: "User", message: "Rate exceeded" } };
    case "server_error":
      return { status: 500, code: "ServiceException", body: { Type: "Service", message: "An internal error occurred. Please try again." } };
    case "bad_credentials":
      return { status: 403, code: "UnrecognizedClientException", body: { message: "The security token included in the request is invalid." } };
    case "missing_auth":
      return { status: 403, code: "MissingAuthenticationTokenException", body: { message: "Missing Authentication Token" } };
    case "access_denied":
      return { status: 403, code: "AccessDeniedException", body: { Message: detail ?? "User is not authorized to perform: lambda:ListFunctions" } };
    case "not_found":
    case "lb_not_found":
    case "no_lifecycle":
      return { status: 404, code: "ResourceNotFoundException", body: { Type: "User", Message: detail ?? "Function not found" } };
    case "unknown_action":
      return { status: 404, code: "UnknownOperationException", body: { message: detail ?? "Unknown operation" } };
    case "invalid_parameter":
    case "invalid_token":
    case "data_unavailable":
      return { status: 400, code: "InvalidParameterValueException", body: { Type: "User", message: detail ?? "invalid parameter" } };
  }
}
