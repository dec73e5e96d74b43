/**
 * Express's "trust proxy" from a configuration string: `true`/`false`, a hop
 * count (`1`), or addresses and names Express understands (`loopback`,
 * `10.0.0.0/8`, `uniquelocal`). Which hops may set X-Forwarded-For decides
 * which address per-address limits see.
 */
export function trustProxySetting(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  const hops = Number(value);
  return Number.isInteger(hops) ? hops : value;
}
