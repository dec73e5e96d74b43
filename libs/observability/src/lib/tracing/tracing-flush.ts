import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ProxyTracerProvider, trace } from '@opentelemetry/api';

interface Flushable {
  forceFlush?: () => Promise<void>;
}

/** At shutdown, exports the spans still buffered (the batch processor sends every few seconds). */
@Injectable()
export class TracingFlush implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    const provider = trace.getTracerProvider();
    const sdkProvider = (
      provider instanceof ProxyTracerProvider ? provider.getDelegate() : provider
    ) as Flushable;
    await sdkProvider.forceFlush?.().catch(() => undefined);
  }
}
