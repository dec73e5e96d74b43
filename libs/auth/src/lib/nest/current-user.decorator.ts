import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type AuthenticatedUser } from '../authenticated-user';
import { type AuthenticatedRequest } from './jwt-auth.guard';

/** The verified caller of the request: `@CurrentUser() user: AuthenticatedUser`. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser => {
    const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
    // The guard runs first on every non-public route; a public route asking for a user is a bug.
    if (!user) throw new Error('@CurrentUser() on a route without authentication (@Public?)');
    return user;
  },
);
