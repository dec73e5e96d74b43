/**
 * An email as the system compares it: trimmed and lower-cased, so that
 * Ada@Example.test and ada@example.test are one account.
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
