import { BadRequestException } from '@nestjs/common';

/** A request body, query or path parameter that fails validation: 400 with the fields. */
export class RequestValidationError extends BadRequestException {
  constructor(readonly fields: { field: string; message: string }[]) {
    super('the request is not valid');
  }
}
