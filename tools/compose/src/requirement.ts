import { isRoot } from '@shop/infra';
import { engineAnswers } from './engine';

/**
 * Whether `npm run compose:test` can run here: an engine answers, or we are
 * root and may install and start one. `npm test` runs it when met and lists
 * it as a declared skip, with this reason, when not.
 */
export function composeTestRequirement(): { met: boolean; reason: string } {
  if (engineAnswers()) return { met: true, reason: 'a Docker engine answers `docker info`' };
  if (isRoot()) return { met: true, reason: 'root: installs and starts a Docker engine' };
  return {
    met: false,
    reason:
      'needs a Docker engine that answers `docker info`, or root to install and start one (docker.io)',
  };
}
