import { nameProperty, schemaHeader, secretRef } from './schema-fragments.js';

function databaseServer(engine: string, example: string): object {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['host', 'port', 'adminUser', 'adminPassword'],
    description: `The ${engine} server that hosts this environment's ${engine} databases, e.g. ${example}.`,
    properties: {
      host: {
        type: 'string',
        pattern: '^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\\[[0-9A-Fa-f:.]+\\]$',
        description: 'Host name or IP address pave connects to (and injects into components as HOSTNAME).',
      },
      port: { type: 'integer', minimum: 1, maximum: 65535, description: 'TCP port of the server.' },
      adminUser: secretRef('Administrative user pave provisions with, by reference: `{ env: NAME }` or `{ file: /path }`.'),
      adminPassword: secretRef('Password of the administrative user, by reference: `{ env: NAME }` or `{ file: /path }`. Never write it inline.'),
    },
  };
}

/** JSON Schema of `environments/<name>.yaml`. */
export const environmentSchema = {
  ...schemaHeader('environment', 'pave environment (environments/*.yaml)',
    'One deployment environment: its Kubernetes namespace pattern, gateway, database servers, image registry and sealing certificate.'),
  type: 'object',
  additionalProperties: false,
  required: ['name', 'gatewayHost', 'registry'],
  properties: {
    name: nameProperty('Environment name used by pipelines, policies and `deploy.env` overrides; should equal the file name.'),
    displayName: { type: 'string', minLength: 1, maxLength: 60, description: 'Human-readable name shown in plans. Defaults to `name`.' },
    production: {
      type: 'boolean',
      default: false,
      description: 'Whether this environment serves production traffic; `productionOnly` policies apply here.',
    },
    namespace: {
      type: 'string',
      pattern: '^([a-z0-9-]|\\{(project|component|environment)\\})+$',
      default: '{project}-{environment}',
      description: 'Kubernetes namespace pattern with `{project}`, `{component}` and `{environment}` placeholders. Defaults to `{project}-{environment}`.',
    },
    gatewayHost: {
      type: 'string',
      pattern: '^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$',
      description: 'Host of the gateway that serves Organization and Public endpoints, e.g. `apps.acme-bank.example`.',
    },
    databaseServers: {
      type: 'object',
      additionalProperties: false,
      description: 'Database servers per engine; a component can own databases only of engines listed here.',
      properties: {
        postgresql: databaseServer('PostgreSQL', '`127.0.0.1:5432`'),
        mysql: databaseServer('MySQL/MariaDB', '`127.0.0.1:3306`'),
        cache: databaseServer('Redis-compatible cache', '`127.0.0.1:6379`'),
      },
    },
    registry: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      description: 'OCI registry that receives the images built for this environment.',
      properties: {
        url: {
          type: 'string',
          pattern: '^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9._-]+)*$',
          description: 'Registry host, optional port and path, without a scheme, e.g. `registry.acme-bank.example` or `127.0.0.1:5000`.',
        },
        repositoryPrefix: {
          type: 'string',
          pattern: '^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$',
          description: 'Repository path prefix for images: `<url>/<prefix>/<project>/<component>`. Defaults to the organization.',
        },
      },
    },
    sealingCertificate: {
      type: 'string',
      pattern: '^(-----BEGIN CERTIFICATE-----[\\s\\S]+-----END CERTIFICATE-----\\s*|[A-Za-z0-9_][A-Za-z0-9._/-]*\\.(pem|crt))$',
      description: 'Public certificate of the cluster\'s sealed-secrets controller: a PEM block, or a `.pem`/`.crt` path relative to the platform repository root.',
    },
  },
} as const;
