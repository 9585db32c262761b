import type { EmulatedResource } from "./model.ts";
import { el, wrap } from "./xml.ts";

/** EC2 Query-protocol XML: lower-camel element names, lists as `<item>`. */

export const ec2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";

const instanceStateCodes: Record<string, number> = {
  pending: 0,
  running: 16,
  "shutting-down": 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export function tagSet(tags: Record<string, string>): string {
  const items = Object.entries(tags)
    .map(([k, v]) => wrap("item", el("key", k) + el("value", v)))
    .join("");
  return items ? wrap("tagSet", items) : "";
}

export function ec2Response(action: string, requestId: string, body: string): string {
  return `<${action}Response xmlns="${ec2Namespace}">${el("requestId", requestId)}${body}</${action}Response>`;
}

/** One reservation per instance: the adapter must still flatten reservations of any shape. */
export function renderReservation(item: EmulatedResource, malformed: boolean): string {
  const state = malformed
    ? ""
    : wrap("instanceState", el("code", instanceStateCodes[item.state] ?? 0) + el("name", item.state));
  const running = item.state === "running";
  const instance =
    el("instanceId", item.id) +
    el("imageId", item.extra.imageId) +
    state +
    el("privateDnsName", `ip-${(item.extra.privateIp ?? "").replace(/\./g, "-")}.${item.region}.compute.internal`) +
    (item.state === "stopped" ? el("reason", "User initiated (2024-03-01 10:00:00 GMT)") : "") +
    (malformed ? "" : el("instanceType", item.size)) +
    el("launchTime", item.createdAt) +
    wrap("placement", el("availabilityZone", item.zone) + el("groupName", "") + el("tenancy", "default")) +
    (item.extra.vpcId ? el("subnetId", `subnet-0${item.id.slice(3)}`) + el("vpcId", item.extra.vpcId) : "") +
    (running ? el("privateIpAddress", item.extra.privateIp) : "") +
    el("architecture", item.size.startsWith("r6g") || item.size.startsWith("t4g") ? "arm64" : "x86_64") +
    el("rootDeviceType", "ebs") +
    tagSet(item.tags) +
    el("platformDetails", "Linux/UNIX");
  return wrap(
    "item",
    el("reservationId", `r-0${item.id.slice(3)}`) +
      el("ownerId", item.account) +
      wrap("groupSet", "") +
      wrap("instancesSet", wrap("item", instance)),
  );
}

export function renderVolume(item: EmulatedResource, malformed: boolean): string {
  const attachment = item.extra.attachedTo
    ? wrap(
        "attachmentSet",
        wrap(
          "item",
          el("volumeId", item.id) +
            el("instanceId", item.extra.attachedTo) +
            el("device", "/dev/xvdf") +
            el("status", "attached") +
            el("attachTime", item.createdAt) +
            el("deleteOnTermination", false),
        ),
      )
    : wrap("attachmentSet", "");
  return wrap(
    "item",
    el("volumeId", item.id) +
      el("size", item.size) +
      el("availabilityZone", item.zone) +
      (malformed ? "" : el("status", item.state)) +
      el("createTime", item.createdAt) +
      attachment +
      tagSet(item.tags) +
      el("volumeType", item.extra.volumeType) +
      (item.extra.volumeType === "io2" ? el("iops", 3000) : "") +
      el("encrypted", true),
  );
}

export function renderVpc(item: EmulatedResource, malformed: boolean): string {
  return wrap(
    "item",
    el("vpcId", item.id) +
      el("ownerId", item.account) +
      (malformed ? "" : el("state", item.state)) +
      el("cidrBlock", item.extra.cidr) +
      el("dhcpOptionsId", `dopt-0${item.id.slice(5)}`) +
      tagSet(item.tags) +
      el("instanceTenancy", "default") +
      el("isDefault", item.extra.isDefault),
  );
}

export function renderSubnet(item: EmulatedResource, malformed: boolean): string {
  return wrap(
    "item",
    el("subnetId", item.id) +
      el("subnetArn", `arn:aws:ec2:${item.region}:${item.account}:subnet/${item.id}`) +
      (malformed ? "" : el("state", item.state)) +
      el("ownerId", item.account) +
      el("vpcId", item.extra.vpcId) +
      el("cidrBlock", item.extra.cidr) +
      el("availableIpAddressCount", item.extra.freeIps) +
      el("availabilityZone", item.zone) +
      el("availabilityZoneId", `${item.region.replace(/-/g, "").slice(0, 4)}-az${item.zone.slice(-1).charCodeAt(0) - 96}`) +
      el("defaultForAz", false) +
      el("mapPublicIpOnLaunch", false) +
      tagSet(item.tags),
  );
}

/** DescribeSecurityGroups' `securityGroupInfo` item: one ingress rule, the default egress rule. */
export function renderSecurityGroup(item: EmulatedResource, malformed: boolean): string {
  const ingress = wrap(
    "item",
    el("ipProtocol", "tcp") +
      el("fromPort", item.extra.port) +
      el("toPort", item.extra.port) +
      wrap("groups", "") +
      wrap("ipRanges", wrap("item", el("cidrIp", item.extra.cidr))) +
      wrap("ipv6Ranges", "") +
      wrap("prefixListIds", ""),
  );
  const egress = wrap(
    "item",
    el("ipProtocol", "-1") + wrap("groups", "") + wrap("ipRanges", wrap("item", el("cidrIp", "0.0.0.0/0"))) + wrap("ipv6Ranges", "") + wrap("prefixListIds", ""),
  );
  return wrap(
    "item",
    el("ownerId", item.account) +
      (malformed ? "" : el("groupId", item.id)) +
      el("groupName", item.naturalName) +
      el("groupDescription", `${item.naturalName} managed by terraform`) +
      wrap("ipPermissions", ingress) +
      wrap("ipPermissionsEgress", egress) +
      el("vpcId", item.extra.vpcId) +
      el("securityGroupArn", `arn:aws:ec2:${item.region}:${item.account}:security-group/${item.id}`) +
      tagSet(item.tags),
  );
}

/** DescribeNatGateways' `natGatewaySet` item. */
export function renderNatGateway(item: EmulatedResource, malformed: boolean): string {
  const isPublic = item.extra.connectivity === "public";
  const address = wrap(
    "item",
    (isPublic ? el("allocationId", `eipalloc-0${item.id.slice(5)}`) : "") +
      el("networkInterfaceId", `eni-0${item.id.slice(5)}`) +
      el("privateIp", item.extra.privateIp) +
      (isPublic ? el("publicIp", item.extra.publicIp) : "") +
      el("isPrimary", true) +
      el("status", item.state === "available" ? "succeeded" : item.state === "failed" ? "failed" : "associating"),
  );
  return wrap(
    "item",
    el("createTime", item.createdAt) +
      (item.state === "deleted" ? el("deleteTime", item.createdAt.replace(/^(\d{4})/, (y) => String(Number(y) + 1))) : "") +
      (item.state === "failed" ? el("failureCode", "Gateway.NotAttached") + el("failureMessage", `Network ${item.extra.vpcId} has no Internet gateway attached`) : "") +
      wrap("natGatewayAddressSet", item.state === "failed" ? "" : address) +
      el("natGatewayId", item.id) +
      (malformed ? "" : el("state", item.state)) +
      el("subnetId", item.extra.subnetId) +
      el("vpcId", item.extra.vpcId) +
      tagSet(item.tags) +
      el("connectivityType", item.extra.connectivity),
  );
}

/** DescribeAddresses' `addressesSet` item; association fields only when associated. */
export function renderAddress(item: EmulatedResource, malformed: boolean): string {
  const associated = item.state === "associated";
  return wrap(
    "item",
    el("publicIp", item.naturalName) +
      (malformed ? "" : el("allocationId", item.id)) +
      el("domain", "vpc") +
      (associated
        ? el("instanceId", item.extra.instanceId) +
          el("associationId", `eipassoc-0${item.id.slice(10)}`) +
          el("networkInterfaceId", `eni-0${item.id.slice(10)}`) +
          el("networkInterfaceOwnerId", item.account) +
          el("privateIpAddress", item.extra.privateIp)
        : "") +
      tagSet(item.tags) +
      el("publicIpv4Pool", "amazon") +
      el("networkBorderGroup", item.region),
  );
}

export function renderRegion(region: string): string {
  return wrap(
    "item",
    el("regionName", region) + el("regionEndpoint", `ec2.${region}.amazonaws.com`) + el("optInStatus", "opt-in-not-required"),
  );
}
