/**
 * Names of the environment variables that configure the client. A module of constants only, with no
 * imports: the CLI reads it at start-up (to scrub token values from every output) without loading the client.
 */

/** Environment variables that hold the developer token, in precedence order. */
export const TOKEN_ENV_VARS = ['DOMO_DEVELOPER_TOKEN', 'DOMO_ACCESS_TOKEN', 'DOMO_TOKEN'] as const;
