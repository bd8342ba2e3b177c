import { describe, expect, it } from 'vitest';
import { directionOf } from './numbers.js';
import { assessRisk, underPath, type RiskContext } from './risk.js';
import { candidate, model, policy, production } from './testing.js';

const ctx = (patch: Partial<RiskContext> = {}): RiskContext => ({
  policy,
  candidate: candidate(),
  production,
  changedPaths: ['registry/models/execution-agent/deployment.yaml'],
  baseModel: model,
  model,
  direction: directionOf(model.evaluation),
  ...patch,
});

describe('assessRisk', () => {
  it('is low for a retrain of the same architecture that improves every metric', () => {
    expect(assessRisk(ctx())).toEqual({ level: 'low', reasons: [], ids: [] });
  });

  it('is high when the architecture or the framework changes, naming both sides', () => {
    const c = candidate({ architecture: { type: 'mlp', framework: 'pytorch' } });
    const risk = assessRisk(ctx({ candidate: c }));
    expect(risk.level).toBe('high');
    expect(risk.ids).toEqual(['architecture', 'framework']);
    expect(risk.reasons).toEqual([
      'architecture changes from logistic-regression (production 1.0.0) to mlp',
      'framework changes from typescript (production 1.0.0) to pytorch',
    ]);
  });

  it('is high for a major version, by its change level or by its number', () => {
    const byLevel = candidate({ change: { level: 'major', reason: 'new loss' } });
    expect(assessRisk(ctx({ candidate: byLevel })).reasons).toEqual([
      '1.1.0 is a major change: new loss',
    ]);
    const byNumber = candidate({ version: '2.0.0' });
    expect(assessRisk(ctx({ candidate: byNumber })).reasons).toEqual([
      '2.0.0 is a major bump over production 1.0.0 (its change says minor)',
    ]);
  });

  it('is high when any metric drops more than the policy allows, either direction', () => {
    const c = candidate({
      metrics: { accuracy: 0.955, latency_p95_ms: 3.3, precision: 0.79, recall: 0.81 },
    });
    const risk = assessRisk(ctx({ candidate: c }));
    expect(risk.ids).toEqual(['metric_drop', 'metric_drop']);
    expect(risk.reasons).toEqual([
      'latency_p95_ms is 10 % worse than production 1.0.0 (3 → 3.3), more than the 5 % allowed',
      'precision is 5.95 % worse than production 1.0.0 (0.84 → 0.79), more than the 5 % allowed',
    ]);
    // recall fell 1.2 %: within the allowance
  });

  it('ignores metrics only one side has', () => {
    const c = candidate({ metrics: { ...candidate().metrics, f1: 0.1 } });
    expect(assessRisk(ctx({ candidate: c })).level).toBe('low');
  });

  it('is high when the change touches a high-risk path, listing what it touched', () => {
    const risk = assessRisk(
      ctx({
        changedPaths: [
          '.github/workflows/validate.yml',
          'policies/governance.yaml',
          'policies-old/x.yaml',
          'registry/models/execution-agent/deployment.yaml',
        ],
      }),
    );
    expect(risk.reasons).toEqual([
      'the change touches policies/: policies/governance.yaml',
      'the change touches .github/: .github/workflows/validate.yml',
    ]);
  });

  it("is high when the model's governance overrides change, or a new model sets some", () => {
    const head = { ...model, governance: { min_accuracy: 0.8, approvers: ['ana'] } };
    const base = { ...model, governance: { min_accuracy: 0.9 } };
    expect(assessRisk(ctx({ baseModel: base, model: head })).reasons).toEqual([
      `the model's governance overrides change (approvers (none) → ["ana"]; min_accuracy 0.9 → 0.8); they are reviewed like policy`,
    ]);
    expect(
      assessRisk(ctx({ baseModel: undefined, production: undefined, model: head })).reasons,
    ).toEqual([
      'the model is new and sets governance overrides (approvers (none) → ["ana"]; min_accuracy (none) → 0.8); they are reviewed like policy',
    ]);
  });

  it('judges only the change when there is no candidate record', () => {
    const risk = assessRisk(ctx({ candidate: undefined, changedPaths: ['policies/drift.yaml'] }));
    expect(risk.ids).toEqual(['high_risk_path']);
  });
});

describe('underPath', () => {
  it('matches a folder entry by prefix and a bare entry as a file or a folder', () => {
    expect(underPath('policies/a.yaml', 'policies/')).toBe(true);
    expect(underPath('policies', 'policies/')).toBe(false);
    expect(underPath('.github/CODEOWNERS', '.github')).toBe(true);
    expect(underPath('.github', '.github')).toBe(true);
    expect(underPath('.githubx/a', '.github')).toBe(false);
    expect(underPath('policies/a.yaml', '/policies/')).toBe(true);
  });

  it('matches a glob with picomatch, dot files included; once, policies/*.yaml never matched', () => {
    expect(underPath('policies/governance.yaml', 'policies/*.yaml')).toBe(true);
    expect(underPath('policies/.hidden.yaml', 'policies/*.yaml')).toBe(true);
    expect(underPath('policies/sub/a.yaml', 'policies/*.yaml')).toBe(false);
    expect(underPath('policies/sub/a.yaml', 'policies/**/*.yaml')).toBe(true);
    expect(underPath('policies/a.yml', 'policies/*.{yaml,yml}')).toBe(true);
    expect(underPath('registry/models/m/model.yaml', 'registry/models/*/model.yaml')).toBe(true);
    expect(underPath('registry/models/m/deployment.yaml', 'registry/models/*/model.yaml')).toBe(
      false,
    );
  });

  it('a glob naming a folder covers what is under it, as a folder entry does', () => {
    expect(underPath('actions/rollout/dist/index.js', 'actions/*/dist')).toBe(true);
    expect(underPath('actions/rollout/src/main.ts', 'actions/*/dist')).toBe(false);
    expect(underPath('.github/workflows/ci.yml', '.github/**')).toBe(true);
  });

  it('an entry validation refuses counts every path as under it (review, never a silent pass)', () => {
    expect(underPath('registry/models/m/deployment.yaml', 'policies/[a')).toBe(true);
  });

  it('a change under a glob entry is high risk, naming the entry', () => {
    const risk = assessRisk(
      ctx({
        policy: { ...policy, risk: { ...policy.risk, high_risk_paths: ['policies/*.yaml'] } },
        changedPaths: ['registry/models/execution-agent/deployment.yaml', 'policies/rollout.yaml'],
      }),
    );
    expect(risk.ids).toEqual(['high_risk_path']);
    expect(risk.reasons).toEqual(['the change touches policies/*.yaml: policies/rollout.yaml']);
  });
});
