import type { RolloutPolicy } from '../records/index.js';
import { startRollout } from './state.js';

// Fixtures for the rollout tests: the shipped policy (policies/rollout.yaml) and a start.

export const policy: RolloutPolicy = {
  kind: 'RolloutPolicy',
  schema_version: 1,
  stages: [
    { weight: 5, hold: '6h' },
    { weight: 20, hold: '12h' },
    { weight: 50, hold: '24h' },
    { weight: 100 },
  ],
  analysis: {
    promote_probability: 0.95,
    keep_control_probability: 0.05,
    min_samples_per_arm: 1000,
  },
  rollback: { max_error_rate_ratio: 2, max_latency_ratio: 1.5, max_accuracy_drop: 0.05 },
};
export const H = 3_600_000;
export const t0 = new Date('2026-03-01T00:00:00.000Z');
export const at = (hours: number) => new Date(t0.getTime() + hours * H);
export const start = () => startRollout('fraud-1.3.0', '1.2.0', '1.3.0', policy, t0);
