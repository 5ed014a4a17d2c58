export const PACKAGE_NAME = 'audit-chain';
