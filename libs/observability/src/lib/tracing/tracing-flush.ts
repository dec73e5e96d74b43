import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ProxyTracerProvider, trace } from '@opentelemetry/api';

interface Flushable {
  forceFlush?: () => Promise<void>;
}

/** The most a shutdown waits for the collector: a stop must fit the orchestrator's grace period. */
const FLUSH_TIMEOUT_MS = 3_000;

/** At shutdown, exports the spans still buffered (the batch processor sends every few seconds). */
@Injectable()
export class TracingFlush implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    const provider = trace.getTracerProvider();
    const sdkProvider = (
      provider instanceof ProxyTracerProvider ? provider.getDelegate() : provider
    ) as Flushable;
    if (!sdkProvider.forceFlush) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      sdkProvider.forceFlush().catch(() => undefined),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, FLUSH_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
  }
}
