import { expect } from 'vitest';
import { callApi, type TestApi } from './test-api.js';

/** What `POST /files` answers: the pending file and its presigned POST policy. */
export interface StartedUpload {
  file: { id: string; status: string };
  upload: { url: string; fields: Record<string, string> };
}

/** `POST /files` for a member, expecting 201. */
export async function startUpload(
  api: TestApi,
  token: string,
  kind: string,
  contentType: string,
  bytes: number,
): Promise<StartedUpload> {
  const response = await callApi(api, 'POST', '/files', token, { kind, contentType, bytes });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as StartedUpload;
}

/** The browser's part: a multipart POST of the policy's fields, then the file. */
export async function uploadBytes(
  started: StartedUpload,
  bytes: Buffer,
  contentType: string,
): Promise<void> {
  const form = new FormData();
  for (const [name, value] of Object.entries(started.upload.fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: contentType }), 'upload');
  const response = await fetch(started.upload.url, { method: 'POST', body: form });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
}
