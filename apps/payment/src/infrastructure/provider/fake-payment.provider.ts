import { type OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import {
  type AuthorizationAnswer,
  type AuthorizationOperationRequest,
  type AuthorizationRequest,
  type PaymentProvider,
  type ReversalRequest,
} from '../../application/ports/payment-provider.port';
import {
  PaymentProviderRefusedError,
  PaymentProviderUnavailableError,
} from '../../application/ports/payment-provider.errors';

export interface FakePaymentProviderOptions {
  /** Added to every call (fault drills); a call's deadline cuts it short. */
  latencyMs: number;
  /** The share of calls (0 to 1) that fail as an outage before the provider does anything. */
  errorRate: number;
  random?: () => number;
}

type Operation = 'authorize' | 'capture' | 'void' | 'refund' | 'reverse';

interface OperationRow {
  idempotency_key: string;
  operation: Operation;
  reference: string;
  outcome: string;
  authorization_reference: string | null;
  payment_method_token: string | null;
  amount: string | null;
  currency: string | null;
}

type DeclineReason = Extract<AuthorizationAnswer, { outcome: 'declined' }>['reason'];

type Decision =
  | { outcome: 'approved'; answersAfterDeadline?: 'always' | 'first-time' }
  | { outcome: DeclineReason; message: string };

/** What the fake provider does with each test token (the README lists them). */
function decide(paymentMethodToken: string): Decision {
  switch (paymentMethodToken) {
    case 'tok_visa':
    case 'tok_mastercard':
      return { outcome: 'approved' };
    case 'tok_decline':
      return { outcome: 'declined', message: 'the card was declined by its issuer' };
    case 'tok_insufficient_funds':
      return { outcome: 'insufficient_funds', message: 'the card has insufficient funds' };
    case 'tok_timeout':
      return { outcome: 'approved', answersAfterDeadline: 'always' };
    case 'tok_timeout_once':
      return { outcome: 'approved', answersAfterDeadline: 'first-time' };
    default:
      return { outcome: 'invalid_payment_method', message: 'unknown payment method token' };
  }
}

const REFERENCE_PREFIX: Record<Operation, string> = {
  authorize: 'auth',
  capture: 'cap',
  void: 'void',
  refund: 'ref',
  reverse: 'rev',
};

/**
 * A payment provider for development, tests and fault drills, behind the same
 * port a real PSP adapter would implement. Like a real provider it keeps what
 * it did under each idempotency key (in its own table, on its own connections,
 * so its records survive the caller's rollbacks and restarts) and answers a
 * repeated key with the first answer. `tok_timeout` authorizes but never
 * answers in time, the realistic worst case: money may be held while the
 * caller hears nothing.
 */
export class FakePaymentProvider implements PaymentProvider, OnApplicationShutdown {
  private readonly pool: Pool;
  private readonly random: () => number;

  constructor(
    connectionString: string,
    private readonly options: FakePaymentProviderOptions,
  ) {
    this.pool = new Pool({ connectionString, max: 4 });
    this.random = options.random ?? Math.random;
  }

  async authorize(
    request: AuthorizationRequest,
    signal: AbortSignal,
  ): Promise<AuthorizationAnswer> {
    await this.injectFaults('authorize', signal);
    const decision = decide(request.paymentMethodToken);
    const { row, created } = await this.record({
      idempotencyKey: request.idempotencyKey,
      operation: 'authorize',
      outcome: decision.outcome,
      paymentMethodToken: request.paymentMethodToken,
      amount: request.amount,
    });
    if (
      row.payment_method_token !== request.paymentMethodToken ||
      Number(row.amount) !== request.amount.amount ||
      row.currency !== request.amount.currency
    ) {
      throw new PaymentProviderRefusedError(
        `idempotency key ${request.idempotencyKey} was used for another authorization request`,
      );
    }
    if (decision.outcome === 'approved') {
      const lostAnswer =
        decision.answersAfterDeadline === 'always' ||
        (decision.answersAfterDeadline === 'first-time' && created);
      if (lostAnswer) await untilAborted(signal);
      return { outcome: 'approved', authorizationReference: row.reference };
    }
    return {
      outcome: 'declined',
      reason: decision.outcome,
      message: decision.message,
      providerReference: row.reference,
    };
  }

  async capture(
    request: AuthorizationOperationRequest,
    signal: AbortSignal,
  ): Promise<{ reference: string }> {
    return this.operateOnAuthorization('capture', request, signal, (done) =>
      done.has('void') || done.has('reverse') ? 'the authorization was voided' : undefined,
    );
  }

  async void(
    request: Omit<AuthorizationOperationRequest, 'amount'>,
    signal: AbortSignal,
  ): Promise<{ reference: string }> {
    return this.operateOnAuthorization('void', request, signal, (done) =>
      done.has('capture') ? 'the authorization was captured' : undefined,
    );
  }

  async refund(
    request: AuthorizationOperationRequest,
    signal: AbortSignal,
  ): Promise<{ reference: string }> {
    return this.operateOnAuthorization('refund', request, signal, (done) =>
      done.has('capture') ? undefined : 'nothing was captured',
    );
  }

  async reverseAuthorization(
    request: ReversalRequest,
    signal: AbortSignal,
  ): Promise<{ reference: string | null }> {
    await this.injectFaults('reverse', signal);
    const authorization = await this.findByKey(request.authorizationIdempotencyKey);
    if (!authorization || authorization.outcome !== 'approved') return { reference: null };
    const { row } = await this.record({
      idempotencyKey: request.idempotencyKey,
      operation: 'reverse',
      outcome: 'reversed',
      authorizationReference: authorization.reference,
    });
    return { reference: row.reference };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }

  private async operateOnAuthorization(
    operation: 'capture' | 'void' | 'refund',
    request: Omit<AuthorizationOperationRequest, 'amount'>,
    signal: AbortSignal,
    refusal: (done: Set<Operation>) => string | undefined,
  ): Promise<{ reference: string }> {
    await this.injectFaults(operation, signal);
    const repeated = await this.findByKey(request.idempotencyKey);
    if (!repeated) {
      const authorization = await this.pool.query<OperationRow>(
        `SELECT * FROM fake_provider_operations WHERE reference = $1 AND operation = 'authorize'`,
        [request.authorizationReference],
      );
      if (authorization.rows[0]?.outcome !== 'approved') {
        throw new PaymentProviderRefusedError(
          `${operation}: no approved authorization ${request.authorizationReference}`,
        );
      }
      const done = await this.pool.query<{ operation: Operation }>(
        'SELECT operation FROM fake_provider_operations WHERE authorization_reference = $1',
        [request.authorizationReference],
      );
      const refused = refusal(new Set(done.rows.map((row) => row.operation)));
      if (refused) throw new PaymentProviderRefusedError(`${operation}: ${refused}`);
    }
    const { row } = await this.record({
      idempotencyKey: request.idempotencyKey,
      operation,
      outcome: 'succeeded',
      authorizationReference: request.authorizationReference,
    });
    if (
      row.operation !== operation ||
      row.authorization_reference !== request.authorizationReference
    ) {
      throw new PaymentProviderRefusedError(
        `idempotency key ${request.idempotencyKey} was used for another request`,
      );
    }
    return { reference: row.reference };
  }

  /** The first record under a key wins; a repeated key reads it back. */
  private async record(operation: {
    idempotencyKey: string;
    operation: Operation;
    outcome: string;
    authorizationReference?: string;
    paymentMethodToken?: string;
    amount?: { amount: number; currency: string };
  }): Promise<{ row: OperationRow; created: boolean }> {
    const inserted = await this.pool.query<OperationRow>(
      `INSERT INTO fake_provider_operations (idempotency_key, operation, reference, outcome,
         authorization_reference, payment_method_token, amount, currency)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING *`,
      [
        operation.idempotencyKey,
        operation.operation,
        `${REFERENCE_PREFIX[operation.operation]}_${uuidv7()}`,
        operation.outcome,
        operation.authorizationReference ?? null,
        operation.paymentMethodToken ?? null,
        operation.amount?.amount ?? null,
        operation.amount?.currency ?? null,
      ],
    );
    if (inserted.rows[0]) return { row: inserted.rows[0], created: true };
    const existing = await this.findByKey(operation.idempotencyKey);
    if (!existing) throw new Error(`fake provider: record ${operation.idempotencyKey} vanished`);
    return { row: existing, created: false };
  }

  private async findByKey(idempotencyKey: string): Promise<OperationRow | undefined> {
    const result = await this.pool.query<OperationRow>(
      'SELECT * FROM fake_provider_operations WHERE idempotency_key = $1',
      [idempotencyKey],
    );
    return result.rows[0];
  }

  private async injectFaults(operation: Operation, signal: AbortSignal): Promise<void> {
    if (this.options.latencyMs > 0) await sleep(this.options.latencyMs, undefined, { signal });
    if (this.random() < this.options.errorRate) {
      throw new PaymentProviderUnavailableError(
        `${operation}: injected provider failure (PAYMENT_PROVIDER_ERROR_RATE=${this.options.errorRate})`,
      );
    }
  }
}

/** Never answers: rejects with the caller's reason once its deadline fires. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
