import packageJson from '../package.json';

/** The version in package.json, reported by /api/utils/metadata. */
export const PACKAGE_VERSION: string = packageJson.version;
