// Drives the OpenAI-compatible API with the official OpenAI SDK and prints one JSON line per step.
// Usage: node openai-client.mjs <base url> <corpus token> <corpus> <other corpus> <admin token> <question>
import OpenAI from 'openai';

const [baseURL, token, corpus, otherCorpus, adminToken, question] = process.argv.slice(2);
const client = (apiKey) => new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 60000 });
const print = (line) => console.log(JSON.stringify(line));

// errors are printed as the SDK raises them: its class and the status and body it read
async function attempt(step, call) {
  try {
    await call();
    print({ step, error: null });
  } catch (e) {
    print({ step, error: e.constructor.name, status: e.status, type: e.type, code: e.code, param: e.param,
            message: e.message });
  }
}

const corpusClient = client(token);
print({ step: 'models', ids: (await corpusClient.models.list()).data.map(m => m.id) });
print({ step: 'admin models', ids: (await client(adminToken).models.list()).data.map(m => m.id) });
print({ step: 'model', model: await corpusClient.models.retrieve(corpus) });

const completion = await corpusClient.chat.completions.create({
  model: corpus, messages: [{ role: 'user', content: question }] });
print({ step: 'completion', object: completion.object, content: completion.choices[0].message.content,
        role: completion.choices[0].message.role, finish: completion.choices[0].finish_reason,
        memorag: completion.memorag });

const stream = await corpusClient.chat.completions.create({
  model: corpus, stream: true,
  messages: [{ role: 'system', content: 'Answer from the corpus.' }, { role: 'user', content: 'Who is Scrooge?' },
             { role: 'assistant', content: 'A miser.' }, { role: 'user', content: question }] });
let content = '';
let chunks = 0;
let finish = null;
let memorag = null;
let role = null;
for await (const chunk of stream) {
  chunks++;
  role = role ?? chunk.choices[0]?.delta?.role ?? null;
  content += chunk.choices[0]?.delta?.content ?? '';
  finish = chunk.choices[0]?.finish_reason ?? finish;
  memorag = chunk.memorag ?? memorag;
}
print({ step: 'stream', content, chunks, role, finish, memorag });

await attempt('bad key', () => client('not-a-token').chat.completions.create({
  model: corpus, messages: [{ role: 'user', content: question }] }));
await attempt('other corpus', () => corpusClient.chat.completions.create({
  model: otherCorpus, messages: [{ role: 'user', content: question }] }));
await attempt('unknown model', () => client(adminToken).chat.completions.create({
  model: 'no-such-corpus', messages: [{ role: 'user', content: question }] }));
await attempt('n=2', () => corpusClient.chat.completions.create({
  model: corpus, n: 2, messages: [{ role: 'user', content: question }] }));
await attempt('no models without a key', () => client('not-a-token').models.list());
