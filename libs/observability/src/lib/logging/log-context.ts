import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log line written inside a unit of work carries (a message's ids, an order id). */
export type LogFields = Readonly<Record<string, string | number | undefined>>;

const storage = new AsyncLocalStorage<LogFields>();

/**
 * Runs `work` with `fields` added to every log line written inside it,
 * including in the callbacks and promises it starts. Nested calls add to the
 * outer fields; the outer ones come back when the inner call returns.
 */
export function withLogContext<T>(fields: LogFields, work: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, work);
}

/** The fields of the unit of work in progress; empty outside one. */
export function currentLogContext(): LogFields {
  return storage.getStore() ?? {};
}
