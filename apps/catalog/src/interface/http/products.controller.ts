import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '@shop/auth';
import { GetProductHandler } from '../../application/browse-products/get-product.handler';
import { ListProductsHandler } from '../../application/browse-products/list-products.handler';
import { type ProductView } from '../../application/browse-products/product.view';
import {
  LookUpPricesHandler,
  type PriceQuote,
} from '../../application/look-up-prices/look-up-prices.handler';
import { AdjustStockHandler } from '../../application/manage-products/adjust-stock.handler';
import { CreateProductHandler } from '../../application/manage-products/create-product.handler';
import { DeleteProductHandler } from '../../application/manage-products/delete-product.handler';
import { UpdateProductHandler } from '../../application/manage-products/update-product.handler';
import { AdjustStockRequest } from './dto/adjust-stock.request';
import { CreateProductRequest } from './dto/create-product.request';
import { ListProductsRequest } from './dto/list-products.request';
import { LookUpPricesRequest } from './dto/look-up-prices.request';
import { PriceLookupResponse } from './dto/price-lookup.response';
import { ProductPageResponse } from './dto/product-page.response';
import { ProductResponse } from './dto/product.response';
import { StockLevelResponse } from './dto/stock-level.response';
import { UpdateProductRequest } from './dto/update-product.request';

@ApiTags('products')
@Controller('products')
export class ProductsController {
  constructor(
    private readonly listProducts: ListProductsHandler,
    private readonly getProduct: GetProductHandler,
    private readonly lookUpPrices: LookUpPricesHandler,
    private readonly createProduct: CreateProductHandler,
    private readonly updateProduct: UpdateProductHandler,
    private readonly deleteProduct: DeleteProductHandler,
    private readonly adjustStock: AdjustStockHandler,
  ) {}

  @Public()
  @Get()
  @ApiOkResponse({ type: ProductPageResponse })
  list(
    @Query() query: ListProductsRequest,
  ): Promise<{ items: ProductView[]; nextCursor: string | null }> {
    return this.listProducts.execute({
      ...(query.category ? { category: query.category } : {}),
      ...(query.minPrice !== undefined ? { minPrice: query.minPrice } : {}),
      ...(query.maxPrice !== undefined ? { maxPrice: query.maxPrice } : {}),
      ...(query.q ? { search: query.q } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
      sort: query.sort ?? 'name',
      limit: query.limit ?? 20,
    });
  }

  /** For the order service's price snapshot: many products in one call (a POST: ids do not fit a URL). */
  @Public()
  @Post('lookup')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: PriceLookupResponse })
  lookup(
    @Body() request: LookUpPricesRequest,
  ): Promise<{ items: PriceQuote[]; missing: string[] }> {
    return this.lookUpPrices.execute(request.ids);
  }

  @Public()
  @Get(':id')
  @ApiOkResponse({ type: ProductResponse })
  byId(@Param('id', ParseUUIDPipe) id: string): Promise<ProductView> {
    return this.getProduct.execute(id);
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Post()
  @ApiCreatedResponse({ type: ProductResponse })
  create(@Body() request: CreateProductRequest): Promise<ProductView> {
    return this.createProduct.execute(request);
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Patch(':id')
  @ApiOkResponse({ type: ProductResponse })
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() request: UpdateProductRequest,
  ): Promise<ProductView> {
    return this.updateProduct.execute({ ...request, id });
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.deleteProduct.execute(id);
  }

  @ApiBearerAuth()
  @Roles('admin')
  @Post(':id/stock')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: StockLevelResponse })
  stock(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() request: AdjustStockRequest,
  ): Promise<{ id: string; available: number; reserved: number }> {
    return this.adjustStock.execute({ productId: id, delta: request.delta });
  }
}
