import { isJsonService, type JsonService, jsonErrorReply } from "./json.ts";
import { lambdaErrorReply } from "./render-lambda.ts";
import { restJsonErrorReply } from "./rest-json.ts";
import { namespaces } from "./render-query.ts";
import { el, wrap, xmlDeclaration } from "./xml.ts";

/** Errors exactly as each AWS protocol shapes them, so the SDK classifies them as it would live. */

export type AwsService =
  | "ec2"
  | "elasticloadbalancing"
  | "rds"
  | "s3"
  | "sts"
  | "lambda"
  | "cloudfront"
  | "eks"
  | "elasticfilesystem"
  | "autoscaling"
  | "elasticache"
  | "redshift"
  | "cloudformation"
  | "backup"
  | JsonService;

export interface AwsErrorReply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export type ErrorReason =
  | "throttle"
  | "server_error"
  | "bad_credentials"
  | "missing_auth"
  | "access_denied"
  | "invalid_parameter"
  | "unknown_action"
  | "not_found"
  | "lb_not_found"
  | "no_lifecycle"
  | "data_unavailable"
  | "invalid_token";

export function errorReply(service: AwsService, reason: ErrorReason, requestId: string, detail?: string): AwsErrorReply {
  if (isJsonService(service)) return jsonErrorReply(service, reason, detail);
  if (service === "lambda") return lambdaErrorReply(reason, detail);
  if (service === "eks" || service === "elasticfilesystem" || service === "backup") return restJsonErrorReply(service, reason, detail);
  const { status, code, message } = describe(service, reason, detail);
  if (service === "ec2") {
    return {
      status,
      body: `${xmlDeclaration}<Response>${wrap("Errors", wrap("Error", el("Code", code) + el("Message", message)))}${el("RequestID", requestId)}</Response>`,
    };
  }
  if (service === "s3") {
    return {
      status,
      body: `${xmlDeclaration}${wrap("Error", el("Code", code) + el("Message", message) + el("RequestId", requestId) + el("HostId", `host-${requestId}`))}`,
    };
  }
  const type = status >= 500 ? "Receiver" : "Sender";
  return {
    status,
    body: `<ErrorResponse xmlns="${namespaces[service]}">${wrap("Error", el("Type", type) + el("Code", code) + el("Message", message))}${el("RequestId", requestId)}</ErrorResponse>`,
  };
}

function describe(service: AwsService, reason: ErrorReason, detail?: string): { status: number; code: string; message: string } {
  switch (reason) {
    case "throttle":
      if (service === "ec2") return { status: 503, code: "RequestLimitExceeded", message: "Request limit exceeded." };
      if (service === "s3") return { status: 503, code: "SlowDown", message: "Please reduce your request rate." };
      return { status: 400, code: "Throttling", message: "Rate exceeded" };
    case "server_error":
      if (service === "ec2" || service === "s3") {
        return { status: 500, code: "InternalError", message: "We encountered an internal error. Please try again." };
      }
      return { status: 500, code: "InternalFailure", message: "The request processing has failed because of an unknown error, exception or failure." };
    case "bad_credentials":
      if (service === "ec2") return { status: 401, code: "AuthFailure", message: "AWS was not able to validate the provided access credentials" };
      if (service === "s3") return { status: 403, code: "InvalidAccessKeyId", message: "The AWS Access Key Id you provided does not exist in our records." };
      return { status: 403, code: "InvalidClientTokenId", message: "The security token included in the request is invalid." };
    case "missing_auth":
      if (service === "s3") return { status: 403, code: "AccessDenied", message: "Access Denied" };
      return { status: 403, code: "MissingAuthenticationToken", message: "Request is missing Authentication Token" };
    case "access_denied":
      return { status: 403, code: "AccessDenied", message: detail ?? "Access Denied" };
    case "invalid_parameter":
      if (service === "cloudfront") return { status: 400, code: "InvalidArgument", message: detail ?? "invalid argument" };
      return { status: 400, code: service === "ec2" ? "InvalidParameterValue" : "ValidationError", message: detail ?? "invalid parameter" };
    case "unknown_action":
      return { status: 400, code: "InvalidAction", message: detail ?? "The action is not valid for this web service." };
    case "no_lifecycle":
      // GetBucketLifecycleConfiguration of a bucket without one (the S3 API reference's special error).
      return { status: 404, code: "NoSuchLifecycleConfiguration", message: detail ?? "The lifecycle configuration does not exist" };
    case "lb_not_found":
      return { status: 400, code: "LoadBalancerNotFound", message: detail ?? "One or more load balancers not found" };
    case "not_found":
      if (service === "cloudfront") return { status: 404, code: "NoSuchResource", message: detail ?? "The specified resource does not exist." };
      if (service === "elasticache") return { status: 404, code: "CacheClusterNotFound", message: detail ?? "CacheCluster not found" };
      return { status: 404, code: service === "s3" ? "NoSuchBucket" : "NotFound", message: detail ?? "The specified bucket does not exist" };
    case "data_unavailable":
    case "invalid_token":
      return { status: 400, code: "ValidationError", message: detail ?? "invalid request" };
  }
}

/** A Query-protocol error with a service-specific code no shared reason covers (ELBv2's TargetGroupNotFound). */
export function queryErrorReply(service: keyof typeof namespaces, status: number, code: string, message: string, requestId: string): AwsErrorReply {
  return {
    status,
    body: `<ErrorResponse xmlns="${namespaces[service]}">${wrap("Error", el("Type", "Sender") + el("Code", code) + el("Message", message))}${el("RequestId", requestId)}</ErrorResponse>`,
  };
}
