import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges a cdk-nag finding on one construct (and what it contains), with the reason a
 * reviewer reads in the validation report. Only ever on the construct the finding is about; an
 * IAM5 finding names its action or resource pattern (`AwsSolutions-IAM5[Resource::…]`).
 */
export function acknowledge(construct: IConstruct, id: string, reason: string): void {
  Validations.of(construct).acknowledge({ id, reason });
}
