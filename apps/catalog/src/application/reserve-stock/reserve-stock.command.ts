import { type ReservationLine } from '../../domain/stock-reservation';

export interface ReserveStockCommand {
  orderId: string;
  items: ReservationLine[];
}
