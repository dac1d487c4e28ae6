export { MixtapeCommand } from './base-command.js';
