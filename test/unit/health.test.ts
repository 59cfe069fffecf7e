import { checkHealth, type HealthProbe } from '../../src/api/health';

const up = (name: string): HealthProbe => ({ name, check: async () => undefined });
const down = (name: string, reason: string): HealthProbe => ({
  name,
  check: async () => {
    throw new Error(reason);
  },
});
const hung = (name: string): HealthProbe => ({ name, check: () => new Promise(() => undefined) });

describe('checkHealth', () => {
  it('is healthy only when every probe answers', async () => {
    expect(await checkHealth([up('temporal'), up('redis'), up('chain')])).toEqual({
      healthy: true,
      down: [],
      checks: { temporal: 'ok', redis: 'ok', chain: 'ok' },
    });
  });

  it('names each dependency that is down, with its reason', async () => {
    const report = await checkHealth([up('temporal'), down('redis', 'connection refused'), up('chain')]);
    expect(report.healthy).toBe(false);
    expect(report.down).toEqual(['redis']);
    expect(report.checks.redis).toBe('connection refused');
  });

  it('counts a probe that does not answer in time as down', async () => {
    const report = await checkHealth([hung('chain'), up('redis')], 50);
    expect(report.down).toEqual(['chain']);
    expect(report.checks.chain).toBe('no answer within 50 ms');
  });
});
