/**
 * Word pools and templates the question generator combines. `{pool}` draws from a pool of the same strategy or
 * the shared pools; `{n:2-6}` draws a whole number. The same pool used twice in one template gives two different
 * items. Pools are written as `|`-separated text so that they stay compact.
 *
 * Every template has at least ~60,000 fillings, and openers and tails multiply that by a few thousand, so
 * 100,000 questions from one strategy practically never repeat (see questions.test.ts).
 */

/** Splits a `|`-separated pool; line breaks and surrounding spaces are ignored. */
function pool(text: string): readonly string[] {
  return text
    .split('|')
    .map((item) => item.replace(/\s+/g, ' ').trim())
    .filter((item) => item !== '');
}

/** Empty entries, so that an optional part of a question is left out that often. */
function blanks(count: number): string[] {
  return new Array<string>(count).fill('');
}

export interface QuestionBank {
  /** The question itself. */
  readonly questions: readonly string[];
  /** Background sentences, used to lengthen a prompt towards its target token count. */
  readonly context: readonly string[];
  readonly pools: Readonly<Record<string, readonly string[]>>;
}

/** Pools every strategy may use. */
export const SHARED_POOLS: Readonly<Record<string, readonly string[]>> = {
  audience: pool(`
    a ten-year-old | a high-school student | a busy executive | a retired engineer | someone new to the field |
    a museum visitor | a journalist on deadline | a first-year university student | a curious grandparent |
    a non-native English speaker | a skeptical scientist | a nurse on a night shift | a small-business owner |
    a software developer | a primary-school teacher | a policy advisor | a travel blogger | a science fiction writer`),
  tone: pool(`a friendly | a formal | a playful | a neutral | an enthusiastic | a calm | a matter-of-fact |
    a conversational | an academic | an encouraging | a dry | a storytelling | a patient | an upbeat`),
  month: pool(`January | February | March | April | May | June | July | August | September | October |
    November | December`),
  setting: pool(`a coastal city | a mountain village | a small island | a desert town | a farming region |
    a capital city | a university town | a fishing village | an industrial suburb | a remote valley`),
};

/** Said before the question; the blanks keep many questions bare. */
export const OPENERS = [
  ...blanks(4),
  ...pool(`
  Quick question: | I'm curious. | For a class I'm taking: | Here's something I've been wondering about. |
  Please help me understand this. | I'd love a clear answer to this. | My friend and I disagree about this. |
  I'm preparing a presentation. | For a blog post I'm writing: | Something came up at work. | Honest question: |
  Asking for a study group: | I've never really understood this. | Could you walk me through this? |
  Here's a puzzle for you. | Settle a debate for me. | I'm new to this topic. | Research for a podcast episode: |
  Thinking out loud here. | A student asked me this today. | I read about this last night. |
  This has bugged me for a while. | For a quiz I'm writing: | Out of curiosity: | My manager asked me this. |
  I'm writing an essay on this. | Help me settle this. | I want to get this right. | Here's my question. |
  Before a meeting tomorrow: | For my own notes: | I'm teaching this next week. | Simple question, maybe. |
  A listener wrote in with this. | Let's see if you know this one. | I tried to look this up myself.`),
];

/** How to answer. */
export const FORMAT_TAILS = [
  ...blanks(3),
  ...pool(`
  Answer in {n:2-6} sentences. | Keep it under {n:40-400} words. | Use bullet points. |
  Give {n:2-5} examples. | Start with a one-line summary. | Include a short example. |
  Explain your reasoning step by step. | End with the key takeaway. | Be concise. |
  Mention common misconceptions. | Name the main sources you rely on. | Use a table if it helps. |
  Number the main points. | Limit yourself to {n:2-7} key points. | Add one surprising fact. |
  Give a short answer first, then the details. | Keep the answer under {n:3-9} paragraphs.`),
];

/** Who the answer is for. */
export const AUDIENCE_TAILS = [
  ...blanks(4),
  ...pool(`
  Explain it as if I were {audience}. | Use {tone} tone. | Write it for {audience}. |
  Assume I am {audience}. | Aim it at {audience}. | Pitch it at {audience}, in {tone} tone. | Use {tone} voice. |
  Imagine you are talking to {audience}. | Pretend I am {audience}, and use {tone} tone.`),
];

/** Short closing sentences that bring a padded prompt to its exact length. */
export const FILLERS = pool(`
  Thanks. | Thanks in advance. | Any pointers help. | I'm asking out of curiosity. | Please be specific. |
  Details are welcome. | Take your time. | I appreciate the help. | Clarity matters more than length here. |
  Feel free to correct my assumptions. | I will read the answer carefully. | Concrete numbers would help. |
  A short summary at the end would be great. | Plain language, please. | I'm trying to learn this properly. |
  Let me know if the question is unclear. | Examples are always useful to me. | No need for jargon. |
  I want to understand the reasoning, not just the answer. | Mention anything I might be overlooking. |
  OK. | Cheers. | Much appreciated. | That is all. | Thank you!`);

/** Background sentences any strategy may use. */
export const GENERIC_CONTEXT = pool(`
  I have read a few summaries, but they disagreed on {n:2-5} important details. |
  A colleague of mine spent {n:2-12} years studying questions like this one. |
  Last week I tried to explain this to {audience} and got stuck halfway. |
  Most of what I know about it comes from a documentary I watched {n:2-9} years ago. |
  I keep notes on topics like this, and this one has {n:3-40} unanswered questions in it. |
  My first guess was wrong, so I would like to understand where my reasoning went astray. |
  I would rather have a careful answer than a fast one, even if it takes {n:3-8} paragraphs. |
  The explanation will be shared with {audience}, so it needs to be accurate. |
  I found {n:2-6} different answers online and none of them cited a source. |
  Our reading group has discussed this for {n:2-9} weeks without settling it. |
  If the answer depends on assumptions, please state them before using them. |
  I am not an expert, so I may be mixing up terms that specialists keep apart. |
  Earlier this year I gave a short talk on a related topic to about {n:10-200} people. |
  Someone in the audience asked a follow-up question that I could not answer. |
  I would like to be able to explain the answer again without notes. |
  An older reference book on my shelf treats this in just {n:2-9} sentences. |
  I have a hunch about the answer, but hunches have misled me before.`);

export const BANKS: Readonly<Record<string, QuestionBank>> = {
  historical: {
    questions: [
      'How did {event} affect {aspect} in {region} over the following {n:5-80} years?',
      'What role did {group} play in {region} during {event}, and how were they remembered {n:20-200} years later?',
      'Why did {aspect} in {region} change so much between {year} and {n:1901-1999}?',
      'How would {group} in {region} around {year} have experienced {event}?',
      'What do historians argue about the effect of {event} on {aspect} in {region} during its first {n:5-50} years?',
      'Compare {aspect} in {region} and {region} in the {century} century.',
      'Which sources best show how {group} in {region} thought about {aspect} around {year}?',
      'How did {event} change the lives of {group} in {region} within {n:2-40} years?',
      'What surprised historians most about {aspect} among {group} in {region} around {year}?',
      'Was {event} more important for {aspect} or for {aspect} in {region}?',
    ],
    context: [
      'Historians often point to {year} as a turning point for {aspect} in {region}.',
      'Surviving letters from {region} describe how {group} reacted to {event}.',
      'Some textbooks claim that {event} mattered less for {aspect} than is usually said.',
      'In {region}, records of {aspect} from the {century} century are patchy but revealing.',
      'A museum I visited had a whole room about {group} in {region} and their role in {event}.',
      'One book I read argued that {aspect} shaped {event} rather than the other way round.',
      'Tax records from {region} around {year} mention {group} far more often than I expected.',
      'A lecture I attended described {event} as a slow change rather than a sudden break.',
      'Local archives in {region} were partly lost, so much of what we know comes from travelers.',
      'Some accounts say {group} benefited from {event}, while others describe real hardship.',
      'Maps from the {century} century show how much {region} was shaped by its trade links.',
      'I grew up near a town whose history was deeply affected by {event}.',
    ],
    pools: {
      event: pool(`
        the printing press | the Black Death | the fall of Constantinople | the Industrial Revolution |
        the Meiji Restoration | the Silk Road trade | the Reformation | the Columbian Exchange |
        the invention of the telegraph | the spread of railways | the abolition of serfdom | the Hundred Years' War |
        the Congress of Vienna | the Little Ice Age | the rise of the Hanseatic League | the Mongol conquests |
        the founding of the Royal Society | the Glorious Revolution | the partition of Poland | the Opium Wars |
        the unification of Germany | the opening of the Suez Canal | the Crusades | the siege of Vienna |
        the Dutch Golden Age | the Tokugawa shogunate | the Haitian Revolution | the Great Famine in Ireland |
        the California Gold Rush | the Taiping Rebellion | the Scientific Revolution | the Norman conquest |
        the signing of Magna Carta | the Renaissance in Florence | the 1918 influenza pandemic |
        the Great Depression | the Marshall Plan | the decolonization of Africa | the space race |
        the invention of the steam engine`),
      aspect: pool(`
        trade routes | the daily life of farmers | religious institutions | military tactics | literacy |
        city planning | banking | the role of women | art and architecture | diplomacy | the food supply |
        public health | craft guilds | taxation | migration | scientific thinking | shipbuilding |
        the legal system | education | land ownership | publishing | music | clothing and textiles |
        the status of merchants | popular beliefs | coinage | road networks | family life |
        the power of the nobility | working conditions`),
      region: pool(`
        Western Europe | the Ottoman Empire | Ming China | Edo Japan | the Low Countries | the Iberian Peninsula |
        West Africa | the Indian subcontinent | Scandinavia | the Andes | Mesoamerica | Persia | the Baltic region |
        Egypt | the Holy Roman Empire | Russia | the Caribbean | North America | the Balkans | Southeast Asia |
        the Mediterranean | Central Asia | Korea | Ethiopia | the British Isles | Poland-Lithuania | Venice |
        Mughal India`),
      group: pool(`
        peasants | merchants | monks | soldiers | sailors | scholars | artisans | women | children | bankers |
        pilgrims | diplomats | physicians | printers | farmers | miners | enslaved people | city officials`),
      year: pool(Array.from({ length: 85 }, (_, i) => String(1050 + i * 10)).join('|')),
      century: pool(`11th | 12th | 13th | 14th | 15th | 16th | 17th | 18th | 19th | 20th`),
    },
  },
  mathematical: {
    questions: [
      'What is {n:101-9999} multiplied by {n:12-999}?',
      'If a train travels at {n:40-320} km/h for {n:1-14} hours and {n:5-55} minutes, how far does it go?',
      'What is the sum of all whole numbers from {n:2-500} to {n:501-9999}?',
      'Solve for x: {n:2-19}x + {n:3-250} = {n:300-5000}.',
      'What is {n:2-95}% of {n:120-98000}?',
      'A rectangle is {n:3-900} cm wide and {n:3-900} cm long. What are its area and perimeter?',
      'How many ways can you choose {n:2-12} {things} from {n:13-900}, if order does not matter?',
      'How much is {n:500-50000} dollars worth after {n:2-30} years at {n:1-15}% interest compounded yearly?',
      'Is {n:1001-999999} a prime number, and how would you check it by hand?',
      'What is the greatest common divisor of {n:20-9999} and {n:20-9999}?',
      'Find the derivative of {n:2-20}x^{n:2-9} + {n:2-50}x - {n:1-99}.',
      'A recipe needs {n:2-9} cups of flour for {n:6-48} cookies. How much flour do {n:25-900} cookies need?',
      'What is the average of {n:10-99}, {n:100-999} and {n:1000-9999}?',
      'A tank fills at {n:2-40} liters per minute and drains at {n:1-15}. How long until {n:100-5000} liters?',
    ],
    context: [
      'I tried this with a calculator and got {n:10-9999}, which seems wrong.',
      'The textbook chapter on {topic} skips the step I am stuck on.',
      'My first attempt used {topic}, but I lost track after {n:2-6} lines.',
      'We covered {topic} in class, and this problem seems to need it.',
      'I would like to see the method, not just the number, because the exam has {n:5-30} questions like this.',
      'A friend says the answer is close to {n:10-9999}, but cannot explain why.',
      'I am helping my younger brother, who is {n:11-17}, with his homework.',
      'Rounding too early gave me an answer that was off by {n:2-40} percent.',
      'Our teacher wants every step written out, including the units.',
      'I checked the problem twice and I am fairly sure it is copied correctly.',
      'A worked example for {topic} would help me more than the final result alone.',
      'This is practice for a test with a time limit of {n:20-120} minutes.',
    ],
    pools: {
      things: pool(`books | students | cards | colors | toppings | players | songs | paintings | runners |
        questions | flowers | stamps | coins | volunteers | recipes`),
      topic: pool(`
        fractions | percentages | linear equations | prime factorization | combinatorics | compound interest |
        derivatives | unit conversion | geometry | arithmetic series | ratios | long division | estimation |
        modular arithmetic | probability`),
    },
  },
  geographical: {
    questions: [
      'Why is {city} in {month} so different from {city}, and has the gap changed since {n:1960-2020}?',
      'How does the {river} shape farming and trade in {country}, and how has that changed since {n:1900-2020}?',
      'Roughly how far is it from {city} to {city}, and how long would the trip take by {transport} with {n:2-9} stops?',
      'Which natural resources matter most to {country}, and how has {sector} there changed since {n:1900-2020}?',
      'How does the weather at {n:500-4500} meters in the {range} in {month} compare with the coast of {country}?',
      'If you traveled overland from {city} to {city} by {transport} in {month}, which landscapes would you see?',
      'What role does {feature} play in the ecology of {country}, and how much has been lost since {n:1900-2015}?',
      'How has climate change affected {feature} near {city} over the last {n:10-60} years, and what might the next {n:5-30} years bring?',
      'Why did {city} grow so much faster than other cities in {country} after {n:1800-1990}?',
      'Describe what you would see on a {n:5-40} kilometer hike along the {river} in {month}, starting near {city}.',
    ],
    context: [
      'I am planning a trip that includes {city} and about {n:3-21} days in {country}.',
      'A map I bought shows the {river} much wider than I expected near {city}.',
      'Friends who lived in {country} for {n:2-15} years described the {range} very differently.',
      'My geography teacher once called {feature} the most underrated landscape in {country}.',
      'I am writing a short guide for travelers who reach {city} by {transport}.',
      'Population figures for {city} vary by more than {n:5-40} percent depending on the source.',
      'Last {month} I spent a few days near {city} and the weather surprised me.',
      'Our school atlas is more than {n:10-40} years old, so some details are probably outdated.',
      'I once crossed the {range} by {transport} and still remember the views.',
      'A documentary about {feature} in {country} made me want to learn more.',
      'My family comes from a small town about {n:20-400} kilometers from {city}.',
      'The guidebook says {month} is the best time to visit, but does not explain why.',
    ],
    pools: {
      city: pool(`
        Lagos | Nairobi | Cairo | Casablanca | Lisbon | Madrid | Paris | Berlin | Warsaw | Oslo | Helsinki |
        Istanbul | Tehran | Karachi | Mumbai | Kolkata | Dhaka | Bangkok | Hanoi | Jakarta | Manila | Seoul |
        Osaka | Beijing | Chengdu | Ulaanbaatar | Sydney | Perth | Auckland | Santiago | Lima | Bogota |
        Quito | Buenos Aires | Sao Paulo | Mexico City | Havana | Toronto | Vancouver | Denver | Chicago |
        Anchorage | Reykjavik | Dublin | Edinburgh | Athens | Tbilisi | Almaty | Addis Ababa | Cape Town`),
      country: pool(`
        Nigeria | Kenya | Egypt | Morocco | Portugal | Spain | France | Germany | Poland | Norway | Finland |
        Turkey | Iran | Pakistan | India | Bangladesh | Thailand | Vietnam | Indonesia | the Philippines |
        South Korea | Japan | China | Mongolia | Australia | New Zealand | Chile | Peru | Colombia | Ecuador |
        Argentina | Brazil | Mexico | Cuba | Canada | the United States | Iceland | Ireland | Greece | Georgia |
        Kazakhstan | Ethiopia | South Africa | Tanzania | Nepal`),
      river: pool(`
        Nile | Niger | Congo | Zambezi | Danube | Rhine | Volga | Thames | Loire | Ganges | Indus | Mekong |
        Yangtze | Yellow River | Amazon | Parana | Orinoco | Mississippi | Colorado | Yukon | Murray |
        Tigris | Euphrates | Jordan | Irrawaddy | Vistula | Dnieper | Ebro | Po | Rio Grande`),
      range: pool(`
        Andes | Alps | Himalayas | Rockies | Atlas Mountains | Urals | Carpathians | Pyrenees | Caucasus |
        Appalachians | Drakensberg | Zagros Mountains | Tian Shan | Altai | Southern Alps | Great Dividing Range`),
      feature: pool(`
        the coastal wetlands | the river delta | the high plateau | the mangrove forests | the glaciers |
        the limestone caves | the salt flats | the coral reefs | the volcanic islands | the boreal forest |
        the desert oases | the floodplains | the fjords | the grasslands | the cloud forests | the tidal flats`),
      transport: pool(
        `train | bus | car | bicycle | ferry and train | motorbike | overnight bus | hitchhiking`,
      ),
      sector: pool(`farming | fishing | mining | tourism | forestry | energy production | manufacturing |
        shipping | water management | the timber trade | oil and gas | hydropower`),
    },
  },
  hypothetical: {
    questions: [
      'What would happen to {domain} in a country of {n:2-300} million people if {premise}?',
      'How would {group} in {setting} adapt during the first {n:2-90} days if {premise}?',
      'If {premise}, what would change first in {domain} in {setting}, and what would take {n:2-90} years?',
      'Suppose a city of {n:10000-900000} people lost {resource} for {n:2-14} days. What should it prioritize?',
      'What if {invention} had been invented around {n:1200-1900}? How would {domain} in {setting} differ today?',
      'Imagine that {premise}. Would {group} in {setting} be better or worse off after {n:2-60} years?',
      'If you could redesign {domain} in {setting}, knowing that {premise}, what would you change in {n:2-24} months?',
      'How would {setting} of {n:500-20000} people cope if {premise}?',
    ],
    context: [
      'This came up in a discussion about {domain} that lasted {n:2-5} hours.',
      'I am writing a short story where {premise}, and I want it to feel realistic.',
      'A podcast I listen to argued that {group} would be the first to notice.',
      'My intuition says the effect on {domain} would fade within {n:2-20} years, but I am not sure.',
      'Our team ran a workshop where {n:4-40} people had to plan for a world in which {premise}.',
      'Some people I asked focused on {resource}, others on {domain}.',
      'I think the first week would be chaotic, but I am less sure about later years.',
      'In {setting}, I suspect {group} would be the most affected.',
      'A friend who works in {domain} thinks the change would hardly be noticed.',
      'We tried to estimate the costs and ended up with numbers {n:2-50} times apart.',
      'History has a few examples of sudden changes, but none quite like this one.',
      'I am more interested in how people would adapt than in the technical details.',
    ],
    pools: {
      premise: pool(`
        the Moon were twice as close to Earth | every city banned private cars | humans needed only four hours
        of sleep | the internet went offline for a month | everyone spoke the same language | oil ran out
        overnight | it rained every afternoon everywhere | money were replaced by time credits | nobody could lie |
        the oceans were fresh water | the average lifespan doubled | a day lasted thirty hours | plants grew ten
        times faster | every school went fully remote | paper had never been invented | electricity cost
        nothing | all borders opened tomorrow | winters lasted twice as long | cities floated on the sea |
        people could photosynthesize | the four-day work week became law | robots did all farm work |
        antibiotics stopped working | humans could hibernate | gravity were ten percent weaker`),
      domain: pool(`
        public transport | farming | schools | hospitals | the housing market | sports | tourism | the
        news media | family life | architecture | the fashion industry | space exploration | local government |
        restaurants | music festivals | scientific research | shipping | retail stores | the legal system |
        banking | elections | video games | book publishing | public parks | the job market`),
      group: pool(`
        farmers | teachers | nurses | truck drivers | teenagers | retirees | shop owners | scientists |
        city planners | fishermen | artists | engineers | parents of young children | firefighters | tourists`),
      resource: pool(`
        running water | electricity | mobile phone coverage | fuel deliveries | public transport | internet
        access | heating | refrigeration | its main bridge | its only hospital`),
      invention: pool(`
        the printing press | the telephone | the bicycle | the steam engine | the radio | the camera |
        the refrigerator | the vaccine | the electric light | the airplane | the computer | the compass`),
    },
  },
  technical: {
    questions: [
      'How do I {task} in {lang} when {constraint}, without slowing down the {component}?',
      'What are the trade-offs between {tech} and {tech} for {usecase} at {n:2-500} requests per second?',
      'Why might a {component} on {platform} show {symptom} about {n:2-90} minutes after {change}?',
      'How would you design {usecase} that handles {n:100-90000} requests per second?',
      'What is the time complexity of {algo} on {n:10-100000} elements, and can it be improved?',
      'My {lang} service on {platform} uses {n:2-32} GB of memory after {n:2-72} hours. How do I find the leak?',
      'Explain how {concept} works in {usecase}, with an example of under {n:10-60} lines of {lang}.',
      'When should I choose {tech} over {tech} for {usecase}, given {constraint}?',
      'How can I test a {component} written in {lang} that talks to {tech} when {constraint}?',
    ],
    context: [
      'Our team of {n:2-40} engineers has been debating this for weeks.',
      'The system currently runs on {platform} and handles about {n:10-5000} requests per second.',
      'We already tried {tech}, but {symptom} showed up under load.',
      'The codebase is mostly {lang}, roughly {n:5-900} thousand lines.',
      'I read the documentation on {concept} twice and still have questions.',
      'The problem started right after {change}.',
      'Our monitoring shows {symptom} on roughly {n:2-60} percent of the {component} instances.',
      'We would prefer a solution that does not require rewriting the {component}.',
      'I have a small reproduction of about {n:20-300} lines that I can share.',
      'The service is owned by a team of {n:2-12} people with limited time for big changes.',
      'We are considering {tech}, but nobody on the team has used it in production.',
      'Any advice on how to measure the improvement would be welcome too.',
    ],
    pools: {
      task: pool(`
        parse a large CSV file | retry failed HTTP requests | stream a file upload | cache database queries |
        validate user input | schedule background jobs | read configuration from the environment |
        write structured logs | paginate an API | handle time zones | compress responses | rate limit clients |
        serialize dates | cancel a slow request | hash passwords | profile CPU usage | run tasks in parallel |
        deduplicate events | version an API | migrate a database schema | debounce user input |
        batch writes to the database | sign webhook payloads | read a large JSON file | encrypt files at rest |
        queue emails | resize images | store feature flags | handle graceful shutdown | trace requests`),
      lang: pool(`
        TypeScript | Python | Go | Rust | Java | Kotlin | C# | Ruby | Elixir | Swift | C++ | Scala | PHP |
        Haskell | Zig`),
      constraint: pool(`
        the input does not fit in memory | the network is unreliable | I cannot add new dependencies |
        latency must stay under ten milliseconds | the data arrives out of order | several processes share the data |
        the service must never lose a message | the team is new to the language | the code runs on a small device |
        requests can take minutes | the schema changes often | I need the results to be reproducible |
        the clock on each machine drifts | the budget for cloud resources is tight | the logs contain personal data |
        deploys happen twenty times a day | traffic doubles every evening | the database is read-only at night |
        two teams own the code | the tests must finish in a minute | the service runs in three regions |
        errors must be reported to users | memory is limited to 256 MB | the API has strict rate limits |
        the data must stay in one country`),
      tech: pool(`
        PostgreSQL | SQLite | Redis | Kafka | RabbitMQ | gRPC | REST | GraphQL | WebSockets | server-sent events |
        Kubernetes | serverless functions | a message queue | a monolith | microservices | an in-memory cache |
        a columnar database | a document store | event sourcing | cron jobs`),
      usecase: pool(`
        a chat application | an order-processing pipeline | a metrics dashboard | a search service |
        a payment system | an IoT data collector | a recommendation engine | a file-sharing service |
        a booking system | a multiplayer game backend | an audit log | a notification service |
        a URL shortener | a video transcoding queue | an inventory tracker`),
      component: pool(`
        web server | background worker | database connection pool | load balancer | message consumer |
        cache layer | API gateway | cron scheduler | file watcher | authentication service | search indexer |
        payment worker | session store | image resizer | webhook dispatcher | metrics exporter | job queue |
        config service | feature-flag service | reverse proxy`),
      platform: pool(`
        Kubernetes | a single virtual machine | AWS Lambda | a Raspberry Pi | bare-metal servers | Docker Compose |
        a managed app platform | an edge network | Windows Server | a laptop`),
      symptom: pool(`
        rising latency | random timeouts | memory growth | duplicate messages | connection resets |
        high CPU usage | slow startup | stale data | dropped requests | disk filling up`),
      change: pool(`
        a library upgrade | a traffic spike | a configuration change | a region failover | a schema migration |
        a switch to a new runtime version | enabling TLS | adding a sidecar proxy | a certificate rotation |
        moving to containers`),
      algo: pool(`
        quicksort | binary search | Dijkstra's algorithm | a hash join | merge sort | breadth-first search |
        a trie lookup | the Knapsack dynamic program | a B-tree insert | topological sorting`),
      concept: pool(`
        backpressure | consistent hashing | garbage collection | connection pooling | idempotency keys |
        vector clocks | copy-on-write | the event loop | two-phase commit | bloom filters | memoization |
        circuit breakers | leader election | write-ahead logging | optimistic locking`),
    },
  },
};
