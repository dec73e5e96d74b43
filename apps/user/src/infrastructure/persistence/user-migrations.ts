import { MESSAGING_MIGRATIONS } from '@shop/messaging';
import { CreateUsers1764201601000 } from './migrations/1764201601000-create-users.migration';
import { CreateAddresses1764201601100 } from './migrations/1764201601100-create-addresses.migration';
import { CreateLoginThrottles1764201601200 } from './migrations/1764201601200-create-login-throttles.migration';
import { ThrottleLoginsPerAccountAndAddress1764201601300 } from './migrations/1764201601300-throttle-logins-per-account-and-address.migration';
import { AddSessionAbsoluteExpiry1764201601400 } from './migrations/1764201601400-add-session-absolute-expiry.migration';

export const USER_MIGRATIONS = [
  ...MESSAGING_MIGRATIONS,
  CreateUsers1764201601000,
  CreateAddresses1764201601100,
  CreateLoginThrottles1764201601200,
  ThrottleLoginsPerAccountAndAddress1764201601300,
  AddSessionAbsoluteExpiry1764201601400,
];
