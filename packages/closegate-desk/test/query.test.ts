import { describe, expect, it } from 'vitest';
import { auditQuery } from '../src/lib/auditQuery';
import { inboxQuery } from '../src/lib/inboxQuery';
import { fromQueryString, nextSort, toQueryString } from '../src/lib/query';
import { href, parseHash } from '../src/router';

describe('filters -> query string', () => {
  it('drops empty values and orders keys stably', () => {
    expect(toQueryString({ tier: 'T2', entity: 'DE01', clause: '', account: undefined, page: 2 })).toBe(
      '?entity=DE01&page=2&tier=T2',
    );
    expect(toQueryString({})).toBe('');
  });

  it('encodes what a user types so it cannot add parameters', () => {
    const qs = toQueryString({ actor: 'human:alice&type=X', clause: 'a b' });
    expect(qs).toBe('?actor=human%3Aalice%26type%3DX&clause=a+b');
    expect(fromQueryString(qs)).toEqual({ actor: 'human:alice&type=X', clause: 'a b' });
  });

  it('turns the inbox URL into a valid /api/escalations query', () => {
    expect(
      inboxQuery({
        entity: 'US01',
        tier: 'T3',
        minAgeDays: '7',
        minAmount: '1000.50',
        sort: 'amountUsd',
        order: 'asc',
      }),
    ).toEqual({
      entity: 'US01',
      tier: 'T3',
      minAgeDays: 7,
      minAmount: '1000.50',
      sort: 'amountUsd',
      order: 'asc',
      page: 1,
      pageSize: 25,
    });
  });

  it('ignores unknown keys and bad values in a hand-edited inbox URL', () => {
    expect(inboxQuery({ tier: 'T9', sort: 'drop table', page: '-4', minAgeDays: '1e9', evil: 'x' })).toEqual({
      sort: 'age',
      order: 'desc',
      page: 1,
      pageSize: 25,
    });
  });

  it('builds the audit query (type upper-cased, match id numeric only)', () => {
    expect(auditQuery({ actor: 'human:alice', type: 'match_confirmed', matchId: '12', page: '3' })).toEqual({
      actor: 'human:alice',
      type: 'MATCH_CONFIRMED',
      matchId: 12,
      page: 3,
      pageSize: 50,
    });
    expect(auditQuery({ matchId: '12; drop' })).toEqual({ page: 1, pageSize: 50 });
  });

  it('flips the sort direction on the same column and starts a new column ascending', () => {
    expect(nextSort({ sort: 'age', dir: 'desc' }, 'age')).toEqual({ sort: 'age', dir: 'asc' });
    expect(nextSort({ sort: 'age', dir: 'asc' }, 'entity')).toEqual({ sort: 'entity', dir: 'asc' });
  });
});

describe('hash router', () => {
  it('parses pages, ids and queries', () => {
    expect(parseHash('#/escalations/42?x=1')).toEqual({
      name: 'escalation',
      params: { id: '42' },
      query: { x: '1' },
    });
    expect(parseHash('').name).toBe('inbox');
    expect(parseHash('#/audit?actor=human%3Aalice').query).toEqual({ actor: 'human:alice' });
    expect(parseHash('#/escalations/abc').name).toBe('not-found');
    expect(href('/inbox', { page: 2 })).toBe('#/inbox?page=2');
  });
});
