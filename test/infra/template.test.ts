/**
 * The Azure template a "Deploy to Azure" button takes (infra/azuredeploy.json): checked against the official ARM
 * schemas vendored in infra/schemas and our own rules (test/support/armTemplate.ts), and against the code it deploys:
 * the app settings are what src/config reads, and the Cosmos DB containers are the ones the store creates.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { loadConfig } from '../../src/config';
import { KNOWN } from '../../src/config/schema';
import { openStore } from '../../src/store';
import { botAuthentication } from '../../src/teams/adapter';
import { evaluate } from '../support/armExpressions';
import { loadVendoredSchemas, SCHEMA_DIR, type VendoredSchemas } from '../support/armSchemas';
import { context, instances, parameterValues, templateProblems, type Template } from '../support/armTemplate';
import { sharedCosmosServer } from '../support/cosmosServer';
import { tempDir } from '../support/harness';

const INFRA = path.resolve(__dirname, '..', '..', 'infra');
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(INFRA, file), 'utf8'));
const template = (): Template => read('azuredeploy.json');
const PARAMS_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';

/** App settings that are not ours: each read by the platform or an SDK, with the reason. */
const PLATFORM_SETTINGS: Record<string, string> = {
  AZURE_CLIENT_ID: '@azure/identity: which managed identity reaches Cosmos DB',
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'App Service: where Application Insights data goes',
  ApplicationInsightsAgent_EXTENSION_VERSION: "App Service: Application Insights' Node.js auto-instrumentation",
  WEBSITE_RUN_FROM_PACKAGE: 'App Service: run the deployed zip as it is',
};

function resource(t: Template, type: string) {
  const r = t.resources.find((x) => x.type === type);
  assert.ok(r, `no ${type} in the template`);
  return r;
}

/** The web app's settings as App Service hands them to the process (Key Vault references resolved). */
function appSettings(t: Template, parameters = parameterValues(t)): Record<string, string> {
  const site = resource(t, 'Microsoft.Web/sites') as { properties: { siteConfig: { appSettings: unknown } } };
  const list = evaluate(site.properties.siteConfig.appSettings, context(t, parameters)) as {
    name: string;
    value: string;
  }[];
  return Object.fromEntries(list.map((s) => [s.name, s.value]));
}

describe('the Azure template (infra/azuredeploy.json)', () => {
  let strict: VendoredSchemas;
  before(function () {
    this.timeout(30_000);
    strict = loadVendoredSchemas({ strict: true });
  });

  it('passes the official schemas of its resource types and API versions and our own rules', () => {
    assert.deepEqual(templateProblems(template(), strict), []);
  });

  it('its parameters file is a valid parameters file and sets only parameters the template declares', () => {
    const params = read('azuredeploy.parameters.json');
    assert.deepEqual(loadVendoredSchemas({ strict: false }).validate(PARAMS_SCHEMA, params), []);
    for (const name of Object.keys(params.parameters)) assert.ok(name in template().parameters, name);
  });

  it('vendors only the schemas it uses, with their licence', () => {
    const t = template();
    const used = new Set(t.resources.map((r) => `${r.apiVersion}/${r.type}`.split('/').slice(0, 2).join('/')));
    for (const file of strict.files.keys()) {
      const [version, name] = file.split('/');
      const provider = name.replace(/\.json$/, '').replace(/\.Application$/, '');
      const needed =
        ['2019-04-01', 'common'].includes(version) || [...used].some((u) => u === `${version}/${provider}`);
      assert.ok(needed, `infra/schemas/${file} is not used by the template`);
    }
    assert.match(fs.readFileSync(path.join(SCHEMA_DIR, 'LICENSE'), 'utf8'), /MIT License/);
  });

  it('runs two or more instances of a Linux web app on Node 20: always on, HTTPS only, FTPS only, on the identity', () => {
    const t = template();
    const plan = resource(t, 'Microsoft.Web/serverfarms') as { sku: { capacity: string } };
    assert.equal(plan.sku.capacity, "[parameters('instanceCount')]");
    assert.equal(t.parameters.instanceCount.defaultValue, 2);
    assert.equal(t.parameters.instanceCount.minValue, 2);
    const site = resource(t, 'Microsoft.Web/sites') as { identity: { type: string }; properties: Record<string, any> };
    assert.equal(site.identity.type, 'UserAssigned');
    assert.equal(site.properties.httpsOnly, true);
    assert.equal(site.properties.keyVaultReferenceIdentity, "[variables('identityId')]");
    const config = site.properties.siteConfig;
    assert.deepEqual([config.linuxFxVersion, config.alwaysOn, config.ftpsState], ['NODE|20-lts', true, 'FtpsOnly']);
    const bot = resource(t, 'Microsoft.BotService/botServices') as { kind: string; properties: Record<string, string> };
    assert.deepEqual([bot.kind, bot.properties.msaAppType], ['azurebot', 'UserAssignedMSI']);
  });

  it('its app settings are what src/config reads, and the bot starts on them: the managed identity, keyless Cosmos DB, the webhook secret from Key Vault', () => {
    const t = template();
    const parameters = parameterValues(t);
    const settings = appSettings(t, parameters);
    for (const name of Object.keys(settings))
      assert.ok((KNOWN as readonly string[]).includes(name) || name in PLATFORM_SETTINGS, `${name} is not ours`);
    assert.match(
      settings.LEAD_WEBHOOK_SECRET,
      /^@Microsoft\.KeyVault\(SecretUri=https:\/\/kv\w+\.vault\.azure\.net\/secrets\/lead-webhook-secret\)$/,
    );
    assert.equal(settings.COSMOS_KEY, undefined);
    assert.equal(settings.MicrosoftAppPassword, undefined);
    assert.equal(settings.AZURE_CLIENT_ID, settings.MicrosoftAppId);

    // App Service puts the secret's value where the reference was.
    const env = { ...settings, LEAD_WEBHOOK_SECRET: String(parameters.webhookSecret), DATA_DIR: tempDir() };
    const config = loadConfig(env);
    assert.equal(config.nodeEnv, 'production');
    assert.equal(config.webhookSecretSource, 'env');
    assert.deepEqual(
      [config.bot.appType, config.bot.anonymous, config.bot.tenantId.length > 0],
      ['UserAssignedMSI', false, true],
    );
    assert.equal(config.cosmos.key, undefined);
    assert.match(String(config.cosmos.endpoint), /^https:\/\/.+\.documents\.azure\.com:443\/$/);
    assert.deepEqual(config.warnings, []);
    assert.ok(botAuthentication(config.bot));
  });

  it('creates the database and exactly the containers and partition keys the Cosmos DB store creates', async function () {
    this.timeout(20_000);
    const cosmos = await sharedCosmosServer();
    const database = `template-${process.pid}-${Date.now()}`;
    const store = await openStore({ dataDir: tempDir(), cosmos: { ...cosmos, database } }, 'cosmos');
    await store.close();
    const client = new CosmosClient({
      endpoint: cosmos.endpoint,
      key: cosmos.key,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    const { resources } = await client.database(database).containers.readAll().fetchAll();
    client.dispose();
    const created = resources.map((c) => `${c.id} ${c.partitionKey?.paths?.[0]}`).sort();

    const t = template();
    const parameters = parameterValues(t);
    const fromTemplate = instances(t, parameters)
      .filter((i) => i.type === 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers')
      .map((i) => {
        const r = evaluate(i.resource.properties, context(t, parameters, i.copyIndex)) as any;
        assert.equal(i.names[1], parameters.cosmosDatabaseName);
        return `${r.resource.id} ${r.resource.partitionKey.paths[0]}`;
      })
      .sort();
    assert.deepEqual(fromTemplate, created);
  });

  describe('its checks catch a broken template', () => {
    const broken = (change: (t: any) => void): string[] => {
      const t = template();
      change(t);
      return templateProblems(t, strict);
    };

    it('a misspelt property fails the schema', () => {
      const problems = broken((t) => {
        const site = t.resources.find((r: any) => r.type === 'Microsoft.Web/sites');
        site.properties.httpOnly = site.properties.httpsOnly;
        delete site.properties.httpsOnly;
      });
      assert.ok(
        problems.some((p) => /Microsoft\.Web\/sites.*must NOT have additional properties: httpOnly/.test(p)),
        problems.join('\n'),
      );
    });

    it('an undeclared parameter fails', () => {
      const problems = broken((t) => {
        t.resources[0].location = "[parameters('region')]";
      });
      assert.deepEqual(problems, ["template.resources[0].location: parameter 'region' is not declared"]);
    });

    it('a wrong API version fails', () => {
      const problems = broken((t) => {
        t.resources[0].apiVersion = '2023-01-30';
      });
      assert.deepEqual(problems, [
        'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-30: no vendored schema for this type and API version (infra/schemas)',
      ]);
    });

    it('a secret in an output fails', () => {
      const problems = broken((t) => {
        t.outputs.webhookUrl.value = "[format('https://x/api/leads?code={0}', parameters('webhookSecret'))]";
      });
      assert.deepEqual(problems, ['output webhookUrl carries a secret']);
    });

    it('a dependsOn on a resource that is not in the template fails', () => {
      const problems = broken((t) => {
        t.resources[1].dependsOn = ["[resourceId('Microsoft.Web/sites', 'elsewhere')]"];
      });
      assert.equal(problems.length, 1);
      assert.match(problems[0], /dependsOn .*'elsewhere'.*: no such resource in the template/);
    });
  });
});
