import 'reflect-metadata';
import {
  Body,
  Controller,
  Get,
  type INestApplication,
  NotFoundException,
  Post,
} from '@nestjs/common';
import { type AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { IsEmail, IsInt, Min } from 'class-validator';
import { type AddressInfo } from 'node:net';
import { createValidationPipe, ProblemDetailsFilter } from '../src';

class EmailAlreadyRegisteredError extends Error {
  readonly code = 'email-already-registered';
}

class TooManyAttemptsError extends Error {}

class RegistrationRequest {
  @IsEmail()
  email!: string;

  @IsInt()
  @Min(18)
  age!: number;
}

@Controller()
class ProbeController {
  @Post('registrations')
  register(@Body() request: RegistrationRequest): { email: string } {
    if (request.email === 'taken@example.test')
      throw new EmailAlreadyRegisteredError('that email is registered');
    return { email: request.email };
  }

  @Get('limited')
  limited(): never {
    throw new TooManyAttemptsError('too many attempts');
  }

  @Get('missing')
  missing(): never {
    throw new NotFoundException('no such order');
  }

  @Get('crash')
  crash(): never {
    throw new Error('connection to postgres://admin:hunter2@db failed');
  }
}

// The services run on Express, the gateway on Fastify: the same answers on both.
const platforms: [string, () => AbstractHttpAdapter][] = [
  ['Express', () => new ExpressAdapter()],
  ['Fastify', () => new FastifyAdapter({ bodyLimit: 100 * 1024 })],
];

describe.each(platforms)(
  'ProblemDetailsFilter and the validation pipe (a real Nest HTTP server on %s)',
  (_platform, adapter) => {
    let app: INestApplication;
    let baseUrl: string;

    beforeAll(async () => {
      const moduleRef = await Test.createTestingModule({
        controllers: [ProbeController],
      }).compile();
      app = moduleRef.createNestApplication(adapter(), { logger: false });
      app.useGlobalPipes(createValidationPipe());
      app.useGlobalFilters(
        new ProblemDetailsFilter(app.getHttpAdapter(), (error) => {
          if (error instanceof EmailAlreadyRegisteredError)
            return { status: 409, code: error.code, detail: error.message };
          if (error instanceof TooManyAttemptsError)
            return {
              status: 429,
              code: 'rate-limited',
              detail: error.message,
              headers: { 'retry-after': '7' },
            };
          return undefined;
        }),
      );
      await app.listen(0, '127.0.0.1');
      baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    });

    afterAll(() => app?.close());

    const post = (path: string, body: unknown) =>
      fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    it('maps a service error to its status and problem type', async () => {
      const response = await post('/registrations', { email: 'taken@example.test', age: 30 });

      expect(response.status).toBe(409);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json(;|$)/);
      expect(await response.json()).toEqual({
        type: 'https://shop.example/problems/email-already-registered',
        title: 'Conflict',
        status: 409,
        detail: 'that email is registered',
        instance: '/registrations',
      });
    });

    it('names every invalid field, and refuses unknown ones', async () => {
      const response = await post('/registrations', { email: 'nope', age: 12, admin: true });
      const problem = (await response.json()) as { type: string; errors: { field: string }[] };

      expect(response.status).toBe(400);
      expect(problem.type).toBe('https://shop.example/problems/invalid-request');
      expect(problem.errors.map((error) => error.field).sort()).toEqual(['admin', 'age', 'email']);
    });

    it('keeps the status of Nest HTTP exceptions', async () => {
      const response = await fetch(`${baseUrl}/missing`);

      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        type: 'about:blank',
        title: 'Not Found',
        detail: 'no such order',
      });
    });

    it('answers an unexpected error with a 500 that leaks nothing', async () => {
      const response = await fetch(`${baseUrl}/crash`);
      const text = await response.text();

      expect(response.status).toBe(500);
      expect(JSON.parse(text)).toEqual({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        detail: 'An unexpected error occurred.',
        instance: '/crash',
      });
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('at ');
    });

    it('answers a body the parser refuses (too large) with its 4xx, not a 500', async () => {
      const response = await post('/registrations', { email: 'x'.repeat(200_000), age: 30 });

      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ title: 'Payload Too Large', status: 413 });
    });

    it('answers a body that is not JSON with a 400 problem', async () => {
      const response = await fetch(`${baseUrl}/registrations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"email": ',
      });

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json(;|$)/);
      expect(await response.json()).toMatchObject({ title: 'Bad Request', status: 400 });
    });

    it('writes the headers a mapped error names (Retry-After on a 429)', async () => {
      const response = await fetch(`${baseUrl}/limited`);

      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json(;|$)/);
      expect(await response.json()).toMatchObject({
        type: expect.stringMatching(/rate-limited$/),
        status: 429,
      });
    });

    it('accepts a valid request', async () => {
      const response = await post('/registrations', { email: 'ada@example.test', age: 36 });

      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ email: 'ada@example.test' });
    });
  },
);

describe('ProblemDetailsFilter on Fastify, for errors raised in hooks', () => {
  it('answers an error thrown in an onRequest hook as the mapped problem', async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ProbeController] }).compile();
    const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(
      new ProblemDetailsFilter(app.getHttpAdapter(), (error) =>
        error instanceof TooManyAttemptsError
          ? {
              status: 429,
              code: 'rate-limited',
              detail: error.message,
              headers: { 'retry-after': '3' },
            }
          : undefined,
      ),
    );
    (app.getHttpAdapter() as FastifyAdapter).getInstance().addHook('onRequest', async (request) => {
      if (request.url === '/hooked') throw new TooManyAttemptsError('refused in a hook');
    });
    try {
      await app.listen(0, '127.0.0.1');
      const response = await fetch(`${await app.getUrl()}/hooked`);

      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('3');
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json(;|$)/);
      expect(await response.json()).toMatchObject({ detail: 'refused in a hook', status: 429 });
    } finally {
      await app.close();
    }
  });
});
