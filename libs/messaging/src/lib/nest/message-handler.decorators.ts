import { type ArgumentsHost, Catch, type ExceptionFilter, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type DataOf, type MessageDefinition } from '@shop/contracts';
import { type Observable, throwError } from 'rxjs';
import { type Reply } from './reply';

/** What OnCommand leaves in the pattern's extras for the transport: a reply is due, and how refusals map. */
export const COMMAND_EXTRA = 'shop.messaging.command';
export const REFUSAL_EXTRA = 'shop.messaging.refusal';

/** Maps an error the handler threw to the failure reply it stands for; `undefined`: not a refusal. */
export type RefusalMapper<TCommand> = (error: unknown, command: TCommand) => Reply | undefined;

/**
 * Hands a handler's error to the transport as it was thrown. Nest's default
 * filter turns any error into `{ status: 'error', message: 'Internal server
 * error' }`; the transport must see the error itself to tell a poison message
 * (NonRetriableError, a contract violation) and a refusal from an outage.
 */
@Catch()
class ErrorsToTransport implements ExceptionFilter {
  catch(error: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => error);
  }
}
const errorsToTransport = UseFilters(new ErrorsToTransport());

/** Where Nest keeps a method's parameter decorators (`@Payload()`, `@Ctx()`), by `<type>:<index>`. */
const PARAM_ARGS_METADATA = '__routeArguments__';

/**
 * What every handler gets, as `@Payload() data, @Ctx() context` would give
 * it: Nest passes only the payload to a method without parameter decorators.
 * A parameter the method decorates itself (`@Payload(SomePipe)`) is kept.
 */
function dataAndContext(target: object, key: string | symbol): void {
  const declared = (Reflect.getMetadata(PARAM_ARGS_METADATA, target.constructor, key) ??
    {}) as Record<string, { index: number }>;
  const taken = new Set(Object.values(declared).map(({ index }) => index));
  if (!taken.has(0)) Payload()(target, key, 0);
  if (!taken.has(1)) Ctx()(target, key, 1);
}

/** A method decorator that only fits methods of the `TShape` signature (fewer parameters fit too). */
type MethodDecoratorFor<TShape> = <TMethod extends TShape>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<TMethod>,
) => void;

/**
 * Marks a controller method as the handler of one or more message types, on
 * the messaging transport (`@EventPattern` under the hood: guards,
 * interceptors and pipes declared on the controller or the method apply; the
 * app's global ones do not, see connectMessaging). The method gets the message's data, parsed
 * and checked against its contract, and an `InboxContext` with the envelope
 * and the store's transaction:
 *
 *   @OnMessage(OrderPlacedV1)
 *   async onOrderPlaced(order: DataOf<typeof OrderPlacedV1>, context: InboxContext<EntityManager>)
 *
 * A message of a type with no handler goes to the dead-letter topic (commands
 * and replies) or is skipped (events). As with every `@EventPattern`, Nest
 * finds it only on a controller (a class in a module's `controllers`).
 */
export function OnMessage<TDefinitions extends MessageDefinition[]>(
  ...definitions: TDefinitions
): MethodDecoratorFor<(data: DataOf<TDefinitions[number]>, context: never) => Promise<void>> {
  if (definitions.length === 0) throw new Error('OnMessage needs at least one message type');
  return (target, key, descriptor) => {
    EventPattern(definitions.map(({ type }) => type))(target, key, descriptor);
    errorsToTransport(target, key, descriptor);
    dataAndContext(target, key);
  };
}

/**
 * Marks a controller method as a saga participant's handler of one command: it
 * returns the reply (`reply(SucceededV1, data)` or `reply(FailedV1, data)`),
 * which the transport sends through the outbox in the handler's transaction.
 * An error that `refusal` maps to a reply (a domain rule said no) is answered
 * with that reply; any other error is retried, then dead-lettered.
 */
export function OnCommand<TCommand>(
  definition: MessageDefinition<string, TCommand>,
  options: { refusal?: RefusalMapper<TCommand> } = {},
): MethodDecoratorFor<(command: TCommand, context: never) => Promise<Reply>> {
  if (definition.kind !== 'command') {
    throw new Error(`OnCommand: ${definition.type} is a ${definition.kind}, not a command`);
  }
  return (target, key, descriptor) => {
    EventPattern(definition.type, {
      [COMMAND_EXTRA]: true,
      ...(options.refusal ? { [REFUSAL_EXTRA]: options.refusal } : {}),
    })(target, key, descriptor);
    errorsToTransport(target, key, descriptor);
    dataAndContext(target, key);
  };
}
