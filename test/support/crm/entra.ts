/**
 * A Microsoft Entra ID token endpoint on 127.0.0.1 for @azure/identity (MSAL), over HTTPS as MSAL insists: the
 * OpenID metadata of a tenant (`/<tenant>/v2.0/.well-known/openid-configuration`) and the client credentials grant
 * (`POST /<tenant>/oauth2/v2.0/token`), answering as Entra ID documents. It checks the client id and secret, and
 * issues opaque tokens that the Dataverse stand-in accepts. The certificate is a self-signed one for 127.0.0.1 kept
 * beside this file (tests only); `identityOptions()` gives DefaultAzureCredential a policy that trusts it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { DefaultAzureCredentialOptions } from '@azure/identity';
import { closeLocal, listenLocal, localUrl } from './localServer';

const CERT = fs.readFileSync(path.join(__dirname, 'localhost-cert.pem'), 'utf8');
const KEY = fs.readFileSync(path.join(__dirname, 'localhost-key.pem'), 'utf8');

const TENANT_ID = '6f1d6c4e-2b8a-4c1e-9a3f-0d5e7b9c1a2f';
const CLIENT_ID = '0b8e2f4a-7c1d-4e9b-a6f3-5d2c8e1b9a70';
const CLIENT_SECRET = 'local-entra-secret-for-tests';

export class LocalEntra {
  private server?: https.Server;
  /** Tokens issued, with the scope each was for. */
  readonly issued = new Map<string, { scope: string; expiresAt: number }>();
  /** Every token request, as the form it posted (the secret left out). */
  readonly tokenRequests: { scope: string; clientId: string }[] = [];
  /** How long an issued token lives, in seconds. */
  lifetimeS = 3599;

  get authorityHost(): string {
    return localUrl(this.server, 'https');
  }

  /** The variables DefaultAzureCredential's EnvironmentCredential reads. */
  get environment(): Record<string, string> {
    return { AZURE_TENANT_ID: TENANT_ID, AZURE_CLIENT_ID: CLIENT_ID, AZURE_CLIENT_SECRET: CLIENT_SECRET };
  }

  isValid(token: string, scope?: string): boolean {
    const t = this.issued.get(token);
    return Boolean(t && t.expiresAt > Date.now() && (!scope || t.scope === scope));
  }

  async start(): Promise<this> {
    this.server = await listenLocal(
      https.createServer({ cert: CERT, key: KEY }, (req, res) => void this.handle(req, res)),
    );
    return this;
  }

  async stop(): Promise<void> {
    await closeLocal(this.server);
  }

  private async handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) {
    const url = new URL(req.url ?? '/', this.authorityHost);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    const base = `${this.authorityHost}/${TENANT_ID}`;
    if (req.method === 'GET' && url.pathname === `/${TENANT_ID}/v2.0/.well-known/openid-configuration`) {
      return json(200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        issuer: `${base}/v2.0`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        tenant_region_scope: 'EU',
      });
    }
    if (req.method === 'POST' && url.pathname === `/${TENANT_ID}/oauth2/v2.0/token`) {
      let text = '';
      for await (const chunk of req) text += chunk;
      const form = new URLSearchParams(text);
      const scope = form.get('scope') ?? '';
      this.tokenRequests.push({ scope, clientId: form.get('client_id') ?? '' });
      if (form.get('grant_type') !== 'client_credentials')
        return json(400, { error: 'unsupported_grant_type', error_description: 'AADSTS70003' });
      if (form.get('client_id') !== CLIENT_ID || form.get('client_secret') !== CLIENT_SECRET)
        return json(401, {
          error: 'invalid_client',
          error_description: 'AADSTS7000215: Invalid client secret provided.',
          error_codes: [7000215],
        });
      const resource = scope.split(' ').find((s) => s.endsWith('/.default')) ?? scope;
      const token = `entra-${crypto.randomBytes(12).toString('hex')}`;
      this.issued.set(token, { scope: resource, expiresAt: Date.now() + this.lifetimeS * 1000 });
      return json(200, {
        token_type: 'Bearer',
        expires_in: this.lifetimeS,
        ext_expires_in: this.lifetimeS,
        access_token: token,
      });
    }
    json(404, { error: 'not_found', error_description: `${req.method} ${url.pathname}` });
  }
}

/** DefaultAzureCredential options that trust the stand-in's certificate (on every request @azure/identity sends). */
export function identityOptions(): DefaultAzureCredentialOptions {
  return {
    additionalPolicies: [
      {
        position: 'perCall',
        policy: {
          name: 'trust-local-entra',
          sendRequest: (request, next) => {
            request.tlsSettings = { ca: CERT };
            return next(request);
          },
        },
      },
    ],
  };
}
