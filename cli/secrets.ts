/** Names of the environment variables that may hold a token: their values are scrubbed from all output. */
export const TOKEN_ENV_VARS = ['DOMO_DEVELOPER_TOKEN', 'DOMO_ACCESS_TOKEN', 'DOMO_TOKEN'] as const;
