// The eligibility route's work done by hand: a bare Fastify route (no Nest router, no guard, no
// validation pipe, no response codec) that makes the same reads through the same repositories
// on the same database client as the app it runs beside, and asks the same engine. The
// `eligibility-route` figure divides the app's route by this one: what our layers cost on a
// route that does real work. Started by auth-app.mjs when BENCH_HAND_PORT is set.
import { AsyncLocalStorage } from 'node:async_hooks';
import { fastify } from 'fastify';
import { WorkerSchedulesRepository } from '../../dist/modules/assignments/worker-schedules.repository.js';
import { BusinessesRepository } from '../../dist/modules/businesses/businesses.repository.js';
import { evaluateEligibility } from '../../dist/modules/eligibility/engine/evaluate.js';
import { ShiftsRepository } from '../../dist/modules/shifts/shifts.repository.js';
import { FieldCipher } from '../../dist/privacy/crypto/field-cipher.js';
import { WorkersRepository } from '../../dist/modules/workers/workers.repository.js';

/**
 * Requests run inside `caching.run(true, ...)` decrypt each field once and then remember it by
 * its ciphertext and binding: the most any cache of decrypted facts could save (a per-request
 * one saves less: this route decrypts one field per request). Lets the bench compare the two
 * paths in one process, on one database connection.
 */
const caching = new AsyncLocalStorage();

function cacheDecryptions(cipher) {
  const seen = new Map();
  const decrypt = cipher.decryptLoading.bind(cipher);
  cipher.decryptLoading = async (ciphertext, binding) => {
    if (!caching.getStore()) return decrypt(ciphertext, binding);
    const key = `${binding.collection}/${binding.field}/${binding.documentId}/${Buffer.from(ciphertext).toString('base64')}`;
    let plaintext = seen.get(key);
    if (plaintext === undefined) {
      plaintext = await decrypt(ciphertext, binding);
      seen.set(key, plaintext);
    }
    return plaintext;
  };
}

/** Listens on `port` beside the Nest `app`, borrowing its repositories (and so its database). */
export async function listenByHand(app, config, port) {
  const get = (type) => app.get(type, { strict: false });
  cacheDecryptions(get(FieldCipher));
  const shifts = get(ShiftsRepository);
  const workers = get(WorkersRepository);
  const businesses = get(BusinessesRepository);
  const schedules = get(WorkerSchedulesRepository);

  const hand = fastify({ logger: false });
  const verdict = async (request, reply) => {
    const { id, workerId } = request.params;
    const shift = await shifts.getById(id);
    if (!shift) return reply.code(404).send({ code: 'shift_not_found' });
    const [facts, business, schedule] = await Promise.all([
      workers.getFacts([workerId]),
      businesses.getFacts(shift.businessId),
      schedules.get(workerId),
    ]);
    const worker = facts.get(workerId);
    if (!worker || !business) return reply.code(404).send({ code: 'not_found' });
    return evaluateEligibility(
      worker,
      shifts.toFacts(shift),
      { now: new Date(), business, schedule: schedule.entries },
      config.eligibility,
    );
  };
  hand.get('/shifts/:id/eligibility/:workerId', (request, reply) =>
    caching.run(false, () => verdict(request, reply)),
  );
  hand.get('/cached/shifts/:id/eligibility/:workerId', (request, reply) =>
    caching.run(true, () => verdict(request, reply)),
  );
  await hand.listen({ port, host: '127.0.0.1' });
  return hand;
}
