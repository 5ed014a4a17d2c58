export const PACKAGE_NAME = 'llm-cli-gateway';
