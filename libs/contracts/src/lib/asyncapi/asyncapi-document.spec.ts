import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MESSAGE_CATALOG } from '../message-catalog';
import { ALL_TOPICS, dlqTopicOf } from '../topics';
import { buildAsyncApiDocument, renderAsyncApiDocument } from './asyncapi-document';

const committedFile = join(__dirname, '../../../asyncapi.json');

describe('AsyncAPI document', () => {
  it('is committed exactly as the contracts generate it (run `npx nx run contracts:asyncapi` after a change)', () => {
    expect(readFileSync(committedFile, 'utf8')).toBe(renderAsyncApiDocument());
  });

  it('has a channel for every topic and its dead-letter topic', () => {
    const channels = Object.keys(buildAsyncApiDocument()['channels'] as object);

    expect(channels.sort()).toEqual([...ALL_TOPICS, ...ALL_TOPICS.map(dlqTopicOf)].sort());
  });

  it('describes every message of the catalog with its data schema', () => {
    const messages = (
      buildAsyncApiDocument()['components'] as {
        messages: Record<string, { payload: { properties: Record<string, unknown> } }>;
      }
    ).messages;

    for (const type of MESSAGE_CATALOG.keys()) {
      expect(messages[type]?.payload.properties['type']).toEqual({ type: 'string', const: type });
      expect(messages[type]?.payload.properties['data']).toMatchObject({ type: 'object' });
    }
  });
});
