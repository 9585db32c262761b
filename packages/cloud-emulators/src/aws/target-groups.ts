import { hashString } from "../rng.ts";
import type { EmulatedResource } from "./model.ts";
import { el, wrap } from "./xml.ts";

/**
 * ELBv2 target groups and their targets' health, as the Query API's reference shapes them:
 * `DescribeTargetGroups` (`TargetGroups.member` with `TargetGroupArn`, `TargetGroupName`,
 * `Protocol`, `Port`, `VpcId`, `TargetType`, `LoadBalancerArns.member`; `NextMarker`) and
 * `DescribeTargetHealth` (`TargetHealthDescriptions.member` with `Target { Id, Port }`,
 * `HealthCheckPort`, `TargetHealth { State, Reason, Description }`). Each load balancer has one
 * target group; how many targets it has and in what state is decided from a hash of its ARN:
 * 20 % have none registered, 10 % only unhealthy ones, the rest one to three healthy (and
 * sometimes one draining). `expectedServingTargets` tells a test what it decided.
 */

export interface EmulatedTarget {
  id: string;
  state: "healthy" | "unhealthy" | "draining";
}

export interface EmulatedTargetGroup {
  arn: string;
  name: string;
  loadBalancerArn: string;
  vpcId: string;
  targets: EmulatedTarget[];
}

export function targetGroupOf(lb: EmulatedResource): EmulatedTargetGroup {
  const h = hashString(`tg:${lb.id}`);
  const bucket = h % 100;
  const name = `${(lb.naturalName ?? "lb").slice(0, 28)}-tg`;
  const hex = (h >>> 0).toString(16).padStart(8, "0");
  const instance = (i: number) => `i-0${hex}${i.toString(16).padStart(8, "0")}`;
  let targets: EmulatedTarget[];
  if (bucket < 20) targets = [];
  else if (bucket < 30) targets = [0, 1].map((i) => ({ id: instance(i), state: "unhealthy" as const }));
  else {
    targets = Array.from({ length: 1 + (bucket % 3) }, (_, i) => ({ id: instance(i), state: "healthy" as const }));
    if (bucket % 5 === 0) targets.push({ id: instance(9), state: "draining" });
  }
  return {
    arn: `arn:aws:elasticloadbalancing:${lb.region}:${lb.account}:targetgroup/${name}/${hex}${hex}`,
    name,
    loadBalancerArn: lb.id,
    vpcId: lb.extra.vpcId || `vpc-0${hex}`,
    targets,
  };
}

/** Targets that can take traffic (healthy), as the adapter should count them. */
export function expectedServingTargets(lb: EmulatedResource): number {
  return targetGroupOf(lb).targets.filter((t) => t.state === "healthy").length;
}

export function renderTargetGroup(tg: EmulatedTargetGroup): string {
  return wrap(
    "member",
    el("TargetGroupArn", tg.arn) +
      el("TargetGroupName", tg.name) +
      el("Protocol", "HTTP") +
      el("Port", 80) +
      el("VpcId", tg.vpcId) +
      el("HealthCheckProtocol", "HTTP") +
      el("HealthCheckPort", "traffic-port") +
      el("HealthCheckEnabled", true) +
      el("HealthCheckPath", "/") +
      wrap("LoadBalancerArns", el("member", tg.loadBalancerArn)) +
      el("TargetType", "instance") +
      el("IpAddressType", "ipv4"),
  );
}

const reasons: Record<EmulatedTarget["state"], { reason?: string; description?: string }> = {
  healthy: {},
  unhealthy: { reason: "Target.FailedHealthChecks", description: "Health checks failed" },
  draining: { reason: "Target.DeregistrationInProgress", description: "Target deregistration is in progress" },
};

export function renderTargetHealth(target: EmulatedTarget): string {
  const r = reasons[target.state];
  return wrap(
    "member",
    wrap("Target", el("Id", target.id) + el("Port", 80)) + el("HealthCheckPort", "80") + wrap("TargetHealth", el("State", target.state) + el("Reason", r.reason) + el("Description", r.description)),
  );
}
