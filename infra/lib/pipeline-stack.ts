import { type CfnElement, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct, IConstruct } from 'constructs';
import { acknowledge } from './acknowledge.js';
import { allowLogsService } from './keys-stack.js';
import type { EnvironmentName } from './environments.js';
import type { NetworkStack } from './network-stack.js';
import type { ServiceStack } from './service-stack.js';

export interface PipelineSource {
  /** The CodeStar (CodeConnections) connection to the Git host, made once in the console. */
  connectionArn: string;
  owner: string;
  repo: string;
  branch: string;
}

interface Target {
  name: EnvironmentName;
  service: ServiceStack;
  network: NetworkStack;
}

/**
 * CodePipeline (V2): the Git source; one CodeBuild build that runs `.ci/run`'s checks and builds
 * and pushes the image (tagged with the commit) to both environments' repositories; then dev:
 * `db migrate` as a one-off task, and the API and worker updated (ECS rolls them, with the
 * circuit breaker and alarm rollback); a manual approval; then prod the same way, where ECS's
 * built-in blue/green shifts the traffic and rolls back on the alarms (docs/deploy.md says why
 * built-in rather than CodeDeploy).
 */
export class PipelineStack extends Stack {
  readonly pipeline: codepipeline.Pipeline;

  constructor(
    scope: Construct,
    id: string,
    deps: { source: PipelineSource; dev: Target; prod: Target },
    props: StackProps = {},
  ) {
    super(scope, id, props);
    const key = new kms.Key(this, 'ArtifactsKey', {
      description: 'workmatch pipeline artifacts and build logs',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const accessLogs = new s3.Bucket(this, 'ArtifactsAccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(731) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      accessLogs,
      'IsmsP-CustomerManagedKeyAtRest',
      'S3 server access logs can only be delivered to a bucket encrypted with SSE-S3; it holds request logs of the artifact bucket only.',
    );
    const artifacts = new s3.Bucket(this, 'Artifacts', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      lifecycleRules: [
        { expiration: Duration.days(90), noncurrentVersionExpiration: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const buildLogs = new logs.LogGroup(this, 'BuildLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    allowLogsService(key);

    const sourceOutput = new codepipeline.Artifact('Source');
    const imageOutput = new codepipeline.Artifact('Images');
    const { dev, prod } = deps;
    const repositories = [dev, prod].map((t) => t.service.repository);

    const build = new codebuild.PipelineProject(this, 'Build', {
      description:
        '.ci/run, then the image, pushed to both repositories with the commit as its tag',
      encryptionKey: key,
      environment: {
        buildImage: codebuild.LinuxArmBuildImage.AMAZON_LINUX_2_STANDARD_3_0,
        computeType: codebuild.ComputeType.LARGE,
        // `docker build` needs the Docker daemon.
        privileged: true,
      },
      environmentVariables: {
        DEV_REPOSITORY: { value: dev.service.repository.repositoryUri },
        PROD_REPOSITORY: { value: prod.service.repository.repositoryUri },
      },
      logging: { cloudWatch: { logGroup: buildLogs } },
      timeout: Duration.minutes(90),
      buildSpec: codebuild.BuildSpec.fromObject({
        version: '0.2',
        phases: {
          install: { 'runtime-versions': { nodejs: 20 } },
          pre_build: {
            commands: [
              'bash .ci/run',
              'TAG=$CODEBUILD_RESOLVED_SOURCE_VERSION',
              'aws ecr get-login-password | docker login --username AWS --password-stdin ${DEV_REPOSITORY%%/*}',
            ],
          },
          build: {
            commands: [
              'docker build --platform linux/arm64 -t "$DEV_REPOSITORY:$TAG" .',
              'docker tag "$DEV_REPOSITORY:$TAG" "$PROD_REPOSITORY:$TAG"',
              'docker push "$DEV_REPOSITORY:$TAG"',
              'docker push "$PROD_REPOSITORY:$TAG"',
            ],
          },
          post_build: {
            commands: [
              'for env in dev prod; do repo=$([ "$env" = dev ] && echo "$DEV_REPOSITORY" || echo "$PROD_REPOSITORY");' +
                ' for c in api worker; do printf \'[{"name":"%s","imageUri":"%s"}]\' "$c" "$repo:$TAG" > "images-$env-$c.json"; done;' +
                ' printf \'%s\' "$repo:$TAG" > "image-$env.txt"; done',
            ],
          },
        },
        artifacts: { files: ['images-*.json', 'image-*.txt'] },
      }),
    });
    for (const repository of repositories) repository.grantPullPush(build);

    const stageOf = (target: Target, approval: boolean): codepipeline.StageProps => {
      const migrate = this.migrateProject(target, key, buildLogs);
      return {
        stageName: target.name,
        actions: [
          ...(approval
            ? [
                new actions.ManualApprovalAction({
                  actionName: 'Approve',
                  runOrder: 1,
                  additionalInformation: 'dev is healthy: promote this commit to prod?',
                }),
              ]
            : []),
          new actions.CodeBuildAction({
            actionName: 'DbMigrate',
            project: migrate,
            input: sourceOutput,
            extraInputs: [imageOutput],
            runOrder: 2,
          }),
          ...(['api', 'worker'] as const).map(
            (container) =>
              new actions.EcsDeployAction({
                actionName: `Deploy-${container}`,
                service: container === 'api' ? target.service.api : target.service.worker,
                imageFile: imageOutput.atPath(`images-${target.name}-${container}.json`),
                deploymentTimeout: Duration.minutes(60),
                runOrder: 3,
              }),
          ),
        ],
      };
    };

    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: 'workmatch',
      pipelineType: codepipeline.PipelineType.V2,
      artifactBucket: artifacts,
      restartExecutionOnUpdate: false,
      stages: [
        {
          stageName: 'Source',
          actions: [
            new actions.CodeStarConnectionsSourceAction({
              actionName: 'Git',
              connectionArn: deps.source.connectionArn,
              owner: deps.source.owner,
              repo: deps.source.repo,
              branch: deps.source.branch,
              output: sourceOutput,
              codeBuildCloneOutput: true,
            }),
          ],
        },
        {
          stageName: 'Build',
          actions: [
            new actions.CodeBuildAction({
              actionName: 'ChecksAndImage',
              project: build,
              input: sourceOutput,
              outputs: [imageOutput],
            }),
          ],
        },
        stageOf(dev, false),
        stageOf(prod, true),
      ],
    });
    this.acknowledgeGrants(build, artifacts);
  }

  /**
   * The wildcards of the policies CodePipeline and CodeBuild make for themselves: read and write
   * of this pipeline's artifacts (its bucket and key), each project's own log group and report
   * groups, and the ECS calls that have no resource-level permissions.
   */
  private acknowledgeGrants(build: codebuild.PipelineProject, artifacts: s3.Bucket): void {
    const logicalId = (construct: IConstruct) =>
      this.getLogicalId(construct.node.defaultChild as CfnElement);
    const artifactActions = [
      'kms:GenerateDataKey*',
      'kms:ReEncrypt*',
      's3:Abort*',
      's3:DeleteObject*',
      's3:GetBucket*',
      's3:GetObject*',
      's3:List*',
    ];
    const projects = [build, ...this.#migrations.map((m) => m.project)];
    for (const owner of [...projects, this.pipeline]) {
      for (const action of artifactActions) {
        acknowledge(
          owner,
          `AwsSolutions-IAM5[Action::${action}]`,
          "CDK's grant on this pipeline's artifact bucket and its key: reading and writing the pipeline's own artifacts.",
        );
      }
      acknowledge(
        owner,
        `AwsSolutions-IAM5[Resource::<${logicalId(artifacts)}.Arn>/*]`,
        "The objects of this pipeline's artifact bucket.",
      );
      acknowledge(
        owner,
        'AwsSolutions-IAM5[Resource::*]',
        "ECS task definition registration and description (and the deploy action's service description) have no resource-level permissions.",
      );
    }
    for (const project of projects) {
      const where = `arn:<AWS::Partition>:codebuild:${this.region}:${this.account}`;
      acknowledge(
        project,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${this.region}:${this.account}:log-group:/aws/codebuild/<${logicalId(project)}>:*]`,
        "The project's own default log group and its streams (CodeBuild's grant).",
      );
      acknowledge(
        project,
        `AwsSolutions-IAM5[Resource::${where}:report-group/<${logicalId(project)}>-*]`,
        "The project's own test report groups (CodeBuild's grant).",
      );
    }
    for (const { project, name } of this.#migrations) {
      acknowledge(
        project,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:${this.region}:${this.account}:task-definition/workmatch-${name}-migrate:*]`,
        'Every revision of the migrate task definition: the step registers a new one with the release image and runs it.',
      );
      acknowledge(
        project,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:${this.region}:${this.account}:task/workmatch-${name}/*]`,
        'The tasks of its own cluster: the step waits for the migrate task it started, whose ARN exists only once started.',
      );
    }
  }

  readonly #migrations: Array<{ project: codebuild.PipelineProject; name: EnvironmentName }> = [];

  /** `db migrate` for one environment: infra/scripts/run-migrate.sh with the release's image. */
  private migrateProject(
    target: Target,
    key: kms.IKey,
    buildLogs: logs.ILogGroup,
  ): codebuild.PipelineProject {
    const { service, network } = target;
    // By name (service-stack.ts names the cluster so), for a policy a reviewer can read.
    const clusterName = `workmatch-${target.name}`;
    const project = new codebuild.PipelineProject(this, `Migrate-${target.name}`, {
      description: `db migrate in ${target.name}, before the release serves traffic`,
      encryptionKey: key,
      environment: { buildImage: codebuild.LinuxArmBuildImage.AMAZON_LINUX_2_STANDARD_3_0 },
      logging: { cloudWatch: { logGroup: buildLogs } },
      timeout: Duration.minutes(30),
      environmentVariables: {
        CLUSTER: { value: clusterName },
        FAMILY: { value: service.migrateTask.family },
        SUBNETS: {
          value: network.vpc
            .selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS })
            .subnetIds.join(','),
        },
        SECURITY_GROUP: { value: network.appSecurityGroup.securityGroupId },
      },
      buildSpec: codebuild.BuildSpec.fromObject({
        version: '0.2',
        phases: {
          build: {
            commands: [
              `IMAGE=$(cat "$CODEBUILD_SRC_DIR_Images/image-${target.name}.txt")`,
              'bash infra/scripts/run-migrate.sh "$CLUSTER" "$FAMILY" "$IMAGE" "$SUBNETS" "$SECURITY_GROUP"',
            ],
          },
        },
      }),
    });
    const task = service.migrateTask;
    project.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'RegisterAndRunMigrate',
        actions: ['ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition'],
        // Neither action has resource-level permissions.
        resources: ['*'],
      }),
    );
    project.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'RunMigrate',
        actions: ['ecs:RunTask'],
        resources: [
          `arn:${this.partition}:ecs:${this.region}:${this.account}:task-definition/${task.family}:*`,
        ],
      }),
    );
    project.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'WatchMigrate',
        actions: ['ecs:DescribeTasks'],
        resources: [
          `arn:${this.partition}:ecs:${this.region}:${this.account}:task/${clusterName}/*`,
        ],
      }),
    );
    project.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PassMigrateRoles',
        actions: ['iam:PassRole'],
        resources: [task.taskRole.roleArn, task.executionRole!.roleArn],
      }),
    );
    this.#migrations.push({ project, name: target.name });
    return project;
  }
}
