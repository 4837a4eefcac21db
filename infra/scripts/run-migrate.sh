#!/usr/bin/env bash
# The pipeline's `db migrate` step, before a release serves traffic: registers a revision of the
# migrate task definition with the release's image, runs it once in the app subnets, waits for it
# and fails the stage unless it exited 0 (docs/deploy.md).
#   run-migrate.sh <cluster> <task definition family> <image URI> <subnets,comma> <security group>
set -euo pipefail
cluster=$1 family=$2 image=$3 subnets=$4 group=$5

definition=$(aws ecs describe-task-definition --task-definition "$family" --query taskDefinition)
revision=$(jq --arg image "$image" '.containerDefinitions[0].image = $image
  | {family, taskRoleArn, executionRoleArn, networkMode, containerDefinitions, volumes,
     requiresCompatibilities, cpu, memory, runtimePlatform}' <<<"$definition" \
  | aws ecs register-task-definition --cli-input-json file:///dev/stdin \
      --query taskDefinition.taskDefinitionArn --output text)
task=$(aws ecs run-task --cluster "$cluster" --task-definition "$revision" --launch-type FARGATE \
  --network-configuration "awsvpcConfiguration={subnets=[$subnets],securityGroups=[$group],assignPublicIp=DISABLED}" \
  --query 'tasks[0].taskArn' --output text)
echo "db migrate: $task ($revision)"
aws ecs wait tasks-stopped --cluster "$cluster" --tasks "$task"
code=$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task" --query 'tasks[0].containers[0].exitCode' --output text)
echo "db migrate exited $code"
test "$code" = 0
