export * from './files/index.js';
export * from './http/index.js';
export * as spotify from './spotify/index.js';
