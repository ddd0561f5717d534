import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { fakeGuid, fakeRecoveryPassword, seededRng } from '../main/keys/fake-keys.js';
import { startGraphStandIn, type GraphStandIn } from '../test/graph-stand-in.js';
import { expect, test } from './fixtures.js';
import { callApi as api } from './local-api.js';
import { nav, prepareLaptop, scanBox } from './recover-journey.js';
import { screenshot } from './screens.js';

/**
 * Microsoft Graph through the UI, against a local stand-in for Microsoft's sign-in service and
 * Microsoft Graph (test/graph-stand-in.ts: they cannot be reached here). The app's web host is
 * pointed at it by BOOTMEND_GRAPH_LOGIN_URL / BOOTMEND_GRAPH_API_URL. Keys are FAKE and none of
 * them is in the vault (main/keys/fixtures).
 */

const SHOTS = 'e2e/screenshots';
const TENANT = 'contoso.onmicrosoft.com';
const CLIENT = '11111111-2222-3333-4444-555555555555';
const TOKEN = 'stand-in-access-token-e2e-7d41';
const USER_CODE = 'QX4T-7MZB';
const rng = seededRng(9014);
const GRAPH_KEYS = Array.from({ length: 2 }, () => ({ id: fakeGuid(rng).toLowerCase(), key: fakeRecoveryPassword(rng), createdDateTime: '2024-07-19T08:00:00Z', volumeType: '1' }));
const KEY = GRAPH_KEYS[1]!;

let standIn: GraphStandIn;
const savedEnv: Record<string, string | undefined> = {};

test.beforeAll(async () => {
  standIn = await startGraphStandIn({ tenant: TENANT, token: TOKEN, keys: GRAPH_KEYS, userCode: USER_CODE });
  // The web host (started per test, after this) inherits them.
  for (const [name, value] of Object.entries(standIn.env)) {
    savedEnv[name] = process.env[name];
    process.env[name] = value;
  }
});

test.afterAll(async () => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) Reflect.deleteProperty(process.env, name);
    else process.env[name] = value;
  }
  await standIn?.close();
});

/** The journal's audit events (exportJournal --events), newest last. */
async function revealedEvents(app: Page): Promise<Record<string, unknown>[]> {
  const exported = await api<{ text: string }>(app, 'exportJournal', { format: 'json', events: true });
  if (!exported.ok) throw new Error(exported.error.message);
  return (JSON.parse(exported.value.text) as Record<string, unknown>[]).filter((event) => event.type === 'key.revealed');
}

/** Settings' Microsoft Graph card, as a technician fills it in: a wrong client ID is refused beside its field, then saved. */
async function setUpGraphInSettings(app: Page, shot?: string): Promise<void> {
  await nav(app, 'Settings').click();
  const card = app.getByTestId('settings-graph');
  await card.getByLabel('Entra tenant').fill(TENANT);
  await card.getByLabel('Application (client) ID').fill('bootmend-app');
  await card.getByRole('button', { name: 'Save Microsoft Graph set-up' }).click();
  await expect(card.getByText(/^The application \(client\) ID must be a GUID/)).toBeVisible();
  await expect(card.getByLabel('Application (client) ID')).toBeFocused();
  await expect(card.getByLabel('Application (client) ID')).toHaveAttribute('aria-invalid', 'true');
  if (shot) await card.screenshot({ path: `${shot}-refused.png`, animations: 'disabled' });
  await card.getByLabel('Application (client) ID').fill(CLIENT);
  await card.getByRole('button', { name: 'Save Microsoft Graph set-up' }).click();
  await expect(card.getByTestId('graph-settings-saved')).toHaveText('Saved.');
  await expect(card.getByTestId('graph-settings-state')).toContainText(`Set up for ${TENANT}`);
  if (shot) await card.screenshot({ path: `${shot}.png`, animations: 'disabled' });
}

/** The device-code sign-in: the code is shown, the person enters it elsewhere (the stand-in approves), then signed in. */
async function signInToGraph(app: Page, where: Page | ReturnType<Page['getByTestId']>, shot?: string): Promise<void> {
  const box = where.getByTestId('graph-sign-in');
  await box.getByTestId('graph-sign-in-start').click();
  await expect(box.getByTestId('graph-user-code')).toHaveText(USER_CODE);
  await expect(box).toContainText('https://microsoft.com/devicelogin');
  if (shot) await screenshot(app, shot);
  standIn.approve();
  await expect(box).toContainText('Signed in to Microsoft Graph', { timeout: 15_000 });
}

test('Microsoft Graph (local stand-in): set up in Settings, device-code sign-in on the Keys screen, a key ID the vault does not hold revealed from Graph, sign out', async ({ app, dataDir }, info) => {
  test.setTimeout(120_000);
  const shots = `${SHOTS}/${info.project.name}-graph`;
  await prepareLaptop(app);
  await setUpGraphInSettings(app, `${shots}-settings`);

  await nav(app, 'Keys').click();
  await expect(app.getByTestId('vault-counts')).toBeVisible();
  await signInToGraph(app, app, `${shots}-sign-in-code.png`);
  expect(standIn.seen.filter((s) => s.path.endsWith('/oauth2/v2.0/token')).length).toBeGreaterThanOrEqual(1);

  const query = app.getByLabel('Key ID or device name');
  await query.fill(KEY.id.slice(0, 8).toUpperCase());
  await query.press('Enter');
  await expect(app.getByTestId('lookup-results')).toContainText('No key found');
  await app.getByTestId('escrow-ask').getByLabel('For which PC?').fill('PC-GRAPH-01');
  await app.getByTestId('ask-graph').click();
  const view = app.getByTestId('reveal-view');
  await expect(view).toContainText(KEY.key.slice(0, 6));
  await expect(app.getByTestId('password-group')).toHaveText(KEY.key.split('-'));
  await screenshot(app, `${shots}-key-found.png`);
  expect(standIn.seen.map((s) => s.path)).toContain(`/v1.0/informationProtection/bitlocker/recoveryKeys/${KEY.id}?$select=key`);

  // Audited like a vault reveal, source graph; no password and no token on this laptop's disk.
  const revealed = await api<{ csv: string }>(app, 'listRevealedKeys', {});
  if (!revealed.ok) throw new Error(revealed.error.message);
  expect(revealed.value.csv).toContain(`${KEY.id.toUpperCase()},,PC-GRAPH-01,Ana Lopez,`);
  expect((await revealedEvents(app)).at(-1)).toMatchObject({ keyId: KEY.id.toUpperCase(), source: 'graph', machine: 'PC-GRAPH-01', technician: 'Ana Lopez' });
  for (const file of readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())) {
    const text = readFileSync(join(file.parentPath, file.name), 'latin1');
    expect(text, file.name).not.toContain(TOKEN);
    expect(text, file.name).not.toContain(KEY.key);
  }

  await view.getByRole('button', { name: 'Hide' }).click();
  await app.getByTestId('graph-sign-in').getByRole('button', { name: 'Sign out' }).click();
  await expect(app.getByTestId('graph-sign-in-start')).toBeVisible();
  const after = await api(app, 'lookupGraphKey', { keyId: KEY.id.slice(0, 8), machine: 'PC-GRAPH-01', reason: 'Again' });
  expect(after).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
});

test("Recover's BitLocker step with the vault locked (Microsoft Graph: local stand-in): says so, still finds the key in Graph, and records the reveal for that machine", async ({ app }, info) => {
  test.setTimeout(120_000);
  const machine = { hostname: 'PC-LYS-0107', serial: 'SN-LYS-0107', assetTag: 'AT-LYS-0107', site: 'Lyon' };
  const added = await api<{ state: { machineId: string } }>(app, 'recordEvent', { type: 'machine.added', source: 'typed', machine });
  if (!added.ok) throw new Error(added.error.message);
  expect((await api(app, 'saveSettings', { graph: { tenantId: TENANT, clientId: CLIENT } })).ok).toBe(true);
  await prepareLaptop(app);
  expect((await api(app, 'lockVault', {})).ok).toBe(true);

  await scanBox(app).focus();
  await app.keyboard.type(machine.assetTag, { delay: 4 });
  await app.keyboard.press('Enter');
  await expect(app.getByTestId('machine-name')).toHaveText(machine.hostname);
  await app.keyboard.press('1');
  const step = app.getByTestId('bitlocker-step');
  await expect(step.getByTestId('vault-locked-note')).toHaveText('Vault locked — unlock to search it too');
  await expect(step.getByTestId('online-lookup-note')).toHaveText('Look up asks the backend’s key escrow meanwhile.');
  await signInToGraph(app, step);
  await expect(step.getByTestId('online-lookup-note')).toHaveText('Look up asks Microsoft Graph meanwhile (you are signed in), then offers the backend’s key escrow.');

  const keyId = step.getByLabel('Key ID from the blue screen');
  await keyId.fill(KEY.id.slice(0, 8));
  await keyId.press('Enter');
  await expect(step.getByTestId('reveal-view')).toContainText(KEY.key.slice(-6));
  await expect(step.getByTestId('password-group')).toHaveText(KEY.key.split('-'));
  await screenshot(app, `${SHOTS}/${info.project.name}-recover-locked-vault-graph.png`);

  const detail = await api<{ state: { keyIdUsed: string | null }; events: Record<string, unknown>[] }>(app, 'getMachine', { machineId: added.value.state.machineId });
  if (!detail.ok) throw new Error(detail.error.message);
  expect(detail.value.events.at(-1)).toMatchObject({ type: 'key.revealed', source: 'graph', keyId: KEY.id.toUpperCase(), machine: machine.hostname, machineIdentity: machine, reason: 'Unlocking the drive to remove the faulty files' });
  expect(JSON.stringify(detail.value)).not.toContain(KEY.key);
  // The vault stayed locked: the key came from Graph, not from unlocking it here.
  expect(await api(app, 'getVaultStatus', {})).toMatchObject({ ok: true, value: { unlocked: false } });
});
