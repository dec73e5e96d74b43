import { OmitType, PartialType } from '@nestjs/swagger';
import { CreateProductRequest } from './create-product.request';

/** Any editable field; the SKU never changes, and stock moves through POST /products/:id/stock. */
export class UpdateProductRequest extends PartialType(
  OmitType(CreateProductRequest, ['sku', 'initialStock'] as const),
) {}
