import { MESSAGING_MIGRATIONS } from '@shop/messaging';
import { CreatePayments1764201604000 } from './migrations/1764201604000-create-payments.migration';
import { CreateFakeProviderOperations1764201604100 } from './migrations/1764201604100-create-fake-provider-operations.migration';

export const PAYMENT_MIGRATIONS = [
  ...MESSAGING_MIGRATIONS,
  CreatePayments1764201604000,
  CreateFakeProviderOperations1764201604100,
];
