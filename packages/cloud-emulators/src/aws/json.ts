import type { AwsErrorReply, ErrorReason } from "./errors.ts";

/**
 * The AWS JSON RPC protocols: POST `/`, the operation in `X-Amz-Target`, a JSON body both ways.
 * Cost Explorer speaks JSON 1.1 (`AWSInsightsIndexService.*`); CloudWatch speaks JSON 1.0
 * (`GraniteServiceVersion20100801.*`) in "query-compatible" mode: its errors also carry the old
 * Query error code in an `x-amzn-query-error: Code;Sender` header, which the SDK prefers.
 * DynamoDB speaks JSON 1.0 (`DynamoDB_20120810.*`), its error types qualified by namespace.
 * ECS (`AmazonEC2ContainerServiceV20141113.*`) and the Resource Groups Tagging API
 * (`ResourceGroupsTaggingAPI_20170126.*`) speak JSON 1.1 with bare error type names.
 */
export type JsonService = "ce" | "monitoring" | "dynamodb" | "ecs" | "tagging" | "pricing" | "organizations";

export const jsonTargets: Record<JsonService, { prefix: string; contentType: string }> = {
  ce: { prefix: "AWSInsightsIndexService", contentType: "application/x-amz-json-1.1" },
  monitoring: { prefix: "GraniteServiceVersion20100801", contentType: "application/x-amz-json-1.0" },
  dynamodb: { prefix: "DynamoDB_20120810", contentType: "application/x-amz-json-1.0" },
  ecs: { prefix: "AmazonEC2ContainerServiceV20141113", contentType: "application/x-amz-json-1.1" },
  tagging: { prefix: "ResourceGroupsTaggingAPI_20170126", contentType: "application/x-amz-json-1.1" },
  // The Price List Query API speaks JSON 1.1 (`AWSPriceListService.GetProducts`).
  pricing: { prefix: "AWSPriceListService", contentType: "application/x-amz-json-1.1" },
  organizations: { prefix: "AWSOrganizationsV20161128", contentType: "application/x-amz-json-1.1" },
};

export function isJsonService(service: string): service is JsonService {
  return Object.hasOwn(jsonTargets, service);
}

export interface JsonReply {
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}

export function jsonOk(service: JsonService, payload: unknown): JsonReply {
  return { status: 200, body: JSON.stringify(payload), contentType: jsonTargets[service].contentType };
}

/** The operation named by `X-Amz-Target`, or "" when the header names another service. */
export function jsonAction(service: JsonService, target: string | string[] | undefined): string {
  const value = Array.isArray(target) ? target[0] : target;
  const prefix = `${jsonTargets[service].prefix}.`;
  return value?.startsWith(prefix) ? value.slice(prefix.length) : "";
}

/** For unsigned requests: the service whose error shape to answer in. */
export function jsonServiceOfTarget(target: string | string[] | undefined): JsonService | undefined {
  const value = Array.isArray(target) ? target[0] : target;
  if (!value) return undefined;
  return (Object.keys(jsonTargets) as JsonService[]).find((s) => value.startsWith(`${jsonTargets[s].prefix}.`));
}

interface JsonErrorShape {
  status: number;
  /** `__type` as the service writes it (CloudWatch qualifies it with a namespace). */
  type: string;
  /** CloudWatch's legacy Query code, sent in `x-amzn-query-error`. */
  queryCode?: string;
  message: string;
}

export function jsonErrorReply(service: JsonService, reason: ErrorReason, detail?: string): AwsErrorReply {
  const e =
    service === "ce"
      ? ceError(reason, detail)
      : service === "dynamodb"
        ? dynamoDbError(reason, detail)
        : service === "ecs" || service === "tagging"
          ? json11Error(service, reason, detail)
          : service === "pricing"
            ? pricingError(reason, detail)
            : service === "organizations"
              ? organizationsError(reason, detail)
              : cloudWatchError(reason, detail);
  const headers: Record<string, string> = { "content-type": jsonTargets[service].contentType };
  if (e.queryCode) headers["x-amzn-query-error"] = `${e.queryCode};${e.status >= 500 ? "Receiver" : "Sender"}`;
  // Organizations spells the member `Message`, as its API reference's error shapes do.
  const body = service === "organizations" ? { __type: e.type, Message: e.message } : { __type: e.type, message: e.message };
  return { status: e.status, body: JSON.stringify(body), headers };
}

function ceError(reason: ErrorReason, detail?: string): JsonErrorShape {
  switch (reason) {
    case "throttle":
      return { status: 400, type: "LimitExceededException", message: "Rate exceeded" };
    case "server_error":
      return { status: 500, type: "InternalFailure", message: "The request processing has failed because of an unknown error, exception or failure." };
    case "bad_credentials":
      return { status: 400, type: "UnrecognizedClientException", message: "The security token included in the request is invalid." };
    case "missing_auth":
      return { status: 400, type: "MissingAuthenticationTokenException", message: "Missing Authentication Token" };
    case "access_denied":
      return { status: 400, type: "AccessDeniedException", message: detail ?? "User is not authorized to perform: ce:GetCostAndUsage" };
    case "data_unavailable":
      return { status: 400, type: "DataUnavailableException", message: detail ?? "Data is not available." };
    case "invalid_token":
      return { status: 400, type: "InvalidNextTokenException", message: detail ?? "The pagination token is invalid." };
    case "unknown_action":
      return { status: 400, type: "UnknownOperationException", message: detail ?? "Unknown operation" };
    case "invalid_parameter":
    case "not_found":
    case "lb_not_found":
    case "no_lifecycle":
      return { status: 400, type: "ValidationException", message: detail ?? "invalid request" };
  }
}

/** The Price List API's documented errors (GetProducts: InvalidParameter, InvalidNextToken, Throttling, InternalError…). */
function pricingError(reason: ErrorReason, detail?: string): JsonErrorShape {
  switch (reason) {
    case "throttle":
      return { status: 400, type: "ThrottlingException", message: "Rate exceeded" };
    case "server_error":
      return { status: 500, type: "InternalErrorException", message: "An error on the server occurred during the processing of your request. Try again later." };
    case "bad_credentials":
      return { status: 400, type: "UnrecognizedClientException", message: "The security token included in the request is invalid." };
    case "missing_auth":
      return { status: 400, type: "MissingAuthenticationTokenException", message: "Missing Authentication Token" };
    case "access_denied":
      return { status: 400, type: "AccessDeniedException", message: detail ?? "User is not authorized to perform: pricing:GetProducts" };
    case "invalid_token":
      return { status: 400, type: "InvalidNextTokenException", message: detail ?? "The pagination token is invalid. Try again without a pagination token." };
    case "unknown_action":
      return { status: 400, type: "UnknownOperationException", message: detail ?? "Unknown operation" };
    case "data_unavailable":
    case "invalid_parameter":
    case "not_found":
    case "lb_not_found":
    case "no_lifecycle":
      return { status: 400, type: "InvalidParameterException", message: detail ?? "invalid parameter" };
  }
}

function organizationsError(reason: ErrorReason, detail?: string): JsonErrorShape {
  switch (reason) {
    case "throttle":
      return { status: 400, type: "TooManyRequestsException", message: "You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later." };
    case "server_error":
      return { status: 500, type: "ServiceException", message: "AWS Organizations can't complete your request because of an internal service error. Try again later." };
    case "bad_credentials":
      return { status: 400, type: "UnrecognizedClientException", message: "The security token included in the request is invalid." };
    case "missing_auth":
      return { status: 400, type: "MissingAuthenticationTokenException", message: "Missing Authentication Token" };
    case "access_denied":
      return { status: 400, type: "AccessDeniedException", message: detail ?? "You don't have permissions to access this resource." };
    case "unknown_action":
      return { status: 400, type: "UnknownOperationException", message: detail ?? "Unknown operation" };
    case "invalid_token":
    case "invalid_parameter":
    case "not_found":
    case "lb_not_found":
    case "no_lifecycle":
    case "data_unavailable":
      return { status: 400, type: "InvalidInputException", message: detail ?? "You provided invalid values for one or more of the request parameters." };
  }
}

function dynamoDbError(reason: ErrorReason, detail?: string): JsonErrorShape {
  const ns = "com.amazonaws.dynamodb.v20120810";
  switch (reason) {
    case "throttle":
      return { status: 400, type: "com.amazon.coral.availability#ThrottlingException", message: "Rate of requests exceeds the allowed throughput." };
    case "server_error":
      return { status: 500, type: `${ns}#InternalServerError`, message: "Internal server error" };
    case "bad_credentials":
      return { status: 400, type: "com.amazon.coral.service#UnrecognizedClientException", message: "The security token included in the request is invalid." };
    case "missing_auth":
      return { status: 400, type: "com.amazon.coral.service#MissingAuthenticationTokenException", message: "Request is missing Authentication Token" };
    case "access_denied":
      return { status: 400, type: "com.amazon.coral.service#AccessDeniedException", message: detail ?? "User is not authorized to perform: dynamodb:ListTables" };
    case "not_found":
    case "lb_not_found":
    case "no_lifecycle":
      return { status: 400, type: `${ns}#ResourceNotFoundException`, message: detail ?? "Requested resource not found" };
    case "unknown_action":
      return { status: 400, type: "com.amazon.coral.service#UnknownOperationException", message: detail ?? "Unknown operation" };
    case "invalid_parameter":
    case "invalid_token":
    case "data_unavailable":
      return { status: 400, type: "com.amazon.coral.validate#ValidationException", message: detail ?? "invalid parameter" };
  }
}

function json11Error(service: "ecs" | "tagging", reason: ErrorReason, detail?: string): JsonErrorShape {
  switch (reason) {
    case "throttle":
      // ECS answers with the platform's generic throttle; the Tagging API models its own.
      return { status: 400, type: service === "ecs" ? "ThrottlingException" : "ThrottledException", message: "Rate exceeded" };
    case "server_error":
      return { status: 500, type: service === "ecs" ? "ServerException" : "InternalServiceException", message: "An internal error occurred." };
    case "bad_credentials":
      return { status: 400, type: "UnrecognizedClientException", message: "The security token included in the request is invalid." };
    case "missing_auth":
      return { status: 400, type: "MissingAuthenticationTokenException", message: "Missing Authentication Token" };
    case "access_denied":
      return { status: 400, type: "AccessDeniedException", message: detail ?? "User is not authorized to perform this action" };
    case "not_found":
    case "lb_not_found":
    case "no_lifecycle":
      return { status: 400, type: service === "ecs" ? "ClusterNotFoundException" : "InvalidParameterException", message: detail ?? "Cluster not found." };
    case "invalid_token":
      return { status: 400, type: service === "ecs" ? "InvalidParameterException" : "PaginationTokenExpiredException", message: detail ?? "The pagination token is invalid." };
    case "unknown_action":
      return { status: 400, type: "UnknownOperationException", message: detail ?? "Unknown operation" };
    case "invalid_parameter":
    case "data_unavailable":
      return { status: 400, type: "InvalidParameterException", message: detail ?? "invalid parameter" };
  }
}

function cloudWatchError(reason: ErrorReason, detail?: string): JsonErrorShape {
  switch (reason) {
    case "throttle":
      return { status: 400, type: "com.amazon.coral.availability#ThrottlingException", queryCode: "Throttling", message: "Rate exceeded" };
    case "server_error":
      return { status: 500, type: "com.amazonaws.cloudwatch#InternalServiceFault", queryCode: "InternalServiceError", message: "Internal service error" };
    case "bad_credentials":
      return {
        status: 403,
        type: "com.amazon.coral.service#UnrecognizedClientException",
        queryCode: "InvalidClientTokenId",
        message: "The security token included in the request is invalid.",
      };
    case "missing_auth":
      return {
        status: 403,
        type: "com.amazon.coral.service#MissingAuthenticationTokenException",
        queryCode: "MissingAuthenticationToken",
        message: "Request is missing Authentication Token",
      };
    case "access_denied":
      return { status: 403, type: "com.amazon.coral.service#AccessDeniedException", queryCode: "AccessDenied", message: detail ?? "Access denied" };
    case "invalid_token":
      return { status: 400, type: "com.amazonaws.cloudwatch#InvalidNextToken", queryCode: "InvalidNextToken", message: detail ?? "The next token is invalid." };
    case "unknown_action":
      return { status: 400, type: "com.amazon.coral.service#UnknownOperationException", queryCode: "InvalidAction", message: detail ?? "Unknown operation" };
    case "data_unavailable":
    case "invalid_parameter":
    case "not_found":
    case "lb_not_found":
    case "no_lifecycle":
      return {
        status: 400,
        type: "com.amazonaws.cloudwatch#InvalidParameterValueException",
        queryCode: "InvalidParameterValue",
        message: detail ?? "invalid parameter",
      };
  }
}

/** An opaque page token bound to the request it continues (a changed request cannot reuse it). */
export function encodeJsonToken(kind: string, position: readonly number[], fingerprint: number): string {
  return Buffer.from(`${kind}:${position.join(":")}:${fingerprint.toString(36)}`).toString("base64url");
}

export function decodeJsonToken(kind: string, token: unknown, arity: number, fingerprint: number): number[] | undefined {
  if (typeof token !== "string" || token === "") return undefined;
  const parts = Buffer.from(token, "base64url").toString("utf8").split(":");
  if (parts.length !== arity + 2 || parts[0] !== kind || parts[arity + 1] !== fingerprint.toString(36)) return undefined;
  const numbers = parts.slice(1, arity + 1).map(Number);
  return numbers.every((n) => Number.isInteger(n) && n >= 0) ? numbers : undefined;
}
