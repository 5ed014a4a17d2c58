import type { TieredToolSpec } from '../register.js';
import { auditTools } from './audit-tools.js';
import { approvalTools } from './approval-tools.js';
import { deskTools } from './desk-tools.js';
import { policyTools } from './policy-tools.js';
import { proposeTools } from './propose-tools.js';
import { readTools } from './read-tools.js';
import { t1Tools } from './t1-tools.js';

/** Every closegate MCP tool, in the order tools/list shows them. */
export const CLOSEGATE_TOOLS: readonly TieredToolSpec[] = [
  ...readTools,
  ...auditTools,
  ...policyTools,
  ...proposeTools,
  ...t1Tools,
  ...approvalTools,
  ...deskTools,
];
