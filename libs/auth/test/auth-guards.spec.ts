import 'reflect-metadata';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TestTokenIssuer } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { type AddressInfo } from 'node:net';
import { type AuthenticatedUser, AuthModule, CurrentUser, Public, Roles } from '../src';

@Controller()
class ProbeController {
  @Public()
  @Get('public')
  open(): { ok: true } {
    return { ok: true };
  }

  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser): { id: string; roles: string[] } {
    return { id: user.id, roles: user.roles };
  }

  @Roles('admin')
  @Get('admin')
  admin(): { ok: true } {
    return { ok: true };
  }
}

describe('AuthModule guards (a real Nest HTTP server)', () => {
  let issuer: TestTokenIssuer;
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRootAsync({
          useFactory: () => ({
            jwksUrl: issuer.jwksUrl,
            issuer: issuer.issuer,
            audience: issuer.audience,
          }),
        }),
      ],
      controllers: [ProbeController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
  });

  const get = (path: string, token?: string) =>
    fetch(`${baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('lets anyone reach a @Public() route', async () => {
    expect((await get('/public')).status).toBe(200);
  });

  it('refuses a route without a token, or with a forged one, with 401', async () => {
    const forged = await issuer.forge({ sub: randomUUID(), roles: ['admin'] });

    expect((await get('/me')).status).toBe(401);
    expect((await get('/me', forged)).status).toBe(401);
    expect((await get('/admin', forged)).status).toBe(401);
  });

  it('gives the handler the verified caller', async () => {
    const id = randomUUID();
    const response = await get('/me', await issuer.issue({ sub: id, roles: ['customer'] }));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id, roles: ['customer'] });
  });

  it('answers 403 to a customer on an admin route, 200 to an admin', async () => {
    const customer = await issuer.issue({ sub: randomUUID(), roles: ['customer'] });
    const admin = await issuer.issue({ sub: randomUUID(), roles: ['admin'] });

    expect((await get('/admin', customer)).status).toBe(403);
    expect((await get('/admin', admin)).status).toBe(200);
  });
});
