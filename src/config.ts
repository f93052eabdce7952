import { envSchema } from 'env-schema';
import { Type, type Static } from 'typebox';

export const IANA_CSV_URL =
  'https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.csv';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

/** Every environment variable the service reads; the README lists the same table. */
const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  ADMIN_API_KEY: Type.Optional(Type.String({ minLength: 16 })),
  REGISTRY_SYNC_URL: Type.String({ minLength: 1, default: IANA_CSV_URL }),
  REGISTRY_SYNC_INTERVAL_MINUTES: Type.Integer({ minimum: 0, maximum: 525_600, default: 0 }),
  REGISTRY_SYNC_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 5000 }),
  LOG_LEVEL: Type.Unsafe<LogLevel>({ type: 'string', enum: LOG_LEVELS, default: 'info' }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 1200 }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1000, maximum: 86_400_000, default: 60_000 }),
  CORS_ORIGINS: Type.String({ default: '' }),
  TRUST_PROXY: Type.Boolean({ default: false }),
});

export type Config = Static<typeof ConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates the environment once; a bad value is a one-line error naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const data = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  try {
    return envSchema<Config>({ schema: ConfigSchema, data, env: false, dotenv: false });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`invalid configuration: ${message.replace(/\s+/g, ' ')}`);
  }
}
