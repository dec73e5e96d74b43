import { type DynamicModule, Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import { type Connection } from 'mongoose';
import { type CatalogConfig } from '../../config/catalog-config';
import { CategoryDocument, CategorySchema } from './category.schema';
import {
  detectMongoServerKind,
  MONGO_SERVER_KIND,
  type MongoServerKind,
} from './mongo-server-kind';
import { ProductDocument, ProductSchema } from './product.schema';
import { ProductWritesSerializer } from './product-writes.serializer';
import { StockReservationDocument, StockReservationSchema } from './stock-reservation.schema';

export const CATALOG_MODELS = [
  { name: ProductDocument.name, schema: ProductSchema },
  { name: CategoryDocument.name, schema: CategorySchema },
  { name: StockReservationDocument.name, schema: StockReservationSchema },
];

/**
 * The catalog database: the connection, its models, the server kind found at
 * start-up and the write strategy that follows from it. Indexes are declared
 * in the schemas and created here before the service takes traffic (not by
 * Mongoose's background autoIndex, whose failures would go unnoticed).
 */
@Module({})
export class CatalogDatabaseModule implements OnModuleInit {
  private readonly logger = new Logger('CatalogDatabase');

  constructor(
    @Inject(getConnectionToken()) private readonly connection: Connection,
    @Inject(MONGO_SERVER_KIND) private readonly serverKind: MongoServerKind,
  ) {}

  static forConfig(config: CatalogConfig): DynamicModule {
    return {
      module: CatalogDatabaseModule,
      global: true,
      imports: [
        MongooseModule.forRoot(config.CATALOG_MONGODB_URL, { autoIndex: false, autoCreate: false }),
        MongooseModule.forFeature(CATALOG_MODELS),
      ],
      providers: [
        {
          provide: MONGO_SERVER_KIND,
          inject: [getConnectionToken()],
          useFactory: (connection: Connection) => {
            if (!connection.db) throw new Error('the catalog database is not connected');
            return detectMongoServerKind(connection.db);
          },
        },
        {
          provide: ProductWritesSerializer,
          inject: [MONGO_SERVER_KIND],
          useFactory: (kind: MongoServerKind) => new ProductWritesSerializer(kind === 'ferretdb'),
        },
      ],
      exports: [MongooseModule, MONGO_SERVER_KIND, ProductWritesSerializer],
    };
  }

  async onModuleInit(): Promise<void> {
    for (const { name } of CATALOG_MODELS) {
      await this.connection.model(name).createIndexes();
    }
    this.logger.log(
      this.serverKind === 'ferretdb'
        ? 'FerretDB detected: product writes are serialized in this process (run one replica)'
        : 'MongoDB detected: product writes are conditional atomic updates',
    );
  }
}
