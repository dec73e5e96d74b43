import { SetMetadata } from '@nestjs/common';
import { type Role } from '../roles';

export const IS_PUBLIC = Symbol('shop.auth.public');
export const REQUIRED_ROLES = Symbol('shop.auth.roles');

/** The route needs no token (register, login, product reads, health). Everything else does. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** The route needs one of these roles, on top of a valid token. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_ROLES, roles);
