import { describe, expect, it } from 'vitest';
import { csvField } from '../../src/api/routes/audit.js';
import { findRoute } from '../../src/api/router.js';
import { deriveAllowLists } from 'mcp-host';

describe('audit CSV cells', () => {
  it('quotes separators, quotes and newlines (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line1\nline2')).toBe('"line1\nline2"');
    expect(csvField(42)).toBe('42');
    expect(csvField({ amount: '1.00', memo: 'x,y' })).toBe('"{""amount"":""1.00"",""memo"":""x,y""}"');
  });

  it('never lets a cell start a spreadsheet formula (memos are attacker data)', () => {
    for (const evil of ['=HYPERLINK("http://evil")', '+1+1', '-2+3', '@SUM(A1)', '\t=1'])
      expect(csvField(evil).replace(/^"/, '').startsWith("'")).toBe(true);
  });
});

describe('routing', () => {
  it('treats a malformed escape in an id as no id, and a wrong method apart from a wrong path', () => {
    const r = findRoute('GET', '/api/escalations/%E0');
    expect(r).not.toBeNull();
    expect(r !== 'method' && r!.params).toEqual(['']);
    expect(findRoute('DELETE', '/api/escalations/1')).toBe('method');
    expect(findRoute('GET', '/api/escalations/1/approve')).toBe('method');
    expect(findRoute('GET', '/api/../etc/passwd')).toBeNull();
  });
});

describe('allow-lists', () => {
  it('are the loopback names of the bound port, plus a concrete bind address and the public URL', () => {
    const l = deriveAllowLists({ host: '127.0.0.1' }, 8780);
    expect([...l.hosts]).toEqual(expect.arrayContaining(['127.0.0.1:8780', 'localhost:8780', '[::1]:8780']));
    expect(l.hosts.has('127.0.0.1:8781')).toBe(false);
    expect(l.origins.has('http://localhost:8780')).toBe(true);
    const wide = deriveAllowLists({ host: '0.0.0.0', publicUrl: 'https://desk.example.com' }, 443);
    expect(wide.hosts.has('0.0.0.0:443')).toBe(false);
    expect(wide.hosts.has('desk.example.com')).toBe(true);
    expect(wide.origins.has('https://desk.example.com')).toBe(true);
    expect(wide.origins.has('http://desk.example.com')).toBe(false);
  });
});
