import { Body, Controller, HttpCode, HttpStatus, Ip, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, Public } from '@shop/auth';
import { LogInHandler } from '../../application/log-in/log-in.handler';
import { LogOutHandler } from '../../application/log-out/log-out.handler';
import { RefreshSessionHandler } from '../../application/refresh-session/refresh-session.handler';
import { RegisterCustomerHandler } from '../../application/register-customer/register-customer.handler';
import { type SessionTokens } from '../../infrastructure/security/session-tokens.issuer';
import { LogInRequest } from './dto/log-in.request';
import { RefreshTokenRequest } from './dto/refresh-token.request';
import { RegisterRequest } from './dto/register.request';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly registerCustomer: RegisterCustomerHandler,
    private readonly logIn: LogInHandler,
    private readonly refreshSession: RefreshSessionHandler,
    private readonly logOut: LogOutHandler,
  ) {}

  @Public()
  @Post('register')
  register(@Body() request: RegisterRequest): Promise<{ id: string; email: string }> {
    return this.registerCustomer.execute(request);
  }

  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ description: 'A session: an access token and a refresh token' })
  @ApiUnauthorizedResponse({
    description: 'invalid-credentials: a wrong password and an unknown email alike',
  })
  @ApiTooManyRequestsResponse({
    description:
      'too-many-login-attempts: this client address must wait before its next attempt at this account (after three), or at any (after 30 in 15 minutes), even with the right password; other addresses are not held',
    headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } },
  })
  login(@Body() request: LogInRequest, @Ip() clientAddress: string): Promise<SessionTokens> {
    return this.logIn.execute({ ...request, clientAddress });
  }

  @Public()
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ description: 'A new pair; the refresh token presented is spent' })
  @ApiUnauthorizedResponse({
    description:
      'invalid-refresh-token: unknown, spent (the session is then revoked), revoked, expired, or the session reached its maximum lifetime (AUTH_SESSION_MAX_DAYS after its login)',
  })
  refresh(@Body() request: RefreshTokenRequest): Promise<SessionTokens> {
    return this.refreshSession.execute(request);
  }

  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  logout(
    @CurrentUser() user: AuthenticatedUser,
    @Body() request: RefreshTokenRequest,
  ): Promise<void> {
    return this.logOut.execute({ userId: user.id, refreshToken: request.refreshToken });
  }
}
