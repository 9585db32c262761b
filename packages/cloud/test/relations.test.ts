import { describe, expect, it } from "vitest";
import { normalizeCloudFrontDistribution, originDependency } from "../src/aws/kinds/cloudfront-distribution.ts";
import { normalizeEbsVolume } from "../src/aws/kinds/ebs-volume.ts";
import { normalizeEc2Instance } from "../src/aws/kinds/ec2-instance.ts";
import { normalizeElasticIp } from "../src/aws/kinds/elastic-ip.ts";
import { normalizeLambdaFunction } from "../src/aws/kinds/lambda-function.ts";
import { normalizeLoadBalancer } from "../src/aws/kinds/load-balancer.ts";
import { normalizeNatGateway } from "../src/aws/kinds/nat-gateway.ts";
import { normalizeAutoScalingGroup } from "../src/aws/kinds/autoscaling-group.ts";
import { normalizeDbInstance } from "../src/aws/kinds/rds-instance.ts";
import { normalizeSecurityGroup } from "../src/aws/kinds/security-group.ts";
import { normalizeSubnet } from "../src/aws/kinds/subnet.ts";
import { normalizeVpc } from "../src/aws/kinds/vpc.ts";
import { dependencyList, dependencyOf, relationRules } from "../src/core/relations.ts";
import { normalizeGenericResource } from "../src/azure/normalize.ts";
import { attachmentsOf } from "../src/azure/vm-statuses.ts";
import { normalizeFirewall } from "../src/gcp/kinds/firewalls.ts";
import { normalizeForwardingRule } from "../src/gcp/kinds/forwarding-rules.ts";
import { normalizeInstance } from "../src/gcp/kinds/instances.ts";
import { normalizeSubnetwork } from "../src/gcp/kinds/subnetworks.ts";
import type { NormalizedResource } from "../src/types.ts";

const where = { account: "111122223333", region: "us-east-1" };
const gcp = "https://www.googleapis.com/compute/v1/projects/p1";

/** An edge as the fixtures write it: relation, target, and the options that are not defaults. */
const edge = (relation: keyof typeof relationRules, target: string, options: { selfLink?: true; dns?: true; reverse?: true } = {}) =>
  dependencyOf(relation, target, {
    ...(options.selfLink ? { targetKey: "selfLink" as const } : {}),
    ...(options.dns ? { targetKey: "DNSName" as const } : {}),
    ...(options.reverse ? { reverse: true } : {}),
  });

const cases: { name: string; resource: () => NormalizedResource; expected: ReturnType<typeof edge>[] | undefined }[] = [
  {
    name: "EC2 instance: root-device volume is the boot volume, others data; subnet; security groups",
    resource: () =>
      normalizeEc2Instance(
        {
          InstanceId: "i-1",
          State: { Name: "running" },
          InstanceType: "m5.large",
          RootDeviceName: "/dev/xvda",
          BlockDeviceMappings: [
            { DeviceName: "/dev/xvda", Ebs: { VolumeId: "vol-boot" } },
            { DeviceName: "/dev/xvdf", Ebs: { VolumeId: "vol-data" } },
          ],
          SubnetId: "subnet-1",
          VpcId: "vpc-1",
          SecurityGroups: [{ GroupId: "sg-1" }, { GroupId: "sg-2" }],
        },
        where,
      ),
    expected: [
      edge("boot_volume", "vol-boot"),
      edge("data_volume", "vol-data"),
      edge("in_subnet", "subnet-1"),
      edge("security_group", "sg-1"),
      edge("security_group", "sg-2"),
    ],
  },
  {
    name: "EC2 instance without a subnet: its VPC",
    resource: () => normalizeEc2Instance({ InstanceId: "i-2", State: { Name: "running" }, VpcId: "vpc-1" }, where),
    expected: [edge("in_network", "vpc-1")],
  },
  {
    name: "EC2 instance that names nothing: no dependencies at all",
    resource: () => normalizeEc2Instance({ InstanceId: "i-3", State: { Name: "stopped" } }, where),
    expected: undefined,
  },
  {
    name: "EBS volume: the instances it is attached to depend on it (reverse, soft)",
    resource: () =>
      normalizeEbsVolume({ VolumeId: "vol-1", State: "in-use", Size: 20, Attachments: [{ InstanceId: "i-1", Device: "/dev/xvdf" }] }, where),
    expected: [edge("data_volume", "i-1", { reverse: true })],
  },
  {
    name: "subnet: its VPC contains it",
    resource: () => normalizeSubnet({ SubnetId: "subnet-1", State: "available", VpcId: "vpc-1" }, where),
    expected: [edge("in_network", "vpc-1")],
  },
  {
    name: "security group: its VPC",
    resource: () => normalizeSecurityGroup({ GroupId: "sg-1", VpcId: "vpc-1" }, where),
    expected: [edge("in_network", "vpc-1")],
  },
  {
    name: "VPC: depends on nothing",
    resource: () => normalizeVpc({ VpcId: "vpc-1", State: "available" }, where),
    expected: undefined,
  },
  {
    name: "RDS instance: its subnet group's subnets and its VPC security groups",
    resource: () =>
      normalizeDbInstance(
        {
          DBInstanceArn: "arn:aws:rds:us-east-1:111122223333:db:main",
          Engine: "postgres",
          DBInstanceStatus: "available",
          DBInstanceClass: "db.m5.large",
          DBSubnetGroup: { Subnets: [{ SubnetIdentifier: "subnet-a" }, { SubnetIdentifier: "subnet-b" }] },
          VpcSecurityGroups: [{ VpcSecurityGroupId: "sg-db", Status: "active" }],
        },
        where,
      ),
    expected: [edge("in_subnet", "subnet-a"), edge("in_subnet", "subnet-b"), edge("security_group", "sg-db")],
  },
  {
    name: "Lambda function in a VPC: its subnets and security groups",
    resource: () =>
      normalizeLambdaFunction(
        {
          Configuration: {
            FunctionArn: "arn:aws:lambda:us-east-1:111122223333:function:f",
            State: "Active",
            VpcConfig: { SubnetIds: ["subnet-a"], SecurityGroupIds: ["sg-fn"] },
          },
        },
        where,
      ),
    expected: [edge("in_subnet", "subnet-a"), edge("security_group", "sg-fn")],
  },
  {
    name: "ELB: the subnets of its zones and its security groups",
    resource: () =>
      normalizeLoadBalancer(
        {
          LoadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/1",
          State: { Code: "active" },
          AvailabilityZones: [{ ZoneName: "us-east-1a", SubnetId: "subnet-a" }, { ZoneName: "us-east-1b", SubnetId: "subnet-b" }],
          SecurityGroups: ["sg-lb"],
        },
        where,
      ),
    expected: [edge("in_subnet", "subnet-a"), edge("in_subnet", "subnet-b"), edge("security_group", "sg-lb")],
  },
  {
    name: "NAT gateway: its subnet and its Elastic IP",
    resource: () =>
      normalizeNatGateway(
        { NatGatewayId: "nat-1", State: "available", SubnetId: "subnet-a", NatGatewayAddresses: [{ AllocationId: "eipalloc-1" }] },
        where,
      ),
    expected: [edge("in_subnet", "subnet-a"), edge("nat_address", "eipalloc-1")],
  },
  {
    name: "Auto Scaling group: each of its instances",
    resource: () =>
      normalizeAutoScalingGroup(
        {
          AutoScalingGroupName: "web",
          AutoScalingGroupARN: "arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:uuid:autoScalingGroupName/web",
          DesiredCapacity: 2,
          MinSize: 1,
          MaxSize: 4,
          Instances: [{ InstanceId: "i-1", InstanceType: "t3.micro" }, { InstanceId: "i-2", InstanceType: "t3.micro" }, {}],
        } as never,
        where,
      ),
    expected: [edge("group_member", "i-1"), edge("group_member", "i-2")],
  },
  {
    name: "Elastic IP: the instance it points at",
    resource: () => normalizeElasticIp({ AllocationId: "eipalloc-1", AssociationId: "eipassoc-1", InstanceId: "i-1" }, where),
    expected: [edge("address_of", "i-1")],
  },
  {
    name: "CloudFront: an S3 origin by bucket name, an ELB origin by DNS name, a custom origin not at all",
    resource: () =>
      normalizeCloudFrontDistribution(
        {
          Summary: {
            ARN: "arn:aws:cloudfront::111122223333:distribution/E1",
            Id: "E1",
            Status: "Deployed",
            Enabled: true,
            Origins: {
              Quantity: 3,
              Items: [
                { Id: "s3", DomainName: "wedding-photos.s3.eu-west-1.amazonaws.com" },
                { Id: "lb", DomainName: "Web-123.us-east-1.elb.amazonaws.com" },
                { Id: "custom", DomainName: "origin.example.com" },
              ],
            },
          } as never,
          Tags: [],
        },
        { account: where.account, region: "global" },
      ),
    expected: [edge("origin_bucket", "wedding-photos"), edge("origin_load_balancer", "web-123.us-east-1.elb.amazonaws.com", { dns: true })],
  },
  {
    name: "GCE instance: boot and data disks by self link, subnetwork, or network when it has none",
    resource: () =>
      normalizeInstance(
        {
          id: "1",
          name: "vm",
          status: "RUNNING",
          zone: `${gcp}/zones/us-central1-a`,
          machineType: `${gcp}/zones/us-central1-a/machineTypes/e2-medium`,
          disks: [
            { boot: true, source: `${gcp}/zones/us-central1-a/disks/vm` },
            { boot: false, source: `${gcp}/zones/us-central1-a/disks/data` },
          ],
          networkInterfaces: [
            { network: `${gcp}/global/networks/default`, subnetwork: `${gcp}/regions/us-central1/subnetworks/default` },
            { network: `${gcp}/global/networks/legacy` },
          ],
        },
        "p1",
        null,
      ),
    expected: [
      edge("boot_volume", `${gcp}/zones/us-central1-a/disks/vm`, { selfLink: true }),
      edge("data_volume", `${gcp}/zones/us-central1-a/disks/data`, { selfLink: true }),
      edge("in_subnet", `${gcp}/regions/us-central1/subnetworks/default`, { selfLink: true }),
      edge("in_network", `${gcp}/global/networks/legacy`, { selfLink: true }),
    ],
  },
  {
    name: "GCP subnetwork and firewall: the network that contains them",
    resource: () =>
      normalizeSubnetwork(
        { id: "2", name: "s", region: `${gcp}/regions/us-central1`, ipCidrRange: "10.0.0.0/24", network: `${gcp}/global/networks/default` },
        "p1",
        null,
      ),
    expected: [edge("in_network", `${gcp}/global/networks/default`, { selfLink: true })],
  },
  {
    name: "GCP firewall: its network",
    resource: () => normalizeFirewall({ id: "3", name: "fw", network: `${gcp}/global/networks/default` }, "p1"),
    expected: [edge("in_network", `${gcp}/global/networks/default`, { selfLink: true })],
  },
  {
    name: "GCP forwarding rule: its target pool and subnetwork",
    resource: () =>
      normalizeForwardingRule(
        {
          id: "4",
          name: "fr",
          region: `${gcp}/regions/us-central1`,
          target: `${gcp}/regions/us-central1/targetPools/web`,
          subnetwork: `${gcp}/regions/us-central1/subnetworks/default`,
        },
        "p1",
        null,
      ),
    expected: [
      edge("lb_backend", `${gcp}/regions/us-central1/targetPools/web`, { selfLink: true }),
      edge("in_subnet", `${gcp}/regions/us-central1/subnetworks/default`, { selfLink: true }),
    ],
  },
  {
    name: "Azure VM: its OS disk (boot), data disks and NICs, from the VM listing's storage and network profiles",
    resource: () => {
      const sub = "/subscriptions/s1/resourceGroups/rg/providers";
      const vmId = `${sub}/Microsoft.Compute/virtualMachines/web`;
      const status = {
        powerState: "running",
        provisioningState: "succeeded",
        vmSize: "Standard_B2s",
        ...attachmentsOf({
          id: vmId,
          storageProfile: {
            osDisk: { managedDisk: { id: `${sub}/Microsoft.Compute/disks/web_OsDisk` } },
            dataDisks: [{ managedDisk: { id: `${sub}/Microsoft.Compute/disks/web-data` } }, {}],
          },
          networkProfile: { networkInterfaces: [{ id: `${sub}/Microsoft.Network/networkInterfaces/web-nic` }] },
        }),
      };
      const result = normalizeGenericResource(
        { id: vmId, name: "web", type: "Microsoft.Compute/virtualMachines", location: "eastus" },
        { subscriptionId: "s1", vmStatuses: new Map([[vmId.toLowerCase(), status]]) },
      );
      if (!result.ok) throw new Error(result.reason);
      return result.resource;
    },
    expected: [
      edge("boot_volume", "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/disks/web_OsDisk"),
      edge("data_volume", "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/disks/web-data"),
      edge("network_interface", "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/web-nic"),
    ],
  },
  {
    name: "Azure VM whose listing names no disks or NICs: none, and its status keeps its old shape",
    resource: () => {
      const vmId = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/bare";
      const status = { powerState: "running", provisioningState: "succeeded", vmSize: "Standard_B2s", ...attachmentsOf({ id: vmId }) };
      expect(Object.keys(status)).toEqual(["powerState", "provisioningState", "vmSize"]);
      const result = normalizeGenericResource(
        { id: vmId, name: "bare", type: "Microsoft.Compute/virtualMachines", location: "eastus" },
        { subscriptionId: "s1", vmStatuses: new Map([[vmId.toLowerCase(), status]]) },
      );
      if (!result.ok) throw new Error(result.reason);
      return result.resource;
    },
    expected: undefined,
  },
];

describe("dependencies each kind reports", () => {
  it.each(cases)("$name", ({ resource, expected }) => {
    expect(resource().dependencies).toEqual(expected);
  });
});

describe("relation rules", () => {
  it("give each relation the documented type and strength", () => {
    // docs/coverage.md, "Relations per kind": the table this mirrors.
    expect(relationRules).toEqual({
      boot_volume: { dependencyType: "storage", dependencyStrength: "hard" },
      data_volume: { dependencyType: "storage", dependencyStrength: "soft" },
      in_subnet: { dependencyType: "network", dependencyStrength: "hard" },
      in_network: { dependencyType: "network", dependencyStrength: "critical" },
      network_interface: { dependencyType: "network", dependencyStrength: "hard" },
      security_group: { dependencyType: "security", dependencyStrength: "hard" },
      nat_address: { dependencyType: "network", dependencyStrength: "hard" },
      address_of: { dependencyType: "network", dependencyStrength: "soft" },
      lb_target: { dependencyType: "load_balancer", dependencyStrength: "soft" },
      lb_backend: { dependencyType: "load_balancer", dependencyStrength: "hard" },
      origin_bucket: { dependencyType: "storage", dependencyStrength: "hard" },
      origin_load_balancer: { dependencyType: "load_balancer", dependencyStrength: "hard" },
      group_member: { dependencyType: "load_balancer", dependencyStrength: "soft" },
    });
  });

  it("keep the strongest of two edges to one target, and drop blank targets", () => {
    const list = dependencyList([dependencyOf("data_volume", "vol-1"), dependencyOf("boot_volume", "vol-1"), dependencyOf("in_subnet", " ")]);
    expect(list).toEqual([dependencyOf("boot_volume", "vol-1")]);
  });

  it("keep edges to one target in opposite directions apart", () => {
    const list = dependencyList([dependencyOf("data_volume", "x"), dependencyOf("data_volume", "x", { reverse: true })]);
    expect(list).toHaveLength(2);
  });

  it("name origins only when they are ours", () => {
    expect(originDependency("b.s3.amazonaws.com")).toEqual(dependencyOf("origin_bucket", "b"));
    expect(originDependency("b.s3-website-us-east-1.amazonaws.com")).toEqual(dependencyOf("origin_bucket", "b"));
    expect(originDependency("api.example.com")).toBeNull();
    expect(originDependency(undefined)).toBeNull();
  });
});
