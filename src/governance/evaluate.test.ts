import { describe, expect, it } from 'vitest';
import { evaluateGovernance } from './evaluate.js';
import { candidate, input, model, policy } from './testing.js';

describe('evaluateGovernance', () => {
  it('auto-approves a low-risk version that passes every check', () => {
    const r = evaluateGovernance(input());
    expect(r).toMatchObject({
      model: 'execution-agent',
      version: '1.1.0',
      production: '1.0.0',
      primaryMetric: { metric: 'accuracy', direction: 'maximize' },
      risk: { level: 'low', reasons: [] },
      decision: 'auto-approve',
      reasons: ['low risk and every check passes: approved by policy'],
      summary: 'auto-approve: low risk and every check passes: approved by policy',
      reviewers: ['ml-leads', 'qa-leads'],
      requiredApprovals: 1,
    });
    expect(r.checks.every((c) => c.passed)).toBe(true);
  });

  it('needs review when the risk is high, with each reason', () => {
    const r = evaluateGovernance(
      input({
        candidate: candidate({
          version: '2.0.0',
          architecture: { type: 'mlp', framework: 'typescript' },
          change: { level: 'major', reason: 'new architecture: mlp' },
        }),
        version: '2.0.0',
      }),
    );
    expect(r.decision).toBe('needs-review');
    expect(r.reasons).toEqual([
      'high risk: architecture changes from logistic-regression (production 1.0.0) to mlp',
      'high risk: 2.0.0 is a major change: new architecture: mlp',
    ]);
    expect(r.summary).toBe(
      'needs review: high risk: architecture changes from logistic-regression (production 1.0.0) to mlp (and 1 more)',
    );
  });

  it('needs review for low risk when the policy does not auto-approve', () => {
    const p = { ...policy, approval: { ...policy.approval, auto_approve_low_risk: false } };
    const r = evaluateGovernance(input({ policy: p }));
    expect(r.decision).toBe('needs-review');
    expect(r.reasons[0]).toMatch(/policy does not auto-approve/);
  });

  it('rejects when a check fails, whatever the risk', () => {
    const r = evaluateGovernance(
      input({ candidate: candidate({ metrics: { ...candidate().metrics, accuracy: 0.94 } }) }),
    );
    expect(r.decision).toBe('reject');
    expect(r.reasons).toEqual([
      'accuracy improves only 0.97 % over production 1.0.0 (0.931 → 0.94); at least 2 % required',
    ]);
  });

  it("judges by the base model's overrides, not the head's, and a change to them is high risk", () => {
    const lowered = { ...model, governance: { min_accuracy: 0.5, min_improvement: -1 } };
    const weak = candidate({ metrics: { ...candidate().metrics, accuracy: 0.89 } });
    const r = evaluateGovernance(input({ model: lowered, candidate: weak }));
    expect(r.decision).toBe('reject');
    expect(r.reasons).toContain('accuracy 0.89 is below the minimum 0.9');
    expect(r.risk.ids).toContain('governance_overrides');
    // the same overrides on the base apply (reviewed already), and are then no change
    const ok = evaluateGovernance(input({ baseModel: lowered, model: lowered, candidate: weak }));
    expect(ok.thresholds).toMatchObject({
      min_accuracy: 0.5,
      overridden: ['min_accuracy', 'min_improvement'],
    });
    expect(ok.decision).toBe('auto-approve'); // accuracy fell 4.4 %: allowed by both
  });

  it("asks the base model's approvers when it names some", () => {
    const own = { ...model, governance: { approvers: ['@acme/ranking'] } };
    const r = evaluateGovernance(input({ baseModel: own, model: own }));
    expect(r.reviewers).toEqual(['@acme/ranking']);
  });

  it('rejects a version that is not registered, saying which file is missing', () => {
    const r = evaluateGovernance(
      input({ candidate: undefined, registered: false, version: '9.9.9' }),
    );
    expect(r.decision).toBe('reject');
    expect(r.checks).toEqual([]);
    expect(r.reasons).toEqual([
      'version 9.9.9 is not registered: no registry/models/execution-agent/versions/9.9.9.yaml',
    ]);
  });

  it('rejects a stale promotion: production moved since it was prepared', () => {
    const r = evaluateGovernance(input({ productionMovedFrom: '0.9.0' }));
    expect(r.decision).toBe('reject');
    expect(r.reasons).toEqual([
      'stale promotion: production was 0.9.0 when this was prepared, it is 1.0.0 now; promote 1.1.0 again from the current base',
    ]);
    const none = evaluateGovernance(input({ productionMovedFrom: null }));
    expect(none.reasons[0]).toMatch(/^stale promotion: production was none when/);
  });

  it('rejects a promotion another one overtook, and one while a rollout is in progress', () => {
    const overtaken = evaluateGovernance(
      input({ version: '1.2.0', candidateMovedFrom: null, rolloutInProgress: '1.1.0' }),
    );
    expect(overtaken.reasons).toEqual([
      'stale promotion: the candidate was none when this was prepared, it is 1.1.0 now (another promotion merged first); promote 1.2.0 again once that rollout ends',
    ]);
    const busy = evaluateGovernance(input({ version: '1.2.0', rolloutInProgress: '1.1.0' }));
    expect(busy.reasons).toEqual([
      '1.1.0 is being rolled out; wait for its rollout to finish (or abort it) before promoting 1.2.0',
    ]);
  });

  it('rejects the version already in production', () => {
    const r = evaluateGovernance(
      input({ version: '1.0.0', candidate: candidate({ version: '1.0.0' }) }),
    );
    expect(r.reasons).toEqual(['1.0.0 is already in production']);
  });

  it('judges by the base evaluation: a head that changes the primary metric changes nothing', () => {
    const head = {
      ...model,
      evaluation: { primary_metric: 'recall', direction: 'maximize' as const },
    };
    const r = evaluateGovernance(input({ model: head }));
    expect(r.primaryMetric.metric).toBe('accuracy');
  });

  it('gives a first version, with no production, needs-review as a major change', () => {
    const first = candidate({
      version: '1.0.0',
      change: { level: 'major', reason: 'first version' },
    });
    const r = evaluateGovernance(
      input({ version: '1.0.0', candidate: first, production: undefined, baseModel: undefined }),
    );
    expect(r.production).toBeNull();
    expect(r.checks.find((c) => c.id === 'improvement')!.detail).toBe(
      'n/a: no production to compare',
    );
    expect(r.decision).toBe('needs-review');
    expect(r.reasons).toEqual(['high risk: 1.0.0 is a major change: first version']);
  });
});
