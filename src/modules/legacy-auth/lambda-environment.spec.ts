import { describe, expect, it } from 'vitest';
import { triggerEnvironment } from './lambda-environment.js';

const event = {
  userPoolId: 'ap-northeast-2_AbCdEf123',
  callerContext: { awsSdkVersion: 'x', clientId: 'client123' },
};

describe('triggerEnvironment', () => {
  it('takes the user pool and app client from the event of the pool that invokes it', () => {
    expect(triggerEnvironment({ APP_MODE: 'aws' }, event)).toEqual({
      APP_MODE: 'aws',
      COGNITO_USER_POOL_ID: 'ap-northeast-2_AbCdEf123',
      COGNITO_CLIENT_ID: 'client123',
    });
  });

  it('keeps what the environment already says, and leaves out a client the event lacks', () => {
    expect(
      triggerEnvironment(
        { COGNITO_USER_POOL_ID: 'given' },
        {
          userPoolId: 'ap-northeast-2_AbCdEf123',
          callerContext: { awsSdkVersion: 'x', clientId: null },
        },
      ),
    ).toEqual({ COGNITO_USER_POOL_ID: 'given' });
  });
});
