import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from './environments.js';

/**
 * The VPC over two availability zones: public subnets hold only the NAT gateways (whose Elastic
 * IPs are the fixed egress addresses NICE and Popbill allow), tasks run in private subnets with
 * egress, the database in isolated ones. Interface endpoints keep AWS API traffic off the NAT.
 * The tasks' security group is made here, so the database can admit it without a cycle between
 * the data and service stacks.
 */
export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly appSecurityGroup: ec2.SecurityGroup;

  constructor(
    scope: Construct,
    id: string,
    config: EnvironmentConfig,
    keys: { logsKey: kms.IKey },
    props: StackProps = {},
  ) {
    super(scope, id, props);
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: keys.logsKey,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      maxAzs: 2,
      natGateways: config.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      restrictDefaultSecurityGroup: true,
      flowLogs: {
        all: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    const endpoints = {
      Ecr: ec2.InterfaceVpcEndpointAwsService.ECR,
      EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
      Sqs: ec2.InterfaceVpcEndpointAwsService.SQS,
      Kms: ec2.InterfaceVpcEndpointAwsService.KMS,
      SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    };
    this.appSecurityGroup = new ec2.SecurityGroup(this, 'AppTasks', {
      vpc: this.vpc,
      description: 'workmatch API, worker and CLI tasks, and the Cognito trigger',
      allowAllOutbound: true,
    });
    // The endpoints answer the app's tasks only, not the whole VPC.
    const endpointAccess = new ec2.SecurityGroup(this, 'EndpointAccess', {
      vpc: this.vpc,
      description: 'workmatch interface endpoints: HTTPS from the app tasks',
      allowAllOutbound: false,
    });
    endpointAccess.addIngressRule(this.appSecurityGroup, ec2.Port.tcp(443), 'the app tasks');
    for (const [name, service] of config.interfaceEndpoints ? Object.entries(endpoints) : []) {
      this.vpc.addInterfaceEndpoint(name, {
        service,
        subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [endpointAccess],
        open: false,
      });
    }
  }
}
