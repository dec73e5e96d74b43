import { Prop, raw, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type Money, type OutgoingMessage } from '@shop/contracts';

/** One order's hold on this product's stock. */
export interface ProductReservationEntry {
  quantity: number;
  reservedAt: Date;
}

/**
 * The `products` collection. `reservations` is keyed by order id (an embedded
 * document, not an array: FerretDB v1 matches neither `$pull` conditions nor
 * dotted array paths in updates, while `reservations.<orderId>` works on
 * both servers). `pendingEvents` are the product's own outbox: a change and
 * the events it causes are written in one single-document update, then
 * ProductEventsForwarder moves them to the service outbox.
 */
@Schema({ collection: 'products', versionKey: false, minimize: false })
export class ProductDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  sku!: string;

  @Prop({ required: true })
  name!: string;

  @Prop({ default: '' })
  description!: string;

  @Prop({ required: true })
  category!: string;

  @Prop(
    raw({ amount: { type: Number, required: true }, currency: { type: String, required: true } }),
  )
  price!: Money;

  @Prop({ type: [String], default: [] })
  images!: string[];

  @Prop({ type: Object, default: {} })
  attributes!: Record<string, string>;

  @Prop({ required: true, min: 0 })
  available!: number;

  @Prop({ default: 0, min: 0 })
  reserved!: number;

  @Prop({ default: 0, min: 0 })
  sold!: number;

  @Prop({ type: Object, default: {} })
  reservations!: Record<string, ProductReservationEntry>;

  @Prop({ required: true, min: 0 })
  lowStockThreshold!: number;

  /** The StockLow latch: set when the event is queued, cleared when stock rises above the threshold. */
  @Prop({ default: false })
  lowStockAlerted!: boolean;

  @Prop({ type: [Object], default: [] })
  pendingEvents!: OutgoingMessage[];

  /** Optimistic concurrency for catalog edits (stock moves are conditional updates of their own). */
  @Prop({ default: 1 })
  version!: number;

  @Prop({ required: true })
  createdAt!: Date;

  @Prop({ required: true })
  updatedAt!: Date;

  /** Soft delete: live reservations must still be released or committed. */
  @Prop({ type: Date, default: null })
  deletedAt!: Date | null;
}

export const ProductSchema = SchemaFactory.createForClass(ProductDocument);

// Plain (and unique) B-tree indexes only: FerretDB v1 has no TTL, text or partial indexes.
ProductSchema.index({ sku: 1 }, { unique: true });
ProductSchema.index({ name: 1, _id: 1 });
ProductSchema.index({ 'price.amount': 1, _id: 1 });
ProductSchema.index({ category: 1, name: 1, _id: 1 });
ProductSchema.index({ category: 1, 'price.amount': 1, _id: 1 });
ProductSchema.index({ 'pendingEvents.envelope.id': 1 });
