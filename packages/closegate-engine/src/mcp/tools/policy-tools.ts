import { calendarView } from '../calendar.js';
import { data } from '../context.js';
import { periodField, strictArgs } from '../schemas.js';
import { defineTool } from './define.js';

export const policyTools = [
  defineTool({
    name: 'get_policy',
    tier: 'T0',
    title: 'Current policy',
    description:
      'The policy the gate applies: its version (SHA-256 of the file), label, parsed document and the file text verbatim.',
    inputSchema: strictArgs({}),
    handler: (_args, { deps }) => {
      const policy = deps.engine.policy;
      return data({
        version: policy.version,
        label: policy.label,
        document: policy.document,
        text: deps.policyText,
      });
    },
  }),
  defineTool({
    name: 'get_close_calendar',
    tier: 'T0',
    title: 'Close calendar',
    description:
      'Entities with time zones, close windows (local and UTC), intercompany pairs and close-window conflicts between them (overlap, out_of_order, missing_counterpart).',
    inputSchema: strictArgs({ period: periodField.optional().describe('Only this period (YYYY-MM).') }),
    handler: (args, { deps }) => data(calendarView(deps.engine, deps.calendar, args.period)),
  }),
];
