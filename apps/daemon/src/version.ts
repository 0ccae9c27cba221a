/** The daemon's version (kept in step with package.json by the release). */
export const version = '0.1.0';
