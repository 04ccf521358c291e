// fauxqs's CLI binds every interface; the tests want 127.0.0.1 only. usage: node sqs.mjs <port>
import { buildApp } from "fauxqs";
await buildApp({ logger: false }).listen({ host: "127.0.0.1", port: Number(process.argv[2] ?? 4566) });
