import { moneySchema } from '@shop/contracts';
import { ResilientHttpClient, UpstreamUnavailableError } from '@shop/resilience';
import { z } from 'zod';
import { type PriceCatalog, type PricedProduct } from '../../application/ports/price-catalog.port';

// What the order service relies on in the catalog's answer; anything else in it is ignored.
const lookupResponseSchema = z.object({
  items: z.array(
    z.object({ id: z.string(), sku: z.string(), name: z.string(), price: moneySchema }),
  ),
});

/** `POST /products/lookup` on the catalog: many products' prices in one call. */
export class CatalogServicePriceCatalog implements PriceCatalog {
  constructor(private readonly catalog: ResilientHttpClient) {}

  async priceSnapshot(productIds: string[]): Promise<Map<string, PricedProduct>> {
    // A lookup is a read: marked idempotent so it is retried like a GET.
    const { status, body } = await this.catalog.request({
      method: 'POST',
      path: '/products/lookup',
      body: { ids: productIds },
      idempotent: true,
    });
    const parsed = lookupResponseSchema.safeParse(body);
    if (status !== 200 || !parsed.success) {
      throw new UpstreamUnavailableError(
        this.catalog.name,
        'server-error',
        status === 200 ? `unexpected answer: ${parsed.error?.message}` : `answered ${status}`,
      );
    }
    return new Map(
      parsed.data.items.map((item) => [
        item.id,
        { productId: item.id, sku: item.sku, name: item.name, price: item.price },
      ]),
    );
  }
}
