import { createRequire } from 'node:module';
import { FirestoreServer } from '@firestore-emulator/server';

/**
 * `@firestore-emulator/server` on 127.0.0.1 and a free port, for the specs that round-trip values
 * through a real server. Its own start() binds 0.0.0.0 on a fixed port, so its gRPC server is
 * bound here instead, with the grpc-js copy the emulator was built against.
 *
 * Test support only: imported by specs, never by the application.
 */
/** The little of grpc-js used here (the emulator's own copy, loaded by path, not ours). */
interface GrpcJs {
  ServerCredentials: { createInsecure(): unknown };
}
interface GrpcServer {
  bindAsync(
    address: string,
    credentials: unknown,
    callback: (error: Error | null, port: number) => void,
  ): void;
}

export async function startFirestoreEmulator(): Promise<{ host: string; stop(): void }> {
  const emulatorRequire = createRequire(
    createRequire(import.meta.url).resolve('@firestore-emulator/server'),
  );
  const grpc = emulatorRequire('@grpc/grpc-js') as GrpcJs;
  const server = new FirestoreServer();
  const grpcServer = (server as unknown as { server: GrpcServer }).server;
  const port = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  return { host: `127.0.0.1:${port}`, stop: () => server.stop() };
}
