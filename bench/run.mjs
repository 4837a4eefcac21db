// `npm run bench`: every benchmark, or the ones named (`npm run bench -- http coldstart`).
const ALL = [
  'http',
  'coldstart',
  'storage',
  'auth',
  'crypto',
  'eligibility',
  'eligibility-route',
  'eligibility-latency',
  'legacy-generate',
  'migration',
  'logging',
  'stats',
];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
for (const name of wanted) {
  if (!ALL.includes(name)) {
    console.error(`unknown benchmark ${name}; known: ${ALL.join(', ')}`);
    process.exit(2);
  }
  const module = await import(`./${name}.mjs`);
  await module.run();
}
