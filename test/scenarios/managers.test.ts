/**
 * Managers without hunting for ids: whoever installs Lead Desk in a team becomes its first manager, and managers add
 * or remove others in chat by @mention (`managers add @Ana`). MANAGER_IDS still manage every team. Real store (the
 * run's backend), the local Teams channel, the bot over HTTP.
 */
import assert from 'node:assert/strict';
import type { App } from '../../src/main';
import { LocalTeams, install, sendActivity, startBot, tempDir, waitFor } from '../support/harness';
import { seller } from '../support/localTeams';

const IRA = seller('Ira');
const ANA = seller('Ana');
const BEN = seller('Ben');
const MAYA = { id: '29:maya', name: 'Maya Manager', aadObjectId: 'aad-maya' };

type User = { id: string; name: string; aadObjectId?: string };

describe('managers: the installer and the people managers add', () => {
  let teams: LocalTeams;
  const apps: App[] = [];
  const bot = async (env: Record<string, string> = {}, dataDir?: string) => {
    const app = await startBot({ env, dataDir });
    apps.push(app);
    return app;
  };

  beforeEach(async () => {
    teams = await new LocalTeams().start();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.stop()));
    await teams.stop();
  });

  /** Ira installs the app in the team, as Teams tells the bot. */
  async function installed(app: App, by: User = IRA) {
    for (const a of teams.installActivities(by as ReturnType<typeof seller>)) {
      assert.equal((await sendActivity(app, a)).status, 200);
    }
  }

  /** `user` types `text` at the bot in General, @mentioning `people` (Teams' mention entities); the bot's answer. */
  async function ask(app: App, text: string, user: User, people: User[] = [], locale = 'en-US') {
    const before = teams.replies().length;
    const activity = teams.mentionActivity(text, teams.team.id, user as ReturnType<typeof seller>);
    activity.locale = locale;
    activity.text += people.map((p) => ` <at>${p.name}</at>`).join('');
    activity.entities.push(
      ...people.map((p) => ({ type: 'mention', text: `<at>${p.name}</at>`, mentioned: { ...p } })),
    );
    assert.equal((await sendActivity(app, activity)).status, 200);
    const reply = await waitFor(`an answer to "${text}"`, () => teams.replies().slice(before)[0]);
    const card = reply.body.attachments?.[0]?.content;
    return { text: String(reply.body.text ?? ''), card };
  }

  const pipelineAllowed = async (app: App, user: User) => Boolean((await ask(app, 'pipeline', user)).card);

  it('the person who installs Lead Desk becomes the team’s manager and can use the manager-only commands', async () => {
    const app = await bot();
    await installed(app);
    const list = await ask(app, 'managers', IRA);
    assert.match(list.text, /\*\*Managers of this team:\*\* \*\*Ira\*\*\./);
    assert.equal(await pipelineAllowed(app, IRA), true, 'the installer gets the pipeline card');
    assert.equal(await pipelineAllowed(app, ANA), false, 'a seller is told the pipeline is for managers');
    const erase = await ask(app, 'erase nobody@example.com', IRA);
    assert.match(erase.text, /No lead holds personal data/);
  });

  it('a manager adds a colleague by @mention, who is then a manager too', async () => {
    const app = await bot();
    await installed(app);
    const added = await ask(app, 'managers add', IRA, [ANA]);
    assert.match(added.text, /\*\*Ana\*\* is now a manager of this team\./);
    assert.match(added.text, /\*\*Managers of this team:\*\* \*\*Ira\*\* and \*\*Ana\*\*\./);
    assert.equal(await pipelineAllowed(app, ANA), true);
    const again = await ask(app, 'managers add', IRA, [ANA]);
    assert.match(again.text, /\*\*Ana\*\* is already a manager\./);
    const team = await app.installs.getTeam(teams.team.id);
    assert.deepEqual(
      team?.managers?.map((m) => [m.id, m.aadObjectId, m.addedBy]),
      [
        [IRA.id, IRA.aadObjectId, undefined],
        [ANA.id, ANA.aadObjectId, IRA.id],
      ],
    );
  });

  it('a Turkish manager types "yöneticiler ekle @Ana" and is answered in Turkish', async () => {
    const app = await bot();
    await installed(app);
    const added = await ask(app, 'yöneticiler ekle', IRA, [ANA], 'tr-TR');
    assert.match(added.text, /^\*\*Ana\*\* bu ekibe yönetici olarak eklendi\./);
    assert.match(added.text, /\*\*Bu ekibin yöneticileri:\*\* \*\*Ira\*\* ve \*\*Ana\*\*\./);
    const refused = await ask(app, 'yöneticiler çıkar', BEN, [ANA], 'tr-TR');
    assert.equal(refused.text, 'Bu ekibin yöneticilerini yalnızca ekibin bir yöneticisi değiştirebilir.');
  });

  it('a seller’s "managers add" is refused and changes nothing', async () => {
    const app = await bot();
    await installed(app);
    const refused = await ask(app, 'managers add', BEN, [BEN]);
    assert.equal(refused.text, 'Only a manager of this team can change its managers.');
    assert.equal(await pipelineAllowed(app, BEN), false);
    assert.deepEqual(
      (await app.installs.getTeam(teams.team.id))?.managers?.map((m) => m.id),
      [IRA.id],
    );
  });

  it('the last manager cannot be removed; once there is another, a manager can go', async () => {
    const app = await bot();
    await installed(app);
    const last = await ask(app, 'managers remove', IRA, [IRA]);
    assert.equal(last.text, 'A team keeps at least one manager: add another one before removing the last.');
    await ask(app, 'managers add', IRA, [ANA]);
    const removed = await ask(app, 'managers remove', ANA, [IRA]);
    assert.match(removed.text, /\*\*Ira\*\* is no longer a manager of this team\./);
    assert.equal(await pipelineAllowed(app, IRA), false, 'Ira is a seller again');
    const lastAgain = await ask(app, 'managers remove', ANA, [ANA]);
    assert.match(lastAgain.text, /keeps at least one manager/);
  });

  it('without a mention "managers add" asks who, and in a personal chat says managers are kept per team', async () => {
    const app = await bot();
    await installed(app);
    assert.equal((await ask(app, 'managers add', IRA)).text, 'Say who: @mention them, e.g. "managers add @Ana".');
    const before = teams.replies().length;
    const chat = teams.mentionActivity('managers', teams.team.id, IRA);
    chat.conversation = { id: `a:${IRA.id}`, conversationType: 'personal', tenantId: teams.team.tenantId };
    chat.channelData = { tenant: { id: teams.team.tenantId } };
    assert.equal((await sendActivity(app, chat)).status, 200);
    const reply = await waitFor('the answer in the chat', () => teams.replies().slice(before)[0]);
    assert.match(String(reply.body.text), /Managers are kept per team/);
  });

  it('MANAGER_IDS still manage every team: Maya adds a manager to a team she did not install, and cannot be removed in chat', async () => {
    const app = await bot({ MANAGER_IDS: `${MAYA.aadObjectId},${MAYA.id}` });
    await installed(app);
    assert.equal(await pipelineAllowed(app, MAYA), true);
    const added = await ask(app, 'managers add', MAYA, [BEN]);
    assert.match(added.text, /\*\*Ben\*\* is now a manager/);
    assert.match(added.text, /The managers in MANAGER_IDS manage every team too\./);
    const global = await ask(app, 'managers remove', IRA, [MAYA]);
    assert.match(global.text, /\*\*Maya Manager\*\* manages every team through MANAGER_IDS/);
  });

  it('a manager added on one instance is a manager on the other; reinstalling starts over with the new installer', async () => {
    const dataDir = tempDir();
    const a = await bot({}, dataDir);
    const b = await bot({}, dataDir);
    await installed(a);
    await ask(a, 'managers add', IRA, [ANA]);
    assert.equal(await pipelineAllowed(b, ANA), true);
    await install(a, teams); // Teams sends the install events again: the managers stay
    assert.deepEqual(
      (await a.installs.getTeam(teams.team.id))?.managers?.map((m) => m.id),
      [IRA.id, ANA.id],
    );
    for (const u of teams.uninstallActivities(IRA)) await sendActivity(a, u);
    await installed(a, BEN);
    assert.deepEqual(
      (await a.installs.getTeam(teams.team.id))?.managers?.map((m) => m.id),
      [BEN.id],
    );
    assert.equal(await pipelineAllowed(a, IRA), false);
  });
});
