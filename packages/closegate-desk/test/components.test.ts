// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExceptionListResponse, EntryView } from '../src/api/types';
import { setCsrfToken } from '../src/api/client';
import DataTable from '../src/components/DataTable.vue';
import DecisionForm from '../src/components/DecisionForm.vue';
import FilterBar from '../src/components/FilterBar.vue';
import MoneyCell from '../src/components/MoneyCell.vue';
import ExceptionsPage from '../src/pages/ExceptionsPage.vue';
import { fakeApi, settle } from './helpers';

afterEach(() => vi.unstubAllGlobals());

describe('MoneyCell', () => {
  it('shows the amount with its currency and a minus sign', () => {
    expect(mount(MoneyCell, { props: { amount: '-1234.5', currency: 'EUR' } }).text()).toBe(
      '\u22121,234.50\u00a0EUR',
    );
    expect(mount(MoneyCell, { props: { amount: null, currency: 'EUR' } }).text()).toBe('—');
  });
});

describe('DataTable', () => {
  it('sorts through header buttons and announces the order', async () => {
    const wrapper = mount(DataTable, {
      props: {
        caption: 'T',
        columns: [
          { key: 'a', label: 'A', sortable: true },
          { key: 'b', label: 'B' },
        ],
        rows: [{ a: 1, b: 'x' }],
        rowKey: (r: object) => (r as { a: number }).a,
        sort: 'a',
        order: 'desc',
      },
    });
    expect(wrapper.get('th').attributes('aria-sort')).toBe('descending');
    expect(wrapper.findAll('th')[1]!.find('button').exists()).toBe(false);
    await wrapper.get('th button').trigger('click');
    expect(wrapper.emitted('sort')).toEqual([['a']]);
  });
});

describe('FilterBar', () => {
  it('labels every control and applies on submit only', async () => {
    const wrapper = mount(FilterBar, {
      props: { label: 'F', fields: [{ key: 'entity', label: 'Entity' }], values: { entity: 'US01' } },
    });
    const input = wrapper.get('input');
    expect(wrapper.get(`label[for="${input.attributes('id')}"]`).text()).toBe('Entity');
    expect((input.element as HTMLInputElement).value).toBe('US01');
    await input.setValue('DE01');
    expect(wrapper.emitted('apply')).toBeUndefined();
    await wrapper.get('form').trigger('submit');
    expect(wrapper.emitted('apply')).toEqual([[{ entity: 'DE01' }]]);
  });
});

describe('DecisionForm', () => {
  it('keeps the controls visible but disabled, and says why the user cannot vote', () => {
    const wrapper = mount(DecisionForm, { props: { escalationId: 7, canVote: false, reason: 'requester' } });
    expect(wrapper.get('[data-testid="cannot-vote"]').text()).toContain('You requested this');
    const approve = wrapper.findAll('button').find((b) => b.text() === 'Approve')!;
    expect(approve.attributes('disabled')).toBeDefined();
    expect(approve.attributes('aria-describedby')).toBe('cannot-vote');
  });

  it('requires a rationale and sends the decision with the CSRF token', async () => {
    const calls = fakeApi({
      'POST /api/escalations/7/approve': () => ({
        json: { status: 'approved', outcome: 'allow', auditSeq: 99, actor: 'human:bob' },
      }),
    });
    setCsrfToken('tok-123');
    const wrapper = mount(DecisionForm, { props: { escalationId: 7, canVote: true, reason: null } });
    const approve = wrapper.findAll('button').find((b) => b.text() === 'Approve')!;
    await approve.trigger('click');
    await settle();
    expect(calls).toHaveLength(0);
    expect(wrapper.get('[role="alert"]').text()).toContain('rationale is required');
    await wrapper.get('textarea').setValue('amounts and reference agree');
    await approve.trigger('click');
    await settle();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toEqual({ rationale: 'amounts and reference agree' });
    expect(calls[0]!.headers['x-csrf-token']).toBe('tok-123');
    expect(wrapper.get('[data-testid="decision-result"]').text()).toContain('human:bob');
    expect(wrapper.emitted('decided')).toHaveLength(1);
  });

  it('shows the clause when the gate denies the decision', async () => {
    fakeApi({
      'POST /api/escalations/7/reject': () => ({
        status: 409,
        json: {
          error: {
            code: 'GATE_DENIED',
            message: 'the proposer cannot decide',
            clause: {
              code: 'SOD_PROPOSER',
              text: 'No one confirms their own proposal.',
              pointer: '/sod/0',
              policyVersion: 'abc',
              tier: 'T2',
            },
          },
        },
      }),
    });
    const wrapper = mount(DecisionForm, { props: { escalationId: 7, canVote: true, reason: null } });
    await wrapper.get('textarea').setValue('no');
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Reject')!
      .trigger('click');
    await settle();
    expect(wrapper.get('[role="alert"]').text()).toContain('GATE_DENIED');
    expect(wrapper.get('[role="alert"]').text()).toContain('No one confirms their own proposal.');
  });
});

describe('ExceptionsPage manual match', () => {
  const entry = (id: number, source: EntryView['source'], amount: string): EntryView => ({
    id,
    source,
    entity: 'US01',
    accountCode: '1000',
    postingDate: '2026-01-15',
    amount,
    currency: 'USD',
    reference: `R${id}`,
    description: 'd',
    counterparty: 'ACME',
    state: 'exception',
  });
  const list: ExceptionListResponse = {
    page: 1,
    pageSize: 25,
    total: 3,
    rows: [entry(1, 'gl', '100.10'), entry(2, 'bank', '60.05'), entry(3, 'bank', '40.05')].map((e, i) => ({
      id: i + 1,
      entry: e,
      reasonCode: 'NO_CANDIDATE',
      detail: 'nothing close',
      raisedBy: 'engine:matcher',
      createdAt: '2026-01-16T00:00:00Z',
      ageDays: 3,
    })),
  };

  it('shows the running difference as lines are selected and proposes the match', async () => {
    const calls = fakeApi({
      'GET /api/exceptions': () => ({ json: list }),
      'POST /api/matches/manual': () => ({
        json: { status: 'proposed', outcome: 'allow', auditSeq: 5, matchId: 12, actor: 'human:alice' },
      }),
    });
    const wrapper = mount(ExceptionsPage);
    await settle();
    const boxes = wrapper.findAll('input[type="checkbox"]');
    expect(boxes).toHaveLength(3);
    await boxes[0]!.setValue(true);
    await boxes[1]!.setValue(true);
    const diff = () => wrapper.get('[data-testid="running-difference"]').text();
    expect(diff()).toContain('40.05\u00a0USD');
    expect(diff()).toContain('not balanced');
    await boxes[2]!.setValue(true);
    expect(diff()).toContain('0.00\u00a0USD');
    expect(diff()).toMatch(/\bbalanced/);
    expect(diff()).not.toContain('not balanced');
    await wrapper.get('#mm-rationale').setValue('split bank receipt');
    await wrapper.findAll('form')[1]!.trigger('submit');
    await settle();
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.body).toEqual({ entryIds: [1, 2, 3], rationale: 'split bank receipt' });
    expect(wrapper.get('[data-testid="exceptions-message"]').text()).toContain(
      'Match 12 proposed as human:alice',
    );
  });
});
