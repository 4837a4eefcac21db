export * from './database.js';
export * from './errors.js';
export * from './ids.js';
export { MongoDatabase } from './mongo-database.js';
export { EmbeddedDatabase } from './embedded/embedded-database.js';
export { retryOnConflict, updateWithVersion } from './optimistic.js';
