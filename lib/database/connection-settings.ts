/**
 * Where doctor connects and how, the way libpq would: a `postgres://` URL (with `sslmode`, `sslrootcert`,
 * `sslcert`, `sslkey`, `application_name` in its query), IPv6 literals, and the libpq environment (`PGHOST`,
 * `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`, `PGSSLROOTCERT`) for what the URL leaves out.
 * Every error is one line that never repeats the URL (it may carry a password).
 */
import { readFileSync } from 'node:fs';

export class ConnectionSettingsError extends Error {}

/** libpq's sslmode values. */
export type SslMode = 'allow' | 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

const SSL_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

export interface TlsSettings {
  mode: SslMode;
  /** Where the mode came from: `the URL`, `PGSSLMODE`, `libpq's default`. */
  modeFrom: string;
  rootCert: string | null;
  cert: string | null;
  key: string | null;
}

export interface ConnectionSettings {
  /** `postgres`, or the dialect a `mysql://`/`mariadb://`/`mssql://` URL names (checked statically only). */
  dialect: 'mariadb' | 'mssql' | 'mysql' | 'postgres';
  host: string;
  port: number;
  user: string | undefined;
  password: string | undefined;
  database: string | undefined;
  tls: TlsSettings;
  /** `app@[::1]:5432/legacy`: never the password. */
  target: string;
  /** What supplied each part: `--url`, `DATABASE_URL`, `PGPASSWORD`, … */
  sources: string[];
}

type Environment = Readonly<Record<string, string | undefined>>;

function decode(part: string, what: string, label: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ConnectionSettingsError(`${label}: the ${what} has a bad %-escape (write % as %25)`);
  }
}

function sslMode(raw: string, from: string): SslMode {
  if ((SSL_MODES as readonly string[]).includes(raw)) return raw as SslMode;
  throw new ConnectionSettingsError(`${from}: sslmode must be one of ${SSL_MODES.join(', ')}, got ${JSON.stringify(raw)}`);
}

/** `host:port` with brackets around an IPv6 literal. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Settings from a URL (`label` names it in errors: `--url`, `DATABASE_URL`), with the libpq environment filling in
 * what it leaves out. Non-PostgreSQL schemes are returned with their dialect (doctor checks them statically).
 */
export function settingsFromUrl(url: string, label: string, env: Environment = process.env): ConnectionSettings {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConnectionSettingsError(`${label} is not a valid URL (expected postgres://user:password@host:port/database)`);
  }
  const scheme = parsed.protocol.replace(/:$/u, '');
  const dialect = scheme === 'postgres' || scheme === 'postgresql' ? 'postgres' : scheme === 'mysql' || scheme === 'mariadb' || scheme === 'mssql' ? scheme : null;
  if (dialect === null) throw new ConnectionSettingsError(`${label} must start with postgres:// or postgresql://, got ${parsed.protocol}//`);
  const sources = [label];
  const fromEnv = (name: string): string | undefined => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    sources.push(name);
    return value;
  };
  const host = parsed.hostname === '' ? (fromEnv('PGHOST') ?? 'localhost') : parsed.hostname.replace(/^\[(.*)\]$/u, '$1');
  const portText = parsed.port === '' ? (fromEnv('PGPORT') ?? '5432') : parsed.port;
  const port = Number(portText);
  if (!/^\d+$/u.test(portText) || port < 1 || port > 65_535) throw new ConnectionSettingsError(`${label}: the port must be from 1 to 65535`);
  const user = (parsed.username === '' ? undefined : decode(parsed.username, 'user name', label)) ?? fromEnv('PGUSER');
  const password = (parsed.password === '' ? undefined : decode(parsed.password, 'password', label)) ?? fromEnv('PGPASSWORD');
  const path = parsed.pathname.replace(/^\//u, '');
  const database = (path === '' ? undefined : decode(path, 'database name', label)) ?? fromEnv('PGDATABASE');
  const query = parsed.searchParams;
  const modeParam = query.get('sslmode');
  const envMode = modeParam === null ? fromEnv('PGSSLMODE') : undefined;
  const ssl = query.get('ssl');
  const mode =
    modeParam !== null
      ? sslMode(modeParam, label)
      : envMode !== undefined
        ? sslMode(envMode, 'PGSSLMODE')
        : ssl === 'true' || ssl === '1'
          ? 'require'
          : 'prefer';
  const tls: TlsSettings = {
    mode,
    modeFrom: modeParam !== null ? `${label} sslmode` : envMode !== undefined ? 'PGSSLMODE' : ssl !== null ? `${label} ssl=${ssl}` : "libpq's default",
    rootCert: query.get('sslrootcert') ?? fromEnv('PGSSLROOTCERT') ?? null,
    cert: query.get('sslcert') ?? fromEnv('PGSSLCERT') ?? null,
    key: query.get('sslkey') ?? fromEnv('PGSSLKEY') ?? null,
  };
  return {
    dialect,
    host,
    port,
    user,
    password,
    database,
    tls,
    target: `${user === undefined ? '' : `${user}@`}${hostPort(host, port)}/${database ?? ''}`,
    sources: [...new Set(sources)],
  };
}

/** Settings from the libpq environment alone (`PGHOST` set), or null. */
export function settingsFromEnvironment(env: Environment = process.env): ConnectionSettings | null {
  if (env.PGHOST === undefined || env.PGHOST === '') return null;
  return settingsFromUrl('postgres://', 'PGHOST', env);
}

/** Settings from node-config's `db.*` keys (the example app's convention). */
export function settingsFromValues(
  values: { host: string; port?: unknown; user?: unknown; password?: unknown; database?: unknown },
  label: string,
  env: Environment = process.env,
): ConnectionSettings {
  const port = Number(values.port ?? 5432);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new ConnectionSettingsError(`${label}: db.port must be from 1 to 65535`);
  const user = typeof values.user === 'string' ? values.user : undefined;
  const database = typeof values.database === 'string' ? values.database : undefined;
  const envMode = env.PGSSLMODE === undefined || env.PGSSLMODE === '' ? undefined : sslMode(env.PGSSLMODE, 'PGSSLMODE');
  return {
    dialect: 'postgres',
    host: values.host,
    port,
    user,
    password: typeof values.password === 'string' ? values.password : undefined,
    database,
    tls: {
      mode: envMode ?? 'prefer',
      modeFrom: envMode === undefined ? "libpq's default" : 'PGSSLMODE',
      rootCert: env.PGSSLROOTCERT ?? null,
      cert: env.PGSSLCERT ?? null,
      key: env.PGSSLKEY ?? null,
    },
    target: `${user === undefined ? '' : `${user}@`}${hostPort(values.host, port)}/${database ?? ''} (${label})`,
    sources: [label],
  };
}

/** node-postgres's `ssl` option for one attempt: `false` for plaintext, else a tls.connect options object. */
export function pgSslOption(tls: TlsSettings, attempt: 'plain' | 'tls'): false | Record<string, unknown> {
  if (attempt === 'plain') return false;
  const read = (file: string | null, what: string): string | undefined => {
    if (file === null) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch {
      throw new ConnectionSettingsError(`cannot read the ${what} ${file}`);
    }
  };
  const ca = read(tls.rootCert, 'sslrootcert');
  const cert = read(tls.cert, 'sslcert');
  const key = read(tls.key, 'sslkey');
  const verify = tls.mode === 'verify-ca' || tls.mode === 'verify-full' || (tls.mode === 'require' && ca !== undefined);
  return {
    rejectUnauthorized: verify,
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    // verify-ca (and require with a root certificate, as in libpq) checks the chain, not the host name.
    ...(verify && tls.mode !== 'verify-full' ? { checkServerIdentity: () => undefined } : {}),
  };
}

/** The attempts libpq makes for a mode: `prefer` tries TLS then plaintext, `allow` the reverse. */
export function tlsAttempts(mode: SslMode): ('plain' | 'tls')[] {
  switch (mode) {
    case 'disable':
      return ['plain'];
    case 'allow':
      return ['plain', 'tls'];
    case 'prefer':
      return ['tls', 'plain'];
    default:
      return ['tls'];
  }
}
