import { describe, expect, it } from "vitest";
import { recommendationFacts, type StoredResource } from "../src/recommendations/index.ts";

const stored = (cloud: StoredResource["cloud"], kind: string, configuration: Record<string, unknown>, tags: Record<string, string> = {}): StoredResource => ({
  key: "k",
  cloud,
  kind,
  region: "r",
  status: "running",
  tags,
  configuration,
});

describe("recommendationFacts", () => {
  it.each([
    ["aws instance in an ASG", stored("aws", "ec2_instance", { InstanceType: "m5.large" }, { "aws:autoscaling:groupName": "web" }), { role: "compute", size: "m5.large", scalingGroup: "web" }],
    ["aws standalone instance", stored("aws", "ec2_instance", { InstanceType: "t3.micro" }), { role: "compute", size: "t3.micro", scalingGroup: null }],
    ["aws available volume", stored("aws", "ebs_volume", { VolumeType: "gp2", Size: 100, State: "available", Attachments: [] }), { role: "volume", size: "gp2", sizeGb: 100, attached: false }],
    ["aws in-use volume", stored("aws", "ebs_volume", { VolumeType: "gp3", Size: 8, State: "in-use", Attachments: [{ InstanceId: "i-1" }] }), { role: "volume", attached: true }],
    ["aws volume without attachment facts", stored("aws", "ebs_volume", { VolumeType: "gp3", Size: 8, State: "creating" }), { role: "volume", attached: undefined }],
    ["aws associated EIP", stored("aws", "elastic_ip", { AllocationId: "eipalloc-1", AssociationId: "eipassoc-1" }), { role: "public_ip", associated: true }],
    ["aws unassociated EIP", stored("aws", "elastic_ip", { AllocationId: "eipalloc-1" }), { role: "public_ip", associated: false }],
    ["aws load balancer (targets unknown)", stored("aws", "elb_load_balancer", { Type: "application" }), { role: "load_balancer" }],
    ["aws database (no signal)", stored("aws", "rds_postgres", { DBInstanceClass: "db.m5.large" }), { role: "other" }],
    ["azure vm", stored("azure", "azure_vm", { vmStatus: { vmSize: "Standard_D4s_v3" } }), { role: "compute", size: "Standard_D4s_v3", scalingGroup: undefined }],
    ["azure disk managed by a VM", stored("azure", "azure_disk", { sku: { name: "Premium_LRS" }, managedBy: "/subscriptions/s/vm" }), { role: "volume", size: "Premium_LRS", attached: true }],
    ["azure disk with diskState", stored("azure", "azure_disk", { sku: { name: "Premium_LRS" }, properties: { diskState: "Unattached", diskSizeGB: 128 } }), { attached: false, sizeGb: 128 }],
    ["azure disk from a bare list", stored("azure", "azure_disk", { sku: { name: "Premium_LRS" } }), { attached: undefined }],
    ["azure public IP from a bare list", stored("azure", "azure_public_ip", {}), { role: "public_ip", associated: undefined }],
    ["azure public IP with its ipConfiguration", stored("azure", "azure_public_ip", { properties: { ipConfiguration: { id: "/nic/ipc" } } }), { associated: true }],
    ["azure public IP associated with nothing", stored("azure", "azure_public_ip", { properties: { ipConfiguration: null } }), { associated: false }],
    ["azure disk reserved by a deallocated VM", stored("azure", "azure_disk", { managedBy: "/vm", properties: { diskState: "Reserved" } }), { attached: true }],
    [
      "azure load balancer: NIC members in one pool, IP members in another",
      stored("azure", "azure_load_balancer", {
        properties: { backendAddressPools: [{ properties: { backendIPConfigurations: [{ id: "a" }, { id: "b" }], loadBalancerBackendAddresses: [] } }, { properties: { loadBalancerBackendAddresses: [{ id: "c" }] } }] },
      }),
      { role: "load_balancer", targetCount: 3 },
    ],
    ["azure load balancer with empty pools", stored("azure", "azure_load_balancer", { properties: { backendAddressPools: [{ properties: { backendIPConfigurations: [] } }] } }), { targetCount: 0 }],
    ["azure load balancer from a bare list", stored("azure", "azure_load_balancer", {}), { targetCount: undefined }],
    ["gcp instance in a MIG", stored("gcp", "gce_instance", { machineType: "https://x/zones/z/machineTypes/n2-standard-4", metadata: { items: [{ key: "created-by", value: "projects/1/zones/z/instanceGroupManagers/web" }] } }), { role: "compute", size: "n2-standard-4", scalingGroup: "projects/1/zones/z/instanceGroupManagers/web" }],
    ["gcp disk without users", stored("gcp", "gce_disk", { type: "https://x/diskTypes/pd-ssd", sizeGb: "200", users: [] }), { role: "volume", size: "pd-ssd", sizeGb: 200, attached: false }],
    ["gcp reserved address", stored("gcp", "gcp_address", { status: "RESERVED", addressType: "EXTERNAL" }), { role: "public_ip", associated: false }],
    ["gcp internal address", stored("gcp", "gcp_address", { status: "RESERVED", addressType: "INTERNAL" }), { role: "other" }],
  ])("%s", (_name, resource, expected) => {
    expect(recommendationFacts(resource)).toMatchObject(expected);
  });
});
