/**
 * The name a bundle's dynamic imports are routed through: build.ts rewrites `await import(` to it,
 * load.ts passes it in. Kept apart so loading a bundle never loads esbuild.
 */
export const DYNAMIC_IMPORT = '__mixtapeImport';
