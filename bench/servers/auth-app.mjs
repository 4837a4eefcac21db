// The whole app plus one member route, trusting the benchmark's signing key (it cannot fetch a
// real pool's keys here). BENCH_NO_TOKEN_CACHE=1 turns the verified-token cache off, to show
// what verifying every request costs. BENCH_HAND_PORT also serves the eligibility route's work
// done by hand (eligibility-by-hand.mjs) on that port. Decorators applied by hand (plain
// JavaScript).
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { pino } from 'pino';
import { loadConfig } from '../../dist/config/config.js';
import { CurrentPrincipal } from '../../dist/platform/auth/current-principal.decorator.js';
import { Member } from '../../dist/platform/auth/route-class.decorator.js';
import { TokenVerifier } from '../../dist/platform/auth/token-verifier.js';
import { createApiApp } from '../../dist/create-api-app.js';
import { baseOptions } from '../../dist/platform/logging/logger.js';

class MeController {
  me(principal) {
    return { sub: principal.sub, groups: principal.groups };
  }
}
Controller('bench')(MeController);
CurrentPrincipal()(MeController.prototype, 'me', 0);
Member()(
  MeController.prototype,
  'me',
  Object.getOwnPropertyDescriptor(MeController.prototype, 'me'),
);
Get('me')(
  MeController.prototype,
  'me',
  Object.getOwnPropertyDescriptor(MeController.prototype, 'me'),
);
class BenchModule {}
Module({ controllers: [MeController] })(BenchModule);

const config = loadConfig();
const logger = pino(
  baseOptions(config.log.level, 'api'),
  pino.destination({ fd: 1, sync: true, minLength: 8192 }),
);
const app = await createApiApp({ config, logger, modules: [BenchModule] });
const verifier = app.get(TokenVerifier);
verifier.trustKeySet(JSON.parse(process.env.BENCH_JWKS));
if (process.env.BENCH_NO_TOKEN_CACHE === '1') verifier.cached = () => undefined;
await app.listen({ port: config.http.port, host: '127.0.0.1' });
const hand = process.env.BENCH_HAND_PORT
  ? await (
      await import('./eligibility-by-hand.mjs')
    ).listenByHand(app, config, Number(process.env.BENCH_HAND_PORT))
  : undefined;
process.on('SIGTERM', () => Promise.all([app.close(), hand?.close()]).then(() => process.exit(0)));
