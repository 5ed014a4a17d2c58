export const PACKAGE_NAME = 'closegate-engine';
