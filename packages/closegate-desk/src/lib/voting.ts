/** Why the logged-in user cannot vote, in words (the server decides; the desk explains). */
const REASONS: Record<string, string> = {
  requester: 'You requested this; other humans must decide it (see the votes needed above).',
  proposer: 'You proposed this match; a proposer can never confirm their own proposal.',
  already_voted: 'You have already voted on this item; a second, different human must vote.',
  resolved: 'This escalation is already resolved.',
  not_human: 'Only a human actor may decide an escalation.',
};

export function cannotVoteText(reason: string | null): string {
  if (!reason) return 'The service does not allow you to decide this item.';
  return REASONS[reason] ?? `The service does not allow you to decide this item (${reason}).`;
}
