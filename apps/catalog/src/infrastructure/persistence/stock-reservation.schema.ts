import { Prop, raw, Schema, SchemaFactory } from '@nestjs/mongoose';
import {
  type ReservationLine,
  type ReservationStatus,
  type Shortage,
} from '../../domain/stock-reservation';

/** The `stock_reservations` collection: one document per order, `_id` = the order id. */
@Schema({ collection: 'stock_reservations', versionKey: false })
export class StockReservationDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: [raw({ productId: String, quantity: Number })], _id: false, default: [] })
  lines!: ReservationLine[];

  @Prop({ type: String, required: true })
  status!: ReservationStatus;

  @Prop({ type: Date, default: null })
  reservedAt!: Date | null;

  @Prop({ type: Object, default: null })
  rejection!: { reason: string; shortages: Shortage[] } | null;

  @Prop({ required: true })
  createdAt!: Date;

  @Prop({ required: true })
  updatedAt!: Date;
}

export const StockReservationSchema = SchemaFactory.createForClass(StockReservationDocument);

// For operators: reservations stuck in a status (e.g. a saga that never finished).
StockReservationSchema.index({ status: 1, updatedAt: 1 });
