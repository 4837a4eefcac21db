import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { routeTable } from '../lib/service-stack.js';
import { synthApp, templateOf } from './app.js';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

describe('the service stack', () => {
  it('routes exactly what routes.json lists, with the JWT authorizer on every route but the public ones', () => {
    const template = templateOf('dev', 'service');
    const routes = Object.values(
      template.findResources('AWS::ApiGatewayV2::Route') as Resources,
    ).map((r) => ({
      key: r.Properties.RouteKey as string,
      authorized: r.Properties.AuthorizationType === 'JWT',
    }));
    const expected = routeTable().routes.map((r) => ({
      key: `${r.method} ${r.path}`,
      authorized: r.class !== 'public',
    }));
    const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
    expect(routes.sort(byKey)).toEqual(expected.sort(byKey));
    expect(
      template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: '$default' } }),
    ).toEqual({});
  });

  it('sets the edge header on the integration every route uses, through the VPC link', () => {
    const template = templateOf('dev', 'service');
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      ConnectionType: 'VPC_LINK',
      IntegrationType: 'HTTP_PROXY',
      RequestParameters: { [`overwrite:header.${routeTable().edgeHeader}`]: 'api-gateway' },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
  });

  it('guards the private ALB, which every API request reaches, with AWS WAF and its managed rules, logging no credential and no query string', () => {
    const template = templateOf('prod', 'service');
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({ Name: 'AWSManagedRulesCommonRuleSet' }),
          },
        }),
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({ Name: 'AWSManagedRulesSQLiRuleSet' }),
          },
        }),
      ]),
    });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: Match.stringLikeRegexp('^Alb') },
    });
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: [
        { SingleHeader: { Name: 'authorization' } },
        { SingleHeader: { Name: 'cookie' } },
        { QueryString: {} },
      ],
    });
  });

  it('gives a task the secrets and settings of the providers its environment turns on, and no others', () => {
    const containerOf = (template: Template, command: string) =>
      Object.values(template.findResources('AWS::ECS::TaskDefinition') as Resources)
        .map((t) => (t.Properties.ContainerDefinitions as Array<Record<string, unknown>>)[0]!)
        .find((c) => JSON.stringify(c.Command).includes(command))!;
    const names = (container: Record<string, unknown>, field: 'Secrets' | 'Environment') =>
      ((container[field] ?? []) as Array<{ Name: string }>).map((v) => v.Name).sort();

    const bare = containerOf(templateOf('dev', 'service'), 'dist/main.js');
    expect(names(bare, 'Secrets')).toEqual([
      'LEGACY_AUTH_HASH_CONFIG',
      'MONGODB_PASSWORD',
      'MONGODB_USERNAME',
    ]);
    expect(names(bare, 'Environment')).not.toContain('POPBILL_CORP_NUM');
    expect(bare.Environment).toEqual(
      expect.arrayContaining([{ Name: 'MIGRATION_ENABLED', Value: 'false' }]),
    );

    const settings = {
      popbill: {
        corpNum: '1234567890',
        senderNumber: '0212345678',
        kakaoChannel: '@workmatch',
        testBed: true,
      },
      identity: {
        providers: ['nice'],
        callbackUrl: 'https://api.dev.workmatch.kr/identity-verifications/callback',
        returnOrigins: ['https://app.dev.workmatch.kr'],
      },
      nts: true,
      migration: { projectId: 'legacy-app' },
    };
    const { stacks } = synthApp({
      only: ['dev'],
      context: { 'settings:dev': JSON.stringify(settings) },
    });
    const api = containerOf(Template.fromStack(stacks.dev!.service), 'dist/main.js');
    expect(names(api, 'Secrets')).toEqual([
      'LEGACY_AUTH_HASH_CONFIG',
      'MIGRATION_FIRESTORE_CREDENTIALS',
      'MONGODB_PASSWORD',
      'MONGODB_USERNAME',
      'NICE_CLIENT_ID',
      'NICE_CLIENT_SECRET',
      'NICE_PRODUCT_ID',
      'NTS_SERVICE_KEY',
      'POPBILL_LINK_ID',
      'POPBILL_SECRET_KEY',
    ]);
    expect(api.Environment).toEqual(
      expect.arrayContaining([
        { Name: 'POPBILL_SERVICE_ID', Value: 'POPBILL_TEST' },
        { Name: 'IDENTITY_PROVIDERS', Value: 'nice' },
        { Name: 'IDENTITY_RETURN_ORIGINS', Value: 'https://app.dev.workmatch.kr' },
        { Name: 'MIGRATION_SOURCE', Value: 'live' },
        { Name: 'MIGRATION_FIRESTORE_PROJECT_ID', Value: 'legacy-app' },
      ]),
    );
  });

  it('runs ClamAV beside the API only: the API starts once clamd is healthy and scans through the task’s loopback', () => {
    for (const env of ['dev', 'prod'] as const) {
      const tasks = Object.values(
        templateOf(env, 'service').findResources('AWS::ECS::TaskDefinition') as Resources,
      );
      const containersOf = (task: Resources[string]) =>
        task.Properties.ContainerDefinitions as Array<Record<string, unknown>>;
      const apiTask = tasks.find((t) =>
        JSON.stringify(containersOf(t)[0]!.Command).includes('dist/main.js'),
      )!;
      const [api, clamav, ...others] = containersOf(apiTask);
      expect(others).toEqual([]);
      expect(clamav).toMatchObject({
        Name: 'clamav',
        Image: 'clamav/clamav-debian:1.4',
        Essential: true,
        HealthCheck: expect.objectContaining({ Command: ['CMD', 'clamdcheck.sh'] }),
      });
      // No port mapping: clamd is reached on the task's loopback, never through the network.
      expect(clamav!.PortMappings).toBeUndefined();
      expect(api!.DependsOn).toEqual([{ ContainerName: 'clamav', Condition: 'HEALTHY' }]);
      expect(api!.Environment).toEqual(
        expect.arrayContaining([
          { Name: 'VIRUS_SCANNER', Value: 'clamd' },
          { Name: 'CLAMD_HOST', Value: '127.0.0.1' },
          { Name: 'CLAMD_PORT', Value: '3310' },
        ]),
      );
      // The task holds both: the API's share and clamd's (its signatures, twice while reloading).
      expect(Number(apiTask.Properties.Memory)).toBe(Number(api!.Memory) + Number(clamav!.Memory));
      expect(Number(clamav!.Memory)).toBeGreaterThanOrEqual(3072);
      // Every other task (worker, migrate, jobs) scans nothing and runs one container.
      for (const task of tasks.filter((t) => t !== apiTask)) {
        expect(containersOf(task)).toHaveLength(1);
      }
    }
  });

  it('rolls the API in dev, with the circuit breaker and rollback on its alarms', () => {
    templateOf('dev', 'service').hasResourceProperties('AWS::ECS::Service', {
      TaskDefinition: Match.anyValue(),
      DeploymentConfiguration: Match.objectLike({
        Strategy: 'ROLLING',
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        Alarms: Match.objectLike({
          Enable: true,
          Rollback: true,
          AlarmNames: Match.arrayWith([
            Match.objectLike({ Ref: Match.stringLikeRegexp('ApiTarget5xx') }),
          ]),
        }),
      }),
    });
  });

  it('deploys the API blue/green in prod, baking 10 minutes, rolling back on its alarms', () => {
    const template = templateOf('prod', 'service');
    template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({
        Strategy: 'BLUE_GREEN',
        BakeTimeInMinutes: 10,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        Alarms: Match.objectLike({ Enable: true, Rollback: true }),
      }),
      LoadBalancers: [
        Match.objectLike({
          AdvancedConfiguration: Match.objectLike({
            AlternateTargetGroupArn: Match.anyValue(),
            ProductionListenerRule: Match.anyValue(),
            TestListenerRule: Match.anyValue(),
          }),
        }),
      ],
    });
  });

  it('grants KMS on no other statement than these two: the field key by context, the data key through S3 and SQS', () => {
    const template = templateOf('prod', 'service');
    const statements = Object.values(template.findResources('AWS::IAM::Policy') as Resources)
      .filter((p) => /"(api|worker|cli)TaskRole/.test(JSON.stringify(p.Properties.Roles)))
      .flatMap(
        (p) =>
          (p.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement,
      );
    const kms = statements.filter((s) => JSON.stringify(s.Action).includes('kms:'));
    expect(kms.map((s) => s.Sid).sort()).toEqual([
      'DataKeyThroughServices',
      'DataKeyThroughServices',
      'DataKeyThroughServices',
      'FieldDataKeys',
      'FieldDataKeys',
      'FieldDataKeys',
    ]);
    for (const statement of kms.filter((s) => s.Sid === 'DataKeyThroughServices')) {
      expect(statement.Condition).toEqual({
        StringEquals: {
          'kms:ViaService': ['s3.ap-northeast-2.amazonaws.com', 'sqs.ap-northeast-2.amazonaws.com'],
        },
      });
    }
  });

  it('gives every task role the field key for data keys only, under the encryption context the app uses', () => {
    const template = templateOf('dev', 'service');
    const policies = Object.values(template.findResources('AWS::IAM::Policy') as Resources);
    const fieldKeyStatements = policies
      .flatMap(
        (p) =>
          (p.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement,
      )
      .filter((s) => s.Sid === 'FieldDataKeys');
    expect(fieldKeyStatements.length).toBeGreaterThanOrEqual(3);
    for (const statement of fieldKeyStatements) {
      expect(statement).toMatchObject({
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Condition: {
          StringEquals: { 'kms:EncryptionContext:purpose': 'workmatch field data key' },
        },
      });
    }
  });

  it('lets each task call the Cognito admin operations its code sends, on the pool only', () => {
    const template = templateOf('prod', 'service');
    const cognito = (role: string) =>
      Object.values(template.findResources('AWS::IAM::Policy') as Resources)
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(`${role}TaskRole`))
        .flatMap(
          (p) =>
            (p.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> })
              .Statement,
        )
        .filter((s) => JSON.stringify(s.Action).includes('cognito-idp:'))
        .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]) as string[])
        .sort();
    // The API (src/modules/auth/aws-cognito-auth.ts): AdminGetUser for a user's attributes,
    // AdminAddUserToGroup for a new member's role, AdminListGroupsForUser at confirmation,
    // AdminDeleteUser for an account deleted (and a sign-up left without its role),
    // AdminDisableUser and AdminEnableUser for staff's blocks.
    expect(cognito('api')).toEqual([
      'cognito-idp:AdminAddUserToGroup',
      'cognito-idp:AdminDeleteUser',
      'cognito-idp:AdminDisableUser',
      'cognito-idp:AdminEnableUser',
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminListGroupsForUser',
    ]);
    // `cli members create-staff`.
    expect(cognito('cli')).toEqual([
      'cognito-idp:AdminAddUserToGroup',
      'cognito-idp:AdminCreateUser',
    ]);
    expect(cognito('worker')).toEqual([]);
  });
});
