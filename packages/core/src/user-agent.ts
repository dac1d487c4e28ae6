/** Mixtape's version; a test keeps it equal to the CLI's package.json. */
export const MIXTAPE_VERSION = '0.1.0';

/** Where people who see Mixtape's requests in their logs can learn what it is. */
export const PROJECT_URL = 'https://github.com/mixtape-music/mixtape';

/**
 * The User-Agent of every request Mixtape sends: services (MusicBrainz above all) refuse or throttle
 * anonymous clients such as Node's default `node`. `contact` (MIXTAPE_CONTACT) is added when given.
 */
export function userAgent(contact?: string): string {
  return `mixtape/${MIXTAPE_VERSION} (+${PROJECT_URL}${contact ? `; ${contact}` : ''})`;
}
