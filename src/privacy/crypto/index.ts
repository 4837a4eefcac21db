export * from './blind-index.js';
export * from './data-key-provider.js';
export * from './database-key-ring-store.js';
export * from './field-cipher.js';
export * from './field-decryption.error.js';
export * from './key-ring.js';
export * from './kms-data-key-provider.js';
export * from './open-key-ring.js';
