import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import { AddressLimitReachedError } from '../../domain/user.errors';
import {
  type Address,
  AddressTypeormRepository,
} from '../../infrastructure/persistence/address.typeorm-repository';
import { type AddAddressCommand } from './add-address.command';

/** Bounds what one account can store (and what abuse can cost). */
export const MAX_ADDRESSES_PER_CUSTOMER = 20;

@Injectable()
export class AddAddressHandler {
  constructor(private readonly dataSource: DataSource) {}

  execute(command: AddAddressCommand): Promise<Address> {
    return this.dataSource.transaction(async (manager) => {
      const addresses = new AddressTypeormRepository(manager);
      if ((await addresses.countOfForUpdate(command.userId)) >= MAX_ADDRESSES_PER_CUSTOMER) {
        throw new AddressLimitReachedError(MAX_ADDRESSES_PER_CUSTOMER);
      }
      return addresses.insert(command.userId, {
        id: uuidv7(),
        label: command.label ?? null,
        recipient: command.recipient,
        line1: command.line1,
        line2: command.line2 ?? null,
        city: command.city,
        postalCode: command.postalCode,
        country: command.country.toUpperCase(),
      });
    });
  }
}
