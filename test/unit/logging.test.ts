import { createLogger, redact } from '../../src/logging';

describe('redact', () => {
  it('replaces fields whose names mark them as secret', () => {
    expect(redact({ privateKey: 'x', apiKey: 'y', signature: '0xabc', nested: { WORKER_PRIVATE_KEY: 'z' } })).toEqual({
      privateKey: '[redacted]',
      apiKey: '[redacted]',
      signature: '[redacted]',
      nested: { WORKER_PRIVATE_KEY: '[redacted]' },
    });
  });

  it('masks 32-byte hex strings that could be keys, wherever they appear in text', () => {
    const key = `0x${'5a'.repeat(32)}`;
    expect(redact(`failed to sign with ${key} today`)).toBe('failed to sign with 0x[redacted] today');
  });

  it('keeps transaction hashes logged under a hash field', () => {
    const hash = `0x${'5a'.repeat(32)}`;
    expect(redact({ txHash: hash })).toEqual({ txHash: hash });
  });

  it('drops credentials from URLs', () => {
    expect(redact('https://user:secret@rpc.example.com/v3')).toBe('https://[redacted]@rpc.example.com/v3');
  });

  it('turns errors and bigints into plain values', () => {
    const redacted = redact({ error: new Error('boom'), amount: 10n ** 18n }) as {
      error: { message: string };
      amount: string;
    };
    expect(redacted.error.message).toBe('boom');
    expect(redacted.amount).toBe('1000000000000000000');
  });
});

describe('createLogger', () => {
  it('writes JSON lines at or above its level, with base fields', () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      format: 'json',
      base: { role: 'worker' },
      write: (line) => lines.push(line),
    });
    logger.debug('hidden');
    logger.info('Workflow started', { workflowId: 7 });
    logger.log('WARN', 'Degraded', { source: 'redis' });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'info', message: 'Workflow started', role: 'worker', workflowId: 7 }),
      expect.objectContaining({ level: 'warn', message: 'Degraded', role: 'worker', source: 'redis' }),
    ]);
  });

  it('never writes a private key passed as metadata', () => {
    const lines: string[] = [];
    const key = `0x${'c4'.repeat(32)}`;
    createLogger({ format: 'pretty', write: (line) => lines.push(line) }).error('Send failed', {
      wallet: { privateKey: key },
      detail: key,
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(key);
    expect(lines[0]).toContain('Send failed');
  });
});
