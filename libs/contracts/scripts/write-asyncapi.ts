// Writes libs/contracts/asyncapi.json from the contracts. `npm test` fails when
// the committed file differs from what the code generates.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAsyncApiDocument } from '../src/lib/asyncapi/asyncapi-document';

const file = join(__dirname, '..', 'asyncapi.json');
writeFileSync(file, renderAsyncApiDocument());
process.stderr.write(`wrote ${file}\n`);
