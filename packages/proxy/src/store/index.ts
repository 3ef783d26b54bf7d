// The gateway's persistence: the Store interface, its kysely implementation and the SQLite opener.
export type * from './store.js';
export type * from './schema.js';
export { MIGRATION_LOCK_TABLE, MIGRATION_TABLE } from './schema.js';
export { KyselyStore, type KyselyStoreOptions } from './kysely-store.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { migrationProvider, migrations } from './migrations/index.js';
export { StoreConstraintError } from './store-errors.js';
