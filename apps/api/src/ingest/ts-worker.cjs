// Starts a worker thread's TypeScript module from the sources (`tsx watch` in development, vitest
// in tests), compiled on the fly by tsx: Node 20 applies no `--import` loader to a worker's entry
// module. Built code (`npm start`) starts the compiled JavaScript directly.
const { require: requireTs } = require("tsx/cjs/api");

requireTs(process.argv[2], __filename);
