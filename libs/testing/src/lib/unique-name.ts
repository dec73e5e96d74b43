import { randomBytes } from 'node:crypto';

/**
 * A name no other suite (or parallel run) uses: `t_<label>_<random>`, lower
 * case, [a-z0-9_] only, at most 50 characters (PostgreSQL allows 63, MongoDB
 * database names 63 on FerretDB).
 */
export function uniqueName(label: string): string {
  const clean = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  return `t_${clean.slice(0, 32)}_${randomBytes(5).toString('hex')}`;
}
