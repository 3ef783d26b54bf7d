/** The ready-to-paste examples `llmops start` prints. */
export function quickstartText(o: {
  simUrl: string;
  gatewayUrl: string;
  token: string;
  model: string;
  managementTokenFile: string;
}): string {
  return [
    '',
    `Simulated upstream (vLLM-like): ${o.simUrl}   (models, /metrics, /health)`,
    `Gateway:                        ${o.gatewayUrl}   (/v1/*, /manage/*, /metrics/prometheus, /ready)`,
    `Demo token (project "demo"):    ${o.token}`,
    `Management token:               in ${o.managementTokenFile}`,
    '',
    'Try it with curl (through the gateway):',
    `  curl -sN ${o.gatewayUrl}/v1/chat/completions -H 'Content-Type: application/json' \\`,
    `    -H 'Authorization: Bearer ${o.token}' \\`,
    `    -d '{"model":"${o.model}","stream":true,"messages":[{"role":"user","content":"Hello!"}]}'`,
    '',
    'Or with the openai SDK (npm i openai):',
    `  import OpenAI from 'openai';`,
    `  const client = new OpenAI({ baseURL: '${o.gatewayUrl}/v1', apiKey: '${o.token}' });`,
    `  const r = await client.chat.completions.create({ model: '${o.model}', messages: [{ role: 'user', content: 'Hello!' }] });`,
    '  console.log(r.choices[0].message.content);',
    '',
    'Manage projects and tokens: MANAGEMENT_TOKEN=$(cat ' +
      o.managementTokenFile +
      `) npx llmops manage token list --manage-api-base-url ${o.gatewayUrl}`,
    'Press Ctrl-C to stop.',
  ].join('\n');
}
