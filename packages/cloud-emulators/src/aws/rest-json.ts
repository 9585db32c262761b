import type { AwsErrorReply, ErrorReason } from "./errors.ts";

/**
 * Errors of the REST-JSON services served here besides Lambda (EKS, EFS): the code in the
 * `x-amzn-ErrorType` header, a JSON body with the message. EKS writes `message`; EFS writes
 * `ErrorCode` and `Message` as well.
 */
export type RestJsonService = "eks" | "elasticfilesystem" | "backup";

export const restJsonContentType = "application/json";

export function restJsonErrorReply(service: RestJsonService, reason: ErrorReason, detail?: string): AwsErrorReply {
  const { status, code, message } = describeRestJsonError(service, reason, detail);
  const body = service === "elasticfilesystem" ? { ErrorCode: code, Message: message, message } : { message };
  const headers: Record<string, string> = { "content-type": restJsonContentType, "x-amzn-errortype": code };
  if (reason === "throttle") headers["retry-after"] = "1";
  return { status, body: JSON.stringify(body), headers };
}

function describeRestJsonError(service: RestJsonService, reason: ErrorReason, detail?: string): { status: number; code: string; message: string } {
  if (service === "backup") return describeBackupError(reason, detail);
  switch (reason) {
    case "throttle":
      return { status: 429, code: "ThrottlingException", message: "Rate exceeded" };
    case "server_error":
      return service === "eks"
        ? { status: 500, code: "ServerException", message: "An internal error occurred. Please try again." }
        : { status: 500, code: "InternalServerError", message: "An internal error occurred. Please try again." };
    case "bad_credentials":
      return { status: 403, code: "UnrecognizedClientException", message: "The security token included in the request is invalid." };
    case "missing_auth":
      return { status: 403, code: "MissingAuthenticationTokenException", message: "Missing Authentication Token" };
    case "access_denied":
      return { status: 403, code: "AccessDeniedException", message: detail ?? "User is not authorized to perform this action" };
    case "not_found":
    case "lb_not_found":
    case "no_lifecycle":
      return service === "eks"
        ? { status: 404, code: "ResourceNotFoundException", message: detail ?? "No cluster found" }
        : { status: 404, code: "FileSystemNotFound", message: detail ?? "File system not found" };
    case "unknown_action":
      return { status: 404, code: "UnknownOperationException", message: detail ?? "Unknown operation" };
    case "invalid_parameter":
    case "invalid_token":
    case "data_unavailable":
      return service === "eks"
        ? { status: 400, code: "InvalidParameterException", message: detail ?? "invalid parameter" }
        : { status: 400, code: "BadRequest", message: detail ?? "invalid parameter" };
  }
}

/** AWS Backup's errors (its API reference): most are 400s naming the parameter or resource. */
function describeBackupError(reason: ErrorReason, detail?: string): { status: number; code: string; message: string } {
  switch (reason) {
    case "throttle":
      return { status: 429, code: "ThrottlingException", message: "Rate exceeded" };
    case "server_error":
      return { status: 500, code: "ServiceUnavailableException", message: "The request failed due to a temporary failure of the server." };
    case "bad_credentials":
      return { status: 403, code: "UnrecognizedClientException", message: "The security token included in the request is invalid." };
    case "missing_auth":
      return { status: 403, code: "MissingAuthenticationTokenException", message: "Missing Authentication Token" };
    case "access_denied":
      return { status: 403, code: "AccessDeniedException", message: detail ?? "User is not authorized to perform this action" };
    case "not_found":
    case "lb_not_found":
    case "no_lifecycle":
      return { status: 400, code: "ResourceNotFoundException", message: detail ?? "A resource that is required for the action doesn't exist." };
    case "unknown_action":
      return { status: 404, code: "UnknownOperationException", message: detail ?? "Unknown operation" };
    case "invalid_parameter":
    case "invalid_token":
    case "data_unavailable":
      return { status: 400, code: "InvalidParameterValueException", message: detail ?? "invalid parameter" };
  }
}
