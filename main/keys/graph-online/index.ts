export { DEFAULT_GRAPH_BASE_URL, DEFAULT_LOGIN_BASE_URL, GRAPH_SCOPES, GraphKeyClient, type GraphKeyClientOptions } from './client.js';
export type { DeviceCodePrompt } from './device-code.js';
