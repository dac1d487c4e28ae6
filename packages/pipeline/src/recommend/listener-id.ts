/** The listener's own row id in `interactions`. */
export const LISTENER_ID = 'me';
