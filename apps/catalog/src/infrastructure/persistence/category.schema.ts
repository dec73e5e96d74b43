import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** The `categories` collection; the slug is the id products refer to. */
@Schema({ collection: 'categories', versionKey: false })
export class CategoryDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  name!: string;

  @Prop({ default: '' })
  description!: string;
}

export const CategorySchema = SchemaFactory.createForClass(CategoryDocument);

CategorySchema.index({ name: 1 });
