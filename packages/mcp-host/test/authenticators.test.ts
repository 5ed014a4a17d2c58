import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  bearerTokenAuthenticator,
  headerTrustAuthenticator,
  HostConfigError,
  noAuthLoopback,
  sha256Hex,
} from '../src/index.js';

/** A request stand-in carrying only what authenticators read: headers and the peer address. */
function fakeRequest(headers: Array<[string, string]>, remoteAddress = '127.0.0.1'): IncomingMessage {
  const distinct: Record<string, string[]> = {};
  for (const [name, value] of headers) (distinct[name.toLowerCase()] ??= []).push(value);
  const socket = Object.defineProperty(new Socket(), 'remoteAddress', { value: remoteAddress });
  return { headersDistinct: distinct, socket } as unknown as IncomingMessage;
}

describe('bearerTokenAuthenticator', () => {
  const auth = bearerTokenAuthenticator([
    { principalId: 'human:alice', token: 'alice-token-0123456789' },
    { principalId: 'human:bob', tokenSha256: sha256Hex('bob-token-0123456789') },
  ]);

  it('maps each token (plain or pre-hashed) to its principal', () => {
    const a = auth.authenticate(fakeRequest([['authorization', 'Bearer alice-token-0123456789']]));
    const b = auth.authenticate(fakeRequest([['authorization', 'bearer bob-token-0123456789']]));
    expect(a).toMatchObject({ ok: true, principal: { id: 'human:alice', transport: 'http' } });
    expect(b).toMatchObject({ ok: true, principal: { id: 'human:bob' } });
  });

  it.each([
    ['no header', []],
    ['wrong token', [['authorization', 'Bearer alice-token-012345678']]],
    ['token prefix', [['authorization', 'Bearer alice']]],
    ['hash instead of token', [['authorization', `Bearer ${sha256Hex('bob-token-0123456789')}`]]],
    ['other scheme', [['authorization', 'Token alice-token-0123456789']]],
    ['empty bearer', [['authorization', 'Bearer ']]],
    ['two tokens', [['authorization', 'Bearer alice-token-0123456789 bob-token-0123456789']]],
    [
      'duplicate headers',
      [
        ['authorization', 'Bearer nope'],
        ['authorization', 'Bearer alice-token-0123456789'],
      ],
    ],
  ] as Array<[string, Array<[string, string]>]>)('%s → 401', (_name, headers) => {
    expect(auth.authenticate(fakeRequest(headers))).toMatchObject({ ok: false, status: 401 });
  });

  it('never keeps the plain token in the authenticator', () => {
    const text = JSON.stringify(auth) + Object.values(auth).map(String).join('');
    expect(text).not.toContain('alice-token-0123456789');
  });

  it('rejects bad configuration with typed errors', () => {
    expect(() => bearerTokenAuthenticator([])).toThrow(HostConfigError);
    expect(() => bearerTokenAuthenticator([{ principalId: 'a', token: '' }])).toThrow(/token/);
    expect(() => bearerTokenAuthenticator([{ principalId: 'a', tokenSha256: 'xyz' }])).toThrow(/64 hex/);
    expect(() =>
      bearerTokenAuthenticator([{ principalId: 'a', token: 't1', tokenSha256: sha256Hex('t1') }]),
    ).toThrow(/exactly one/);
    expect(() => bearerTokenAuthenticator([{ principalId: 'has space', token: 't1' }])).toThrow(/principal/);
    expect(() =>
      bearerTokenAuthenticator([
        { principalId: 'a', token: 'same' },
        { principalId: 'b', tokenSha256: sha256Hex('same') },
      ]),
    ).toThrow(/also used/);
  });
});

describe('headerTrustAuthenticator', () => {
  const auth = headerTrustAuthenticator({
    serviceToken: 'service-token-0123456789',
    header: 'X-Actor-Id',
    validateId: (id) => /^(human|llm):[a-z]+$/.test(id),
  });
  const service: [string, string] = ['authorization', 'Bearer service-token-0123456789'];

  it('accepts the actor only together with the service token', () => {
    expect(auth.authenticate(fakeRequest([service, ['x-actor-id', 'llm:agent']]))).toMatchObject({
      ok: true,
      principal: { id: 'llm:agent', transport: 'http' },
    });
  });

  it('without or with a wrong service token → 401, whatever the header says', () => {
    expect(auth.authenticate(fakeRequest([['x-actor-id', 'human:ceo']]))).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(
      auth.authenticate(
        fakeRequest([
          ['authorization', 'Bearer guess'],
          ['x-actor-id', 'human:ceo'],
        ]),
      ),
    ).toMatchObject({ ok: false, status: 401 });
  });

  it('missing, repeated or invalid actor ids → 403', () => {
    for (const extra of [
      [],
      [['x-actor-id', 'root']],
      [['x-actor-id', 'human:a b']],
      [
        ['x-actor-id', 'human:alice'],
        ['x-actor-id', 'human:bob'],
      ],
    ] as Array<Array<[string, string]>>) {
      expect(auth.authenticate(fakeRequest([service, ...extra]))).toMatchObject({ ok: false, status: 403 });
    }
  });

  it('refuses reserved header names', () => {
    for (const header of ['authorization', 'Host', 'mcp-session-id', 'bad header']) {
      expect(() => headerTrustAuthenticator({ serviceToken: 's', header, validateId: () => true })).toThrow(
        HostConfigError,
      );
    }
  });
});

describe('noAuthLoopback', () => {
  it('accepts loopback peers only', () => {
    const auth = noAuthLoopback('dev:local');
    expect(auth.authenticate(fakeRequest([], '127.0.0.1'))).toMatchObject({
      ok: true,
      principal: { id: 'dev:local' },
    });
    expect(auth.authenticate(fakeRequest([], '::1'))).toMatchObject({ ok: true });
    expect(auth.authenticate(fakeRequest([], '192.0.2.7'))).toMatchObject({ ok: false, status: 401 });
  });
});
