import { z } from 'zod';

/** Money as integer minor units (cents) and an ISO 4217 currency code; never a float. */
export const moneySchema = z
  .object({
    amount: z.number().int().nonnegative(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
  })
  .strict();

export type Money = z.infer<typeof moneySchema>;
