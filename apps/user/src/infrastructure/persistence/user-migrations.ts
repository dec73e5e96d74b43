import { MESSAGING_MIGRATIONS } from '@shop/messaging';
import { CreateUsers1764201601000 } from './migrations/1764201601000-create-users.migration';

export const USER_MIGRATIONS = [...MESSAGING_MIGRATIONS, CreateUsers1764201601000];
