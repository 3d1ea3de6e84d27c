import { describe, expect, it } from 'vitest';
import { captureLog } from '../support/capture-log.js';
import { createLogger, redactUrl } from '../../gateway/logging/index.js';

describe('redactUrl', () => {
  it('hides the password and keeps host, port and database', () => {
    expect(redactUrl('postgres://app:p%40ss@db:5432/shop?sslmode=require')).toBe('postgres://app:***@db:5432/shop?sslmode=require');
  });

  it('hides a password given as a query parameter', () => {
    expect(redactUrl('postgresql://app@db/shop?password=hunter2')).toBe('postgresql://app@db/shop?password=***');
  });

  it('leaves a URL without a password unchanged and hides one it cannot parse', () => {
    expect(redactUrl('postgres://db/shop')).toBe('postgres://db/shop');
    expect(redactUrl('user=app password=hunter2')).toBe('[unparseable URL]');
  });
});

describe('createLogger', () => {
  it('writes JSON lines at the configured level', () => {
    const { stream, lines } = captureLog();
    const logger = createLogger('warn', stream);
    logger.info('hidden');
    logger.warn({ table: 'album' }, 'shown');
    expect(lines()).toMatchObject([{ level: 40, name: 'sluice', table: 'album', msg: 'shown' }]);
  });

  it('redacts admin secrets, authorization headers, passwords and database URL passwords', () => {
    const { stream, lines } = captureLog();
    const logger = createLogger('info', stream);
    logger.info(
      {
        req: { headers: { 'x-hasura-admin-secret': 'hunter2', authorization: 'Bearer hunter2', 'x-hasura-role': 'user' } },
        config: { adminSecret: 'hunter2', databaseUrl: 'postgres://app:hunter2@db/shop' },
        connection: { password: 'hunter2', connectionString: 'postgresql://app:hunter2@db/shop' },
        url: 'http://localhost:8080',
      },
      'request',
    );
    const [line] = lines();
    expect(JSON.stringify(line)).not.toContain('hunter2');
    expect(line).toMatchObject({
      req: { headers: { 'x-hasura-admin-secret': '[Redacted]', authorization: '[Redacted]', 'x-hasura-role': 'user' } },
      config: { adminSecret: '[Redacted]', databaseUrl: 'postgres://app:***@db/shop' },
      connection: { password: '[Redacted]', connectionString: 'postgresql://app:***@db/shop' },
      url: 'http://localhost:8080',
    });
  });
});
