// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EscalationDetail } from '../src/api/types';
import EscalationPage from '../src/pages/EscalationPage.vue';
import { parseHash, route } from '../src/router';
import { fakeApi, settle } from './helpers';

afterEach(() => vi.unstubAllGlobals());

/** An open T3 escalation as GET /api/escalations/:id returns it (no match: a period or a held import). */
function detail(over: Partial<EscalationDetail>): EscalationDetail {
  return {
    id: 12,
    action: 'close_period',
    subjectKind: 'period',
    subjectId: 'US01|2026-03',
    state: 'open',
    tier: 'T3',
    clause: {
      code: 'T3_DUAL_APPROVAL_REQUIRED',
      text: 'Irreversible actions need distinct human approvals.',
      pointer: '/rules/t3_dual_approval_required',
      policyVersion: 'p1',
      tier: 'T3',
    },
    requestedBy: 'human:alice',
    requestRationale: '',
    createdAt: '2026-04-02T12:00:00.000Z',
    resolvedBy: null,
    resolutionRationale: null,
    resolvedAt: null,
    match: null,
    sides: null,
    varianceUsd: null,
    proposerRationale: '',
    votes: [],
    votesRequired: 3,
    auditEvents: [],
    canVote: true,
    cannotVoteReason: null,
    ...over,
  };
}

async function show(d: EscalationDetail) {
  Object.assign(route, parseHash(`#/escalations/${d.id}`));
  fakeApi({ [`GET /api/escalations/${d.id}`]: () => ({ json: d }) });
  const wrapper = mount(EscalationPage);
  await settle();
  return wrapper;
}

describe('EscalationPage: the votes the service says are needed', () => {
  it('a period close shows the policy count (3), not a constant', async () => {
    const wrapper = await show(detail({}));
    expect(wrapper.get('h1').text()).toContain('period close US01|2026-03');
    expect(wrapper.get('#votes-h').text()).toBe('Votes (0 of 3 approvals needed)');
  });

  it('a held import is named as one and shows its vote count before the first vote', async () => {
    const wrapper = await show(
      detail({ id: 13, action: 'post_entry', subjectKind: 'import', subjectId: '4', votesRequired: 2 }),
    );
    expect(wrapper.get('h1').text()).toContain('held import 4');
    expect(wrapper.get('h1').text()).not.toContain('match');
    expect(wrapper.get('#votes-h').text()).toBe('Votes (0 of 2 approvals needed)');
    expect(wrapper.get('#rat-h').text()).toBe("Requester's rationale");
  });

  it('a match escalation (one human decides) shows no vote count', async () => {
    const wrapper = await show(
      detail({
        id: 14,
        action: 'confirm',
        subjectKind: 'match',
        subjectId: '9',
        tier: 'T2',
        votesRequired: 1,
      }),
    );
    expect(wrapper.find('#votes-h').exists()).toBe(false);
    expect(wrapper.get('#rat-h').text()).toBe("Proposer's rationale");
  });
});
