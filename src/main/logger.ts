/**
 * pino, with secrets redacted wherever they could appear in log objects: tokens, keys,
 * passwords, webhook secrets, authorization headers. One child logger per delivery and per job
 * carries `deliveryId`, `jobId`, `repo` and `sha`.
 */
import { pino, type Logger as Pino } from 'pino';
import type { Logger } from '../domain/logger.js';

export const REDACT_PATHS = [
  'token', '*.token', 'privateKey', '*.privateKey', 'password', '*.password', '*.PASSWORD',
  'secret', '*.secret', 'webhookSecret', '*.webhookSecret', 'authorization', '*.authorization',
  'headers.authorization', '*.headers.authorization', 'req.headers.authorization', 'apiKey', '*.apiKey',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger & Pino {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'pave' } }, destination as never);
}
