import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  type Address,
  AddressTypeormRepository,
} from '../../infrastructure/persistence/address.typeorm-repository';

/** The caller's own shipping addresses, oldest first. */
@Injectable()
export class ListAddressesHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(userId: string): Promise<Address[]> {
    return new AddressTypeormRepository(this.dataSource.manager).listOf(userId);
  }
}
