/** Marks a skipped test's title with its reason; `npm test` accepts only skips that carry it. */
export const DECLARED_SKIP_MARKER = '[skipped: ';

/**
 * A test that needs something the current servers may not offer (e.g. a real
 * `mongod` rather than FerretDB). When `requirement.met` is false the test is
 * skipped with `requirement.reason` in its title, and `npm test` lists it as a
 * declared skip instead of failing on it. Never use it to hide a failing test:
 * the reason must name a missing capability of the environment.
 */
export function itWhen(
  requirement: { met: boolean; reason: string },
  name: string,
  fn: () => Promise<unknown>,
  timeout?: number,
): void {
  if (requirement.met) {
    it(name, fn, timeout);
  } else {
    it.skip(`${name} ${DECLARED_SKIP_MARKER}${requirement.reason}]`, fn, timeout);
  }
}
