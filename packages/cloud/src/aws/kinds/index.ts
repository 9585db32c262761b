import { autoScalingGroupReader } from "./autoscaling-group.ts";
import { cloudFrontDistributionReader } from "./cloudfront-distribution.ts";
import { dynamoDbTableReader } from "./dynamodb-table.ts";
import { ebsVolumeReader } from "./ebs-volume.ts";
import { ec2InstanceReader } from "./ec2-instance.ts";
import { ecsClusterReader } from "./ecs-cluster.ts";
import { ecsServiceReader } from "./ecs-service.ts";
import { efsFileSystemReader } from "./efs-file-system.ts";
import { eksClusterReader } from "./eks-cluster.ts";
import { elastiCacheClusterReader } from "./elasticache-cluster.ts";
import { elasticIpReader } from "./elastic-ip.ts";
import type { AwsKindReader } from "./kind.ts";
import { lambdaFunctionReader } from "./lambda-function.ts";
import { loadBalancerReader } from "./load-balancer.ts";
import { natGatewayReader } from "./nat-gateway.ts";
import { rdsInstanceReader } from "./rds-instance.ts";
import { redshiftClusterReader } from "./redshift-cluster.ts";
import { s3BucketReader } from "./s3-bucket.ts";
import { securityGroupReader } from "./security-group.ts";
import { subnetReader } from "./subnet.ts";
import { taggedResourceReader } from "./tagged-resource.ts";
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
  eksClusterReader,
  ecsClusterReader,
  ecsServiceReader,
  autoScalingGroupReader,
  elastiCacheClusterReader,
  efsFileSystemReader,
  redshiftClusterReader,
  // Last: every taggable resource no kind above reads (./arn-types.ts says which those are).
  taggedResourceReader,
];
