import { manageError } from './manage-errors.js';
import type { ManageRoute } from './manage-route.js';

/**
 * `POST /manage/cache/purge`. The gateway has no response cache, so it answers as the original does with
 * HTTP_CACHE_ENABLED=false: 400 `caching is disabled`, before reading the body. Scripts and the original's
 * `manage cache purge` get that answer rather than a 404 for an unknown route.
 */
export function cacheRoutes(): ManageRoute[] {
  return [
    {
      method: 'POST',
      url: '/cache/purge',
      action: 'cache.purge',
      handler: () =>
        Promise.reject(
          manageError('caching_disabled', {
            description: 'this gateway has no response cache, so there is nothing to purge',
          }),
        ),
    },
  ];
}
