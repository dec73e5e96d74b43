export { type AuthenticatedUser } from './lib/authenticated-user';
export { isRole, type Role, ROLES } from './lib/roles';
export { InvalidTokenError, type InvalidTokenReason } from './lib/verification/invalid-token.error';
export { JwtVerifier, type JwtVerifierOptions } from './lib/verification/jwt-verifier';
export { IS_PUBLIC, Public, REQUIRED_ROLES, Roles } from './lib/nest/auth-metadata';
export { CurrentUser } from './lib/nest/current-user.decorator';
export { type AuthenticatedRequest, JwtAuthGuard } from './lib/nest/jwt-auth.guard';
export { RolesGuard } from './lib/nest/roles.guard';
export { AuthModule, type AuthModuleAsyncOptions } from './lib/nest/auth.module';
