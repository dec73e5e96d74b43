import { SetMetadata } from '@nestjs/common';
import { type Role } from '../roles';

export const REQUIRED_ROLES = Symbol('shop.auth.roles');

/** The route needs one of these roles, on top of a valid token. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_ROLES, roles);
