/** The ready-to-paste examples `llmops start` prints. */
export function quickstartText(o: { simUrl: string; model: string; apiKey?: string }): string {
  const auth = o.apiKey ? ` \\\n  -H 'Authorization: Bearer ${o.apiKey}'` : '';
  return [
    '',
    `Simulated upstream (vLLM-like): ${o.simUrl}`,
    `  models: ${o.simUrl}/v1/models   metrics: ${o.simUrl}/metrics   health: ${o.simUrl}/health`,
    '',
    'Try it with curl:',
    `  curl -sN ${o.simUrl}/v1/chat/completions -H 'Content-Type: application/json'${auth} \\`,
    `    -d '{"model":"${o.model}","stream":true,"messages":[{"role":"user","content":"Hello!"}]}'`,
    '',
    'Or with the openai SDK (npm i openai):',
    `  import OpenAI from 'openai';`,
    `  const client = new OpenAI({ baseURL: '${o.simUrl}/v1', apiKey: '${o.apiKey ?? 'unused'}' });`,
    `  const r = await client.chat.completions.create({ model: '${o.model}', messages: [{ role: 'user', content: 'Hello!' }] });`,
    '  console.log(r.choices[0].message.content);',
    '',
    'Press Ctrl-C to stop.',
  ].join('\n');
}
