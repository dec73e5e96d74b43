import { dlqTopicOf } from '@shop/contracts';

/**
 * Maps the contracts' logical topic names to the broker's. A prefix lets
 * several environments (or test suites) share one cluster; empty in production.
 */
export class TopicNames {
  constructor(readonly prefix = '') {}

  physical(logical: string): string {
    return `${this.prefix}${logical}`;
  }

  logical(physical: string): string {
    return physical.startsWith(this.prefix) ? physical.slice(this.prefix.length) : physical;
  }

  deadLetterOf(logical: string): string {
    return this.physical(dlqTopicOf(logical));
  }
}
