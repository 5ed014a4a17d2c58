/** How the desk names an escalation's subject: a held import is neither a match nor a period close. */
export function subjectLabel(kind: string, id: string): string {
  if (kind === 'period') return `period close ${id}`;
  if (kind === 'import') return `held import ${id}`;
  return `match ${id}`;
}
