/**
 * The legacy API gateway: serves AudioShake's legacy job/asset API over any stemkit driver, so legacy clients
 * keep working ({@link createGateway}, {@link startGateway}, the `stemkit gateway` command), with its state in
 * a file or PostgreSQL. Its own entry, so the migration tools load none of it.
 *
 * @packageDocumentation
 */

export { GATEWAY_HELP, runGatewayCommand } from '../commands/gateway.ts';
export { createGateway, type Gateway } from './app.ts';
export type { GatewayOptions } from './options.ts';
export type { NetworkAccess } from './outbound.ts';
export { type PostgresGatewayStore, postgresGatewayStore } from './postgres-store.ts';
export { type RunningGateway, type StartGatewayOptions, startGateway } from './server.ts';
export {
  fileGatewayStore,
  type GatewayAsset,
  type GatewayJob,
  type GatewayStore,
  type LegacyStatus,
  memoryGatewayStore,
} from './store.ts';
