export const PACKAGE_NAME = 'mcp-host';
