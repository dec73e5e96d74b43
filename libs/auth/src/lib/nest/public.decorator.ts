import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = Symbol('shop.auth.public');

/** The route needs no token (register, login, product reads, health). Everything else does. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
