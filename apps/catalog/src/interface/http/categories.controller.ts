import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@shop/auth';
import { ListCategoriesHandler } from '../../application/browse-products/list-categories.handler';
import { type Category } from '../../domain/product';
import { CategoryResponse } from './dto/category.response';

@ApiTags('categories')
@Public()
@Controller('categories')
export class CategoriesController {
  constructor(private readonly listCategories: ListCategoriesHandler) {}

  @Get()
  @ApiOkResponse({ type: [CategoryResponse] })
  list(): Promise<Category[]> {
    return this.listCategories.execute();
  }
}
