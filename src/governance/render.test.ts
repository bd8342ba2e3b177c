import { describe, expect, it } from 'vitest';
import { evaluateGovernance } from './evaluate.js';
import { governanceMarkdown, governanceText } from './render.js';
import { candidate, input, model } from './testing.js';

const at = {
  baseRef: 'main',
  base: '1'.repeat(40),
  headRef: 'promote/execution-agent/1.1.0',
  head: '2'.repeat(40),
  mergeBase: '3'.repeat(40),
};

describe('governanceMarkdown', () => {
  it('shows the decision in bold, every check as a row, the risk, the reasons and reviewers', () => {
    const r = evaluateGovernance(
      input({
        at,
        candidate: candidate({ metrics: { ...candidate().metrics, accuracy: 0.88 } }),
        changedPaths: ['policies/governance.yaml'],
        baseModel: { ...model, governance: { max_slice_gap: 0.1 } },
      }),
    );
    expect(governanceMarkdown(r)).toBe(
      [
        '❌ **Decision: reject** — accuracy 0.88 is below the minimum 0.9',
        '',
        '**execution-agent 1.1.0** against production 1.0.0\\',
        'policy and production: `main` at `1111111`\\',
        'change: `promote/execution-agent/1.1.0` at `2222222` since `3333333`',
        '',
        '| check | value | threshold | result |',
        '| --- | --: | --: | :-: |',
        '| accuracy | 0.88 | ≥ 0.9 | ❌ |',
        '| latency p95 | 3 ms | < 100 ms | ✅ |',
        '| improvement (accuracy) | -5.48 % | ≥ 2 % | ❌ |',
        '| slice gap (accuracy) | -0.06 | ≤ 0.1 (model) | ✅ |',
        '',
        '**Risk: high**',
        '',
        '- accuracy is 5.48 % worse than production 1.0.0 (0.931 → 0.88), more than the 5 % allowed',
        '- the change touches policies/: policies/governance.yaml',
        "- the model's governance overrides change (max_slice_gap 0.1 → (none)); they are reviewed like policy",
        '',
        '**Why reject:**',
        '',
        '- accuracy 0.88 is below the minimum 0.9',
        '- accuracy is 5.48 % worse than production 1.0.0 (0.931 → 0.88); at least 2 % required',
        '',
        '**Reviewers:** @ml-leads, @qa-leads (1 approval required when review is needed)',
        '',
      ].join('\n'),
    );
  });

  it('shows where the approval stands and why each ignored review does not count', () => {
    const r = evaluateGovernance(input({ changedPaths: ['.github/CODEOWNERS'] }));
    const md = governanceMarkdown(r, {
      title: 'Governance',
      approval: {
        satisfied: false,
        approvedBy: [],
        changesRequestedBy: [],
        ignored: [
          { user: 'dana', reason: 'the author cannot approve their own promotion' },
          { user: 'ml-leads', reason: 'approved an older commit bbbbbbb (the latest is aaaaaaa)' },
        ],
        missing: 1,
        summary: '1 more approval needed from @ml-leads or @qa-leads on the latest commit',
      },
    });
    expect(
      md.startsWith(
        '### Governance\n\n👀 **Decision: needs-review** — high risk: the change touches .github/',
      ),
    ).toBe(true);
    expect(md).toContain(
      [
        '**Approval:** ⏳ 1 more approval needed from @ml-leads or @qa-leads on the latest commit',
        '',
        "- @dana's review does not count: the author cannot approve their own promotion",
        "- @ml-leads's review does not count: approved an older commit bbbbbbb (the latest is aaaaaaa)",
      ].join('\n'),
    );
  });

  it('says no checks ran for an unregistered version, and escapes pipes', () => {
    const r = evaluateGovernance(
      input({ candidate: undefined, registered: false, version: '9.9.9' }),
    );
    const md = governanceMarkdown(r);
    expect(md).toContain('_No checks ran: 9.9.9 has no version record._');
    expect(md).toContain(
      '❌ **Decision: reject** — version 9.9.9 is not registered: no registry/models/execution-agent/versions/9.9.9.yaml',
    );
    r.reasons = ['a | b'];
    expect(governanceMarkdown(r)).toContain('- a \\| b');
  });
});

describe('governanceText', () => {
  it('prints aligned columns, the risk, the decision with its reasons, and reviewers', () => {
    const r = evaluateGovernance(input({ at: { ...at, head: at.mergeBase, headRef: 'HEAD' } }));
    expect(governanceText(r)).toBe(
      [
        'execution-agent 1.1.0 against production 1.0.0',
        'policy and production: main at 1111111',
        'change: none (HEAD at 3333333 is in main)',
        '',
        'CHECK                   VALUE    THRESHOLD  RESULT',
        'accuracy                0.955    >= 0.9     pass',
        'latency p95             3 ms     < 100 ms   pass',
        'improvement (accuracy)  +2.58 %  >= 2 %     pass',
        'slice gap (accuracy)    0.015    <= 0.05    pass',
        '',
        'risk: low',
        'decision: auto-approve',
        '  - low risk and every check passes: approved by policy',
        'reviewers: @ml-leads, @qa-leads (1 approval required when review is needed)',
        '',
      ].join('\n'),
    );
  });

  it('names a head given as a commit once', () => {
    const r = evaluateGovernance(input({ at: { ...at, headRef: at.head } }));
    expect(governanceText(r)).toContain('\nchange: 2222222 since 3333333\n');
  });

  it('marks n/a checks and failures', () => {
    const r = evaluateGovernance(
      input({
        production: undefined,
        candidate: candidate({ metrics: { accuracy: 0.95 } }),
      }),
    );
    const text = governanceText(r);
    expect(text).toMatch(/^latency p95 +missing +< 100 ms +FAIL$/m);
    expect(text).toMatch(/^improvement \(accuracy\) +n\/a +>= 2 % +pass \(n\/a\)$/m);
    expect(text).toContain('decision: reject\n  - no latency_p95_ms metric\n');
  });
});
