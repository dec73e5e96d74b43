/** The five apps, their default ports and the order they start in. */
export const APP_NAMES = ['user', 'catalog', 'payment', 'order', 'gateway'] as const;

export type AppName = (typeof APP_NAMES)[number];

export const DEFAULT_PORTS: Readonly<Record<AppName, number>> = {
  gateway: 3000,
  user: 3001,
  catalog: 3002,
  order: 3003,
  payment: 3004,
};

/**
 * Each wave starts when the one before it is ready: every service verifies
 * tokens against the user service's JWKS; the order service calls user and
 * catalog; the gateway is ready only when every service is.
 */
export const START_WAVES: readonly (readonly AppName[])[] = [
  ['user'],
  ['catalog', 'payment'],
  ['order'],
  ['gateway'],
];

/** The one-shot jobs that prepare each store, run before the apps start (idempotent). */
export const PREPARE_JOBS: readonly { app: AppName; entry: 'migrate' | 'seed' }[] = [
  { app: 'user', entry: 'migrate' },
  { app: 'order', entry: 'migrate' },
  { app: 'payment', entry: 'migrate' },
  { app: 'catalog', entry: 'seed' },
];
