export * from './access-chain.js';
export * from './access-record.js';
export * from './access-records.js';
export * from './access-review.js';
export * from './access.commands.js';
