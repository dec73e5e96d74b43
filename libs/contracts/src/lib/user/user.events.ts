import { z } from 'zod';
import { defineMessage } from '../envelope/message-definition';
import { Topics } from '../topics';

export const UserRegisteredV1 = defineMessage({
  kind: 'event',
  topic: Topics.userEvents,
  producer: 'user',
  type: 'user.UserRegistered.v1',
  description: 'A customer account was created.',
  schema: z
    .object({
      userId: z.uuid(),
      email: z.email(),
      roles: z.array(z.enum(['customer', 'admin'])).min(1),
    })
    .strict(),
  key: (data) => data.userId,
});
