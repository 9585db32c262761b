import { cloudFrontDistributionReader } from "./cloudfront-distribution.ts";
import { dynamoDbTableReader } from "./dynamodb-table.ts";
import { ebsVolumeReader } from "./ebs-volume.ts";
import { ec2InstanceReader } from "./ec2-instance.ts";
import { elasticIpReader } from "./elastic-ip.ts";
import type { AwsKindReader } from "./kind.ts";
import { lambdaFunctionReader } from "./lambda-function.ts";
import { loadBalancerReader } from "./load-balancer.ts";
import { natGatewayReader } from "./nat-gateway.ts";
import { rdsInstanceReader } from "./rds-instance.ts";
import { s3BucketReader } from "./s3-bucket.ts";
import { securityGroupReader } from "./security-group.ts";
import { subnetReader } from "./subnet.ts";
import { vpcReader } from "./vpc.ts";

/** Every kind the AWS adapter reads, in the order scopes are scheduled. */
export const awsKindReaders: readonly AwsKindReader[] = [
  ec2InstanceReader,
  ebsVolumeReader,
  vpcReader,
  subnetReader,
  loadBalancerReader,
  rdsInstanceReader,
  s3BucketReader,
  lambdaFunctionReader,
  dynamoDbTableReader,
  cloudFrontDistributionReader,
  securityGroupReader,
  natGatewayReader,
  elasticIpReader,
];
