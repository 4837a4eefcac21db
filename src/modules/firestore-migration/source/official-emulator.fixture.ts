import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { type FsFields, type FsValue, kindOf } from '../firestore/value.js';

/**
 * Google's own Firestore emulator (the `google-cloud-cli-firestore-emulator` package: a jar and
 * Java), on 127.0.0.1 and a free port, for the specs that run the live source against a server
 * that implements cursors, read times, listCollections and aggregations (it lacks PartitionQuery
 * and does not enforce the retention window). Absent on a machine without the package; the
 * specs then skip and say why.
 *
 * Test support only: imported by specs, never by the application.
 */
const OFFICIAL_EMULATOR =
  '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator';

export function officialEmulatorInstalled(): boolean {
  return existsSync(OFFICIAL_EMULATOR) && existsSync('/usr/bin/java');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface OfficialEmulator {
  host: string;
  /** Writes documents with exactly these values (REST, so `5.0` stays a double). */
  write(projectId: string, docs: { path: string; fields: FsFields }[]): Promise<void>;
  stop(): void;
}

export async function startOfficialEmulator(): Promise<OfficialEmulator> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    OFFICIAL_EMULATOR,
    ['start', '--host=127.0.0.1', `--port=${port}`],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the Firestore emulator did not start')),
      60_000,
    );
    const watch = (chunk: Buffer) => {
      if (chunk.toString().includes('Dev App Server is now running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', watch);
    child.stderr!.on('data', watch);
    child.once('exit', (code) => reject(new Error(`the Firestore emulator exited (${code})`)));
  });
  const host = `127.0.0.1:${port}`;
  return {
    host,
    async write(projectId, docs) {
      const root = `projects/${projectId}/databases/(default)/documents`;
      const response = await fetch(`http://${host}/v1/${root}:commit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer owner' },
        body: JSON.stringify({
          writes: docs.map((doc) => ({
            update: { name: `${root}/${doc.path}`, fields: restFields(doc.fields, root) },
          })),
        }),
      });
      if (!response.ok)
        throw new Error(`commit failed: ${response.status} ${await response.text()}`);
    },
    stop() {
      // The script starts java as its child: end the whole group we started.
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    },
  };
}

/** Canonical → Firestore's REST (proto3 JSON) values, every number exact. */
function restFields(fields: FsFields, root: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) out[key] = restValue(fields[key]!, root);
  return out;
}

function restDouble(v: number): string {
  // Strings keep NaN, ±Infinity and -0 (JSON numbers cannot); the server parses them as doubles.
  return Object.is(v, -0) ? '-0' : String(v);
}

function restValue(value: FsValue, root: string): unknown {
  switch (kindOf(value)) {
    case 'null':
      return { nullValue: null };
    case 'boolean':
      return { booleanValue: value };
    case 'string':
      return { stringValue: value };
    case 'int':
      return { integerValue: (value as { int: bigint }).int.toString() };
    case 'double':
      return { doubleValue: restDouble((value as { double: number }).double) };
    case 'bytes':
      return { bytesValue: Buffer.from((value as { bytes: Uint8Array }).bytes).toString('base64') };
    case 'timestamp': {
      const { seconds, nanos } = (value as { ts: { seconds: bigint; nanos: number } }).ts;
      const iso = new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, '');
      return { timestampValue: `${iso}.${String(nanos).padStart(9, '0')}Z` };
    }
    case 'geo': {
      const { lat, lng } = (value as { geo: { lat: number; lng: number } }).geo;
      return { geoPointValue: { latitude: lat, longitude: lng } };
    }
    case 'ref':
      return { referenceValue: `${root}/${(value as { ref: string }).ref}` };
    case 'vector':
      return {
        mapValue: {
          fields: {
            __type__: { stringValue: '__vector__' },
            value: {
              arrayValue: {
                values: (value as { vector: number[] }).vector.map((v) => ({
                  doubleValue: restDouble(v),
                })),
              },
            },
          },
        },
      };
    case 'array':
      return { arrayValue: { values: (value as FsValue[]).map((v) => restValue(v, root)) } };
    case 'map':
      return { mapValue: { fields: restFields((value as { map: FsFields }).map, root) } };
  }
}
