import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Payment } from '../../domain/payment';
import { PaymentNotFoundError } from '../../domain/payment.errors';
import { PaymentTypeormRepository } from '../../infrastructure/persistence/payment.typeorm-repository';

export interface PaymentReader {
  customerId: string;
  isAdmin: boolean;
}

/**
 * Reads payments for their customer or an admin. Anyone else is told the
 * payment does not exist, exactly as for a missing one: the answer reveals
 * nothing about other customers' orders.
 */
@Injectable()
export class FindPaymentsHandler {
  constructor(private readonly dataSource: DataSource) {}

  async byId(reader: PaymentReader, id: string): Promise<Payment> {
    const payment = await new PaymentTypeormRepository(this.dataSource.manager).findById(id);
    return this.visibleTo(reader, payment);
  }

  async byOrderId(reader: PaymentReader, orderId: string): Promise<Payment> {
    const payment = await new PaymentTypeormRepository(this.dataSource.manager).findByOrderId(
      orderId,
    );
    return this.visibleTo(reader, payment);
  }

  private visibleTo(reader: PaymentReader, payment: Payment | undefined): Payment {
    if (!payment || (!reader.isAdmin && payment.customerId !== reader.customerId)) {
      throw new PaymentNotFoundError();
    }
    return payment;
  }
}
