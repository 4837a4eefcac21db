import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthApp } from './app.js';

type Stage = {
  Name: string;
  Actions: Array<{ Name: string; RunOrder?: number; ActionTypeId: { Provider: string } }>;
};

describe('the pipeline', () => {
  const { pipeline } = synthApp();
  const template = Template.fromStack(pipeline!);
  const stages = () =>
    (
      Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0]!.Properties as {
        Stages: Stage[];
      }
    ).Stages;
  const actionsOf = (name: string) =>
    stages()
      .find((s) => s.Name === name)!
      .Actions.map((a) => `${a.RunOrder ?? 1} ${a.ActionTypeId.Provider} ${a.Name}`)
      .sort();

  it('is a V2 pipeline: Git, then the checks and the image, then dev, then prod', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', { PipelineType: 'V2' });
    expect(stages().map((s) => s.Name)).toEqual(['Source', 'Build', 'dev', 'prod']);
    expect(actionsOf('Source')).toEqual(['1 CodeStarSourceConnection Git']);
  });

  it('migrates the database before it updates the services, in each environment', () => {
    expect(actionsOf('dev')).toEqual([
      '2 CodeBuild DbMigrate',
      '3 ECS Deploy-api',
      '3 ECS Deploy-worker',
    ]);
  });

  it('asks a person before prod', () => {
    expect(actionsOf('prod')).toEqual([
      '1 Manual Approve',
      '2 CodeBuild DbMigrate',
      '3 ECS Deploy-api',
      '3 ECS Deploy-worker',
    ]);
  });

  it('runs .ci/run in the build, and pushes one image to both repositories', () => {
    const specs = Object.values(template.findResources('AWS::CodeBuild::Project')).map(
      (p) => (p.Properties as { Source: { BuildSpec: string } }).Source.BuildSpec,
    );
    const build = specs.find((s) => s.includes('.ci/run'))!;
    expect(build).toContain('docker push \\"$DEV_REPOSITORY:$TAG\\"');
    expect(build).toContain('docker push \\"$PROD_REPOSITORY:$TAG\\"');
  });
});
