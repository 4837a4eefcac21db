import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLambdaInvokeServer, type LambdaInvokeServer } from '../../src/local/lambda-invoke.js';
import { freePort } from '../../src/local/ports.js';

describe('the local Lambda Invoke endpoint', () => {
  let sut: LambdaInvokeServer;
  const logged: string[] = [];

  beforeAll(async () => {
    sut = await startLambdaInvokeServer({
      port: await freePort(),
      functions: {
        echo: (event) => Promise.resolve({ ...(event as object), response: { ok: true } }),
        fails: () => Promise.reject(new Error('Incorrect username or password.')),
      },
      log: (line) => logged.push(line),
    });
  });

  afterAll(async () => {
    await sut?.close();
  });

  const invoke = (name: string, body: string) =>
    fetch(`${sut.url}/2015-03-31/functions/${name}/invocations`, { method: 'POST', body });

  it("answers the function's result as the payload", async () => {
    const response = await invoke('echo', JSON.stringify({ triggerSource: 'X' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-amz-function-error')).toBeNull();
    expect(await response.json()).toEqual({ triggerSource: 'X', response: { ok: true } });
  });

  it('reports a thrown error as Lambda does: 200, x-amz-function-error Unhandled, errorMessage', async () => {
    const response = await invoke('fails', '{"request":{"password":"Secret-1!"}}');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(await response.json()).toEqual({
      errorType: 'Error',
      errorMessage: 'Incorrect username or password.',
    });
    expect(logged.join('\n')).toBe('fails: Error: Incorrect username or password.');
  });

  it('answers ResourceNotFound for an unknown function and 400 for a body that is not JSON', async () => {
    const missing = await invoke('nope', '{}');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    const garbled = await invoke('echo', '{not json');
    expect(garbled.status).toBe(400);
  });
});
