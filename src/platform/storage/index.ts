export * from './database.js';
export * from './errors.js';
export * from './ids.js';
export { openDatabase } from './open-database.js';
export { MongoDatabase, mongoClientOptions, type MongoDatabaseConfig } from './mongo-database.js';
export {
  EmbeddedDatabase,
  type EmbeddedDatabaseOptions,
  type EmbeddedDatabaseStats,
  type IntegrityReport,
} from './embedded/embedded-database.js';
export { retryOnConflict, updateWithVersion, type Versioned } from './optimistic.js';
