export const USER_CONFIG = Symbol('user.config');
