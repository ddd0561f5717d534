import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackend, type Backend } from './backend.js';
import { expect, test } from './fixtures.js';
import { nav, prepareLaptop, scanBox } from './recover-journey.js';
import { screenshot } from './screens.js';
import { callApi as api } from './local-api.js';

/**
 * The Recover screen with the real backend (`bootmend-server` over SQLite): the fleet list of a
 * site pulled into the queue, and a key the laptop has no vault for revealed from the
 * backend's escrow, audited there and in the laptop's journal for this machine. Keys are FAKE.
 */

const SHOTS = 'e2e/screenshots';
const KEY = { id: '5A1B2C3D-4E5F-4061-8273-94A5B6C7D8E9', device: 'PC-B002', password: '000011-000022-000033-000044-000055-000066-000077-000088' };
const OTHERS = ['7C00FFEE-0000-4000-8000-000000000001', '7C00FFEE-0000-4000-8000-000000000002'];

let backend: Backend;
let dir: string;
const saved = { master: process.env.BOOTMEND_MASTER_KEY };

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bootmend-e2e-backend-'));
  process.env.BOOTMEND_MASTER_KEY = randomBytes(32).toString('base64');
  backend = await startBackend(dir);
  await backend.post('/api/v1/fleet/import', backend.tokens.helpdesk, ['hostname,serial,asset tag,site', 'PC-B001,SN-1,AT-B1,Berlin', 'PC-B002,SN-2,AT-B2,Berlin', 'PC-B003,SN-3,AT-B3,Berlin', 'PC-M001,SN-9,AT-M1,Munich'].join('\n'), 'text/csv');
  const keys = [KEY, ...OTHERS.map((id, n) => ({ id, device: `PC-X00${n}`, password: `000099-000198-000297-000396-000495-000594-000693-${['000792', '000803'][n]}` }))];
  await backend.post('/api/v1/keys/import?name=keys.csv', backend.tokens.admin, `DeviceName,KeyId,RecoveryPassword\n${keys.map((k) => `${k.device},${k.id},${k.password}`).join('\n')}\n`, 'text/csv');
});

test.afterAll(() => {
  backend?.stop();
  if (saved.master === undefined) Reflect.deleteProperty(process.env, 'BOOTMEND_MASTER_KEY');
  else process.env.BOOTMEND_MASTER_KEY = saved.master;
  rmSync(dir, { recursive: true, force: true });
});

test('pulls the fleet list of a site into the queue, then reveals a key from the escrow for the machine opened from it', async ({ app }, info) => {
  test.setTimeout(120_000);
  expect((await api(app, 'saveSettings', { backendUrl: backend.url, technicianName: 'Ana Lopez' })).ok).toBe(true);
  expect((await api(app, 'saveBackendToken', { token: backend.tokens.technician })).ok).toBe(true);
  await nav(app, 'Recover').click();
  await expect(app.getByRole('heading', { level: 1, name: 'Recover' })).toBeVisible();

  // No site typed yet: said beside the field, nothing asked of the backend.
  await app.getByTestId('fleet-pull-button').click();
  await expect(app.getByTestId('fleet-pull').getByRole('alert')).toContainText('Type the site whose fleet list to pull');
  await screenshot(app, `${SHOTS}/${info.project.name}-recover-fleet-no-site.png`);

  await app.getByLabel('Fleet list of site').fill('Berlin');
  await app.getByTestId('fleet-pull-button').click();
  await expect(app.getByTestId('fleet-pull')).toContainText('3 machines still to do at Berlin');
  await expect(app.getByTestId('queue').getByText('From the fleet list')).toHaveCount(3);
  await screenshot(app, `${SHOTS}/${info.project.name}-recover-fleet-pulled.png`);

  // Pulled again: still one row per machine.
  await app.getByTestId('fleet-pull-button').click();
  await expect(app.getByTestId('fleet-pull')).toContainText('pulled');
  await expect(app.getByTestId('queue').getByText('From the fleet list')).toHaveCount(3);

  await scanBox(app).focus();
  await app.keyboard.type('AT-B2', { delay: 4 });
  await app.keyboard.press('Enter');
  await expect(app.getByTestId('machine-name')).toHaveText('PC-B002');
  await app.keyboard.press('1');
  const keyId = app.getByLabel('Key ID from the blue screen');
  await expect(keyId).toBeFocused();

  // An ambiguous prefix: the escrow's candidates, no password.
  await app.keyboard.type('7C00FFEE', { delay: 4 });
  await app.keyboard.press('Enter');
  await expect(app.getByTestId('escrow-candidates')).toContainText('2 escrowed keys start with 7C00FFEE');
  await screenshot(app, `${SHOTS}/${info.project.name}-recover-escrow-candidates.png`);

  await keyId.fill(KEY.id.slice(0, 8));
  await keyId.press('Enter');
  await expect(app.getByTestId('reveal-view')).toBeVisible();
  await expect(app.getByTestId('reveal-view')).toContainText(KEY.password.slice(0, 6));
  await screenshot(app, `${SHOTS}/${info.project.name}-recover-escrow-revealed.png`);

  const listed = await api<{ machines: { machineId: string; machine: { hostname: string } }[] }>(app, 'listMachines', {});
  if (!listed.ok) throw new Error(listed.error.message);
  const machine = listed.value.machines.find((m) => m.machine.hostname === 'PC-B002')!;
  const detail = await api<{ state: { keyIdUsed: string | null }; events: { type: string; source?: string; keyId?: string }[] }>(app, 'getMachine', { machineId: machine.machineId });
  if (!detail.ok) throw new Error(detail.error.message);
  expect(detail.value.events.map((e) => e.type)).toEqual(['machine.added', 'machine.path_chosen', 'key.revealed']);
  expect(detail.value.events.at(-1)).toMatchObject({ source: 'escrow', keyId: KEY.id });
  expect(JSON.stringify(detail.value)).not.toContain(KEY.password.slice(0, 13));
  const audit = await backend.get<{ entries: { result: string; keyId: string | null; machine: string | null }[] }>('/api/v1/audit', backend.tokens.helpdesk);
  expect(audit.entries.filter((e) => e.result === 'revealed')).toEqual([expect.objectContaining({ keyId: KEY.id, machine: 'PC-B002' })]);
});

test("the Keys screen asks the backend's escrow for a key ID its vault does not hold", async ({ app }, info) => {
  test.setTimeout(120_000);
  expect((await api(app, 'saveSettings', { backendUrl: backend.url })).ok).toBe(true);
  expect((await api(app, 'saveBackendToken', { token: backend.tokens.technician })).ok).toBe(true);
  await prepareLaptop(app);
  await nav(app, 'Keys').click();
  const query = app.getByLabel('Key ID or device name');
  await query.fill(KEY.id.slice(0, 8));
  await query.press('Enter');
  await expect(app.getByTestId('escrow-ask')).toBeVisible();
  await app.getByLabel('For which PC?').fill('PC-B002');
  await screenshot(app, `${SHOTS}/${info.project.name}-keys-escrow-ask.png`);
  await app.getByTestId('ask-escrow').click();
  await expect(app.getByTestId('reveal-view')).toContainText(KEY.password.slice(-6));
  const revealed = await api<{ csv: string }>(app, 'listRevealedKeys', {});
  if (!revealed.ok) throw new Error(revealed.error.message);
  expect(revealed.value.csv).toMatch(new RegExp(`${KEY.id},PC-B002,PC-B002,Ana Lopez,[^,]+,Recovery screen after the faulty update`));
  expect(revealed.value.csv).not.toContain(KEY.password);
});

test("with the key vault locked (or none on this laptop), the Keys screen still looks a key ID up in the backend's escrow", async ({ app }, info) => {
  test.setTimeout(120_000);
  expect((await api(app, 'saveSettings', { backendUrl: backend.url, technicianName: 'Ana Lopez' })).ok).toBe(true);
  await nav(app, 'Keys').click();
  const card = app.getByTestId('online-lookup');
  await expect(card).toContainText(/Vault locked — unlock to search it too|No key vault on this laptop/);
  await card.getByLabel('Key ID from the blue screen').fill(KEY.id.slice(0, 8));
  await card.getByLabel('For which PC?').fill('PC-B002');
  await screenshot(app, `${SHOTS}/${info.project.name}-keys-no-vault-lookup.png`);
  await card.getByTestId('ask-escrow').click();
  await expect(app.getByTestId('reveal-view')).toContainText(KEY.password.slice(-6));
  const revealed = await api<{ csv: string }>(app, 'listRevealedKeys', {});
  if (!revealed.ok) throw new Error(revealed.error.message);
  expect(revealed.value.csv).toContain(`${KEY.id},PC-B002,PC-B002,Ana Lopez`);
});
