// The baseline: a bare Fastify route answering the same JSON as the app's /health/live.
import { fastify } from 'fastify';

const app = fastify({ logger: false });
app.get('/health/live', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
