export const PACKAGE_NAME = 'closegate-policy';
