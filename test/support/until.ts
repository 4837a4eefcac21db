/** Resolves once `predicate` holds, polling every `everyMs`; rejects after `timeoutMs`. */
export function until(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = async () => {
      if (await predicate()) return resolve();
      if (Date.now() > deadline) return reject(new Error('condition not met in time'));
      setTimeout(() => void tick(), everyMs);
    };
    void tick();
  });
}
