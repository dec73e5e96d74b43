import { type mongo } from 'mongoose';

/** `mongod` applies an update atomically; FerretDB v1 reads, modifies and writes the document back. */
export type MongoServerKind = 'mongod' | 'ferretdb';

export const MONGO_SERVER_KIND = Symbol('catalog.mongo-server-kind');

/** FerretDB answers `buildInfo` like mongod, plus a `ferretdbVersion` field. */
export async function detectMongoServerKind(db: mongo.Db): Promise<MongoServerKind> {
  const buildInfo = await db.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in buildInfo ? 'ferretdb' : 'mongod';
}
