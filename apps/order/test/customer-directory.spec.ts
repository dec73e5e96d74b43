import { ResilientHttpClient } from '@shop/resilience';
import { randomUUID } from 'node:crypto';
import { CustomerNotFoundError } from '../src/domain/order.errors';
import { UserServiceCustomerDirectory } from '../src/infrastructure/upstream/user-service.customer-directory';
import { StubUpstreams } from './support/stub-upstreams';

describe('the customer check against the user service (a real HTTP server)', () => {
  const upstreams = new StubUpstreams();
  let users: ResilientHttpClient;

  beforeAll(async () => {
    users = new ResilientHttpClient({
      name: 'user',
      baseUrl: await upstreams.start(),
      timeoutMs: 500,
      retries: 0,
      breaker: { resetTimeoutMs: 500 },
      maxConcurrent: 10,
    });
  });

  afterAll(async () => {
    await users.shutdown();
    await upstreams.stop();
  });

  it('asks once for a customer it confirmed, until the confirmation expires', async () => {
    const customerId = randomUUID();
    upstreams.customers.add(customerId);
    const directory = new UserServiceCustomerDirectory(users, { confirmedForMs: 300 });
    const before = upstreams.userChecks;

    await directory.assertCustomerExists(customerId, 'token');
    await directory.assertCustomerExists(customerId, 'token');
    const withinTtl = upstreams.userChecks - before;
    await new Promise((resolve) => setTimeout(resolve, 400));
    await directory.assertCustomerExists(customerId, 'token');

    expect(withinTtl).toBe(1);
    expect(upstreams.userChecks - before).toBe(2);
  });

  it('never remembers an unknown customer: asked every time, refused every time', async () => {
    const customerId = randomUUID();
    const directory = new UserServiceCustomerDirectory(users, { confirmedForMs: 60_000 });
    const before = upstreams.userChecks;

    await expect(directory.assertCustomerExists(customerId, 'token')).rejects.toBeInstanceOf(
      CustomerNotFoundError,
    );
    upstreams.customers.add(customerId);
    await directory.assertCustomerExists(customerId, 'token');

    expect(upstreams.userChecks - before).toBe(2);
  });

  it('asks for every order when the confirmation is off', async () => {
    const customerId = randomUUID();
    upstreams.customers.add(customerId);
    const directory = new UserServiceCustomerDirectory(users, { confirmedForMs: 0 });
    const before = upstreams.userChecks;

    await directory.assertCustomerExists(customerId, 'token');
    await directory.assertCustomerExists(customerId, 'token');

    expect(upstreams.userChecks - before).toBe(2);
  });
});
