import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { EnvironmentName } from '../lib/environments.js';
import { type EnvironmentStacks, workmatchApp } from '../lib/workmatch-app.js';

const CDK_JSON = new URL('../cdk.json', import.meta.url);

/**
 * The app as `cdk synth` builds it (cdk.json's context: the pinned availability zones, the
 * feature flags), without bundling the Lambda (a unit test reads templates, not assets) and
 * without cdk-nag unless asked.
 */
export function synthApp(
  options: { only?: EnvironmentName[]; nag?: boolean; context?: Record<string, unknown> } = {},
) {
  const { context } = JSON.parse(readFileSync(CDK_JSON, 'utf8')) as {
    context: Record<string, unknown>;
  };
  const app = new App({
    context: { ...context, 'aws:cdk:bundling-stacks': [], ...options.context },
  });
  return workmatchApp({ app, nag: options.nag ?? false, only: options.only ?? ['dev', 'prod'] });
}

const cache = new Map<EnvironmentName, EnvironmentStacks>();

/** One environment's stacks, built once per test file. */
function stacksOf(name: EnvironmentName): EnvironmentStacks {
  let stacks = cache.get(name);
  if (!stacks) {
    stacks = synthApp({ only: [name] }).stacks[name]!;
    cache.set(name, stacks);
  }
  return stacks;
}

export function templateOf(name: EnvironmentName, stack: keyof EnvironmentStacks): Template {
  return Template.fromStack(stacksOf(name)[stack]);
}
